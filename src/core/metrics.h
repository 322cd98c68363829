// Monitoring in the Prometheus text exposition format (version 0.0.4): MetricsText writes the families and
// their samples, and a MetricsSource is anything that adds its families to a scrape (the HTTP server, the
// sign-in service, the data's gauges). The /metrics handler asks each source in turn.
//
//   # HELP entraide_http_requests_total Requests answered, by route pattern and status.
//   # TYPE entraide_http_requests_total counter
//   entraide_http_requests_total{method="GET",route="/{lang}/",status="200"} 3
//
// MetricsText is a value (one per scrape; not thread-safe). Sources are called from the handler's worker
// thread and must be safe to call from several at once.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace entraide::core {

using MetricLabel = std::pair<std::string_view, std::string_view>;

class MetricsText {
 public:
  // Starts a family: its # HELP and # TYPE lines. `type` is counter, gauge or histogram; a counter's name
  // ends in _total.
  MetricsText& Family(std::string_view name, std::string_view type, std::string_view help);
  // One sample line of the current family: `name` (the family's, or with _bucket/_sum/_count for a
  // histogram), its labels (values escaped), its value.
  MetricsText& Sample(std::string_view name, std::initializer_list<MetricLabel> labels, double value);
  MetricsText& Sample(std::string_view name, std::initializer_list<MetricLabel> labels, int64_t value);
  // A family of one unlabelled sample.
  MetricsText& Single(std::string_view name, std::string_view type, std::string_view help, int64_t value);

  const std::string& text() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  void Head(std::string_view name, std::initializer_list<MetricLabel> labels);
  std::string out_;
};

class MetricsSource {
 public:
  virtual ~MetricsSource() = default;
  // Appends this source's families. Never fails: what cannot be read is left out (and logged).
  virtual void Collect(MetricsText& out) const = 0;
};

// The value of a `le` label for a bucket bound in seconds ("0.005", "2.5", "+Inf" for infinity).
std::string MetricBound(double seconds);

}  // namespace entraide::core
