#include "core/metrics.h"

#include <charconv>
#include <cmath>

namespace entraide::core {
namespace {

// HELP text escapes backslash and line feed; label values also escape the double quote.
void AppendEscaped(std::string& out, std::string_view s, bool quote) {
  for (char c : s) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else if (quote && c == '"')
      out += "\\\"";
    else
      out += c;
  }
}

void AppendDouble(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
    return;
  }
  if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
    return;
  }
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);  // shortest text that reads back the same
  out.append(buf, ec == std::errc() ? end : buf);
}

}  // namespace

MetricsText& MetricsText::Family(std::string_view name, std::string_view type, std::string_view help) {
  out_ += "# HELP ";
  out_ += name;
  out_ += ' ';
  AppendEscaped(out_, help, false);
  out_ += "\n# TYPE ";
  out_ += name;
  out_ += ' ';
  out_ += type;
  out_ += '\n';
  return *this;
}

void MetricsText::Head(std::string_view name, std::initializer_list<MetricLabel> labels) {
  out_ += name;
  if (labels.size() > 0) {
    out_ += '{';
    bool first = true;
    for (const auto& [k, v] : labels) {
      if (!first) out_ += ',';
      first = false;
      out_ += k;
      out_ += "=\"";
      AppendEscaped(out_, v, true);
      out_ += '"';
    }
    out_ += '}';
  }
  out_ += ' ';
}

MetricsText& MetricsText::Sample(std::string_view name, std::initializer_list<MetricLabel> labels, double value) {
  Head(name, labels);
  AppendDouble(out_, value);
  out_ += '\n';
  return *this;
}

MetricsText& MetricsText::Sample(std::string_view name, std::initializer_list<MetricLabel> labels, int64_t value) {
  Head(name, labels);
  out_ += std::to_string(value);
  out_ += '\n';
  return *this;
}

MetricsText& MetricsText::Single(std::string_view name, std::string_view type, std::string_view help, int64_t value) {
  return Family(name, type, help).Sample(name, {}, value);
}

std::string MetricBound(double seconds) {
  std::string out;
  AppendDouble(out, seconds);
  return out;
}

}  // namespace entraide::core
