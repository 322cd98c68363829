// RequestMetrics: the requests a server answered, counted by route pattern and status, and their durations in
// a histogram per route (buckets from 5 ms to 5 s, for a small server). Sized once for the router's routes,
// plus one "unmatched" route per method for requests no route took (404, 405, malformed requests). Recording
// a request adds to three atomics (relaxed order), so workers never wait on one another or on a scrape; a
// scrape reads each atomic once (a snapshot that may be a request apart between families). Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/metrics.h"
#include "http/router.h"

namespace entraide::http {

class RequestMetrics {
 public:
  // Upper bounds of the duration buckets, in seconds (the +Inf bucket comes after).
  static constexpr double kBounds[] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
  static constexpr int kBuckets = sizeof(kBounds) / sizeof(kBounds[0]) + 1;

  explicit RequestMetrics(const std::vector<Router::RouteName>& routes);
  ~RequestMetrics();
  RequestMetrics(const RequestMetrics&) = delete;
  RequestMetrics& operator=(const RequestMetrics&) = delete;

  // One answered request: `route_index` from the router (-1: none matched, counted under "unmatched" and the
  // request's method), its status (100..599) and how long it took.
  void Observe(int route_index, std::string_view method, int status, double seconds);

  // entraide_http_requests_total{method,route,status} and entraide_http_request_duration_seconds{method,route}:
  // only the series that have seen a request.
  void Collect(core::MetricsText& out) const;

 private:
  struct Slot;
  int UnmatchedSlot(std::string_view method) const;
  std::unique_ptr<Slot[]> slots_;
  int routes_ = 0;  // slots [0, routes_) are the router's; the unmatched ones follow
  int count_ = 0;
};

}  // namespace entraide::http
