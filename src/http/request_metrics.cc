#include "http/request_metrics.h"

#include <algorithm>
#include <array>

namespace entraide::http {
namespace {

constexpr int kMinStatus = 100;
constexpr int kStatuses = 500;  // 100..599
// Methods whose unmatched requests are counted apart; anything else counts as "other".
constexpr std::array<std::string_view, 8> kMethods = {"GET",   "HEAD",   "POST",    "PUT",
                                                      "PATCH", "DELETE", "OPTIONS", "other"};

}  // namespace

struct RequestMetrics::Slot {
  std::string method, route;
  std::array<std::atomic<uint64_t>, kStatuses> statuses{};
  std::array<std::atomic<uint64_t>, kBuckets> buckets{};  // not cumulative: each request in one bucket
  std::atomic<uint64_t> sum_us{0};
};

RequestMetrics::RequestMetrics(const std::vector<Router::RouteName>& routes)
    : routes_(static_cast<int>(routes.size())), count_(static_cast<int>(routes.size() + kMethods.size())) {
  slots_ = std::make_unique<Slot[]>(count_);
  for (int i = 0; i < routes_; ++i) {
    slots_[i].method = routes[i].method;
    slots_[i].route = routes[i].pattern;
  }
  for (size_t m = 0; m < kMethods.size(); ++m) {
    slots_[routes_ + m].method = kMethods[m];
    slots_[routes_ + m].route = "unmatched";
  }
}

RequestMetrics::~RequestMetrics() = default;

int RequestMetrics::UnmatchedSlot(std::string_view method) const {
  for (size_t m = 0; m + 1 < kMethods.size(); ++m)
    if (kMethods[m] == method) return routes_ + static_cast<int>(m);
  return count_ - 1;
}

void RequestMetrics::Observe(int route_index, std::string_view method, int status, double seconds) {
  Slot& s = slots_[route_index >= 0 && route_index < routes_ ? route_index : UnmatchedSlot(method)];
  s.statuses[std::clamp(status, kMinStatus, kMinStatus + kStatuses - 1) - kMinStatus].fetch_add(
      1, std::memory_order_relaxed);
  int b = 0;
  while (b < kBuckets - 1 && seconds > kBounds[b]) ++b;
  s.buckets[b].fetch_add(1, std::memory_order_relaxed);
  s.sum_us.fetch_add(static_cast<uint64_t>(std::max(0.0, seconds) * 1e6), std::memory_order_relaxed);
}

void RequestMetrics::Collect(core::MetricsText& out) const {
  out.Family("entraide_http_requests_total", "counter",
             "Requests answered, by route pattern (unmatched: no route took it) and status.");
  for (int i = 0; i < count_; ++i) {
    const Slot& s = slots_[i];
    for (int k = 0; k < kStatuses; ++k) {
      uint64_t n = s.statuses[k].load(std::memory_order_relaxed);
      if (n == 0) continue;
      std::string status = std::to_string(kMinStatus + k);
      out.Sample("entraide_http_requests_total", {{"method", s.method}, {"route", s.route}, {"status", status}},
                 static_cast<int64_t>(n));
    }
  }
  out.Family("entraide_http_request_duration_seconds", "histogram",
             "Time from a complete request to its response being ready, by route pattern.");
  for (int i = 0; i < count_; ++i) {
    const Slot& s = slots_[i];
    std::array<uint64_t, kBuckets> counts;
    uint64_t total = 0;
    for (int b = 0; b < kBuckets; ++b) total += counts[b] = s.buckets[b].load(std::memory_order_relaxed);
    if (total == 0) continue;
    uint64_t cumulative = 0;
    for (int b = 0; b < kBuckets; ++b) {
      cumulative += counts[b];
      std::string le = b < kBuckets - 1 ? core::MetricBound(kBounds[b]) : "+Inf";
      out.Sample("entraide_http_request_duration_seconds_bucket",
                 {{"method", s.method}, {"route", s.route}, {"le", le}}, static_cast<int64_t>(cumulative));
    }
    out.Sample("entraide_http_request_duration_seconds_sum", {{"method", s.method}, {"route", s.route}},
               static_cast<double>(s.sum_us.load(std::memory_order_relaxed)) / 1e6);
    out.Sample("entraide_http_request_duration_seconds_count", {{"method", s.method}, {"route", s.route}},
               static_cast<int64_t>(total));
  }
}

}  // namespace entraide::http
