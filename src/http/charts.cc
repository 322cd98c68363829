#include "http/charts.h"

#include <algorithm>

#include "core/escape.h"

namespace entraide::http {
namespace {

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  std::string s(buf);
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  return s;
}

// The opening tag, the title and the description, and the pattern of the second series.
std::string Open(const Chart& c, int width, int height) {
  std::string out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" viewBox=\"0 0 " +
                    std::to_string(width) + " " + std::to_string(height) + "\" width=\"" + std::to_string(width) +
                    "\" height=\"" + std::to_string(height) + "\" fill=\"currentColor\" aria-labelledby=\"" + c.id +
                    "-t " + c.id + "-d\">";
  out += "<title id=\"" + c.id + "-t\">" + core::XmlEscape(c.title) + "</title>";
  out += "<desc id=\"" + c.id + "-d\">" + core::XmlEscape(c.desc) + "</desc>";
  out += "<defs><pattern id=\"" + c.id +
         "-hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
         "<rect width=\"6\" height=\"6\" fill=\"none\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" "
         "stroke=\"currentColor\" stroke-width=\"3\"/></pattern></defs>";
  return out;
}

// Text and bars take the <svg>'s fill (currentColor); CSS sets the font of `.chart text`. Start is the default anchor.
std::string Text(double x, double y, const std::string& anchor, const std::string& text) {
  return "<text x=\"" + Num(x) + "\" y=\"" + Num(y) + "\"" +
         (anchor == "start" ? std::string() : " text-anchor=\"" + anchor + "\"") + ">" + core::XmlEscape(text) +
         "</text>";
}

// The fill and outline of a series' bars: the first solid (the inherited fill), the others hatched and outlined.
std::string Fill(const Chart& c, size_t series) {
  return series == 0 ? std::string() : " fill=\"url(#" + c.id + "-hatch)\" stroke=\"currentColor\"";
}

}  // namespace

int64_t NiceStep(int64_t max) {
  if (max <= 4) return 1;
  int64_t raw = (max + 3) / 4, power = 1;
  while (power * 10 <= raw) power *= 10;
  for (int64_t m : {1, 2, 5, 10})
    if (m * power >= raw) return m * power;
  return 10 * power;
}

std::string ColumnChartSvg(const Chart& c) {
  const int width = 720, height = 280, left = 48, right = 12, top = 36, bottom = 40;
  const int plot_w = width - left - right, plot_h = height - top - bottom;
  int64_t max = 0;
  for (const auto& s : c.series)
    for (int64_t v : s.values) max = std::max(max, v);
  int64_t step = NiceStep(max), top_value = std::max<int64_t>(step, (max + step - 1) / step * step);
  std::string out = Open(c, width, height);
  // The legend: a swatch with the series' fill and its name.
  double lx = left;
  for (size_t i = 0; i < c.series.size(); ++i) {
    out += "<rect x=\"" + Num(lx) + "\" y=\"8\" width=\"14\" height=\"14\"" + Fill(c, i) + "/>";
    out += Text(lx + 20, 20, "start", c.series[i].name);
    lx += 28 + 8.0 * c.series[i].name.size();
  }
  // The y axis: ticks and numbers.
  for (int64_t v = 0; v <= top_value; v += step) {
    double y = top + plot_h - static_cast<double>(v) * plot_h / top_value;
    out += "<line x1=\"" + std::to_string(left) + "\" x2=\"" + std::to_string(width - right) + "\" y1=\"" + Num(y) +
           "\" y2=\"" + Num(y) + "\" stroke=\"currentColor\" stroke-opacity=\"0.25\"/>";
    out += Text(left - 6, y + 4, "end", std::to_string(v) + c.value_suffix);
  }
  out += "<line x1=\"" + std::to_string(left) + "\" x2=\"" + std::to_string(left) + "\" y1=\"" + std::to_string(top) +
         "\" y2=\"" + std::to_string(top + plot_h) + "\" stroke=\"currentColor\"/>";
  out += "<line x1=\"" + std::to_string(left) + "\" x2=\"" + std::to_string(width - right) + "\" y1=\"" +
         std::to_string(top + plot_h) + "\" y2=\"" + std::to_string(top + plot_h) + "\" stroke=\"currentColor\"/>";
  size_t n = c.labels.size(), k = std::max<size_t>(1, c.series.size());
  if (n == 0) return out + "</svg>";
  double group_w = static_cast<double>(plot_w) / n, bar_w = std::max(2.0, (group_w - 4) / k);
  // Labels under every column group when they fit, else every second or fourth.
  size_t every = n <= 13 ? 1 : n <= 26 ? 2 : 4;
  for (size_t i = 0; i < n; ++i) {
    double gx = left + i * group_w + 2;
    for (size_t s = 0; s < c.series.size(); ++s) {
      int64_t v = i < c.series[s].values.size() ? c.series[s].values[i] : 0;
      double h = static_cast<double>(v) * plot_h / top_value, x = gx + s * bar_w;
      out += "<rect x=\"" + Num(x) + "\" y=\"" + Num(top + plot_h - h) + "\" width=\"" + Num(bar_w - 1) +
             "\" height=\"" + Num(h) + "\"" + Fill(c, s) + "><title>" +
             core::XmlEscape(c.series[s].name + ", " + c.labels[i] + ": " + std::to_string(v) + c.value_suffix) +
             "</title></rect>";
    }
    if (i % every == 0) out += Text(gx + (group_w - 4) / 2, top + plot_h + 16, "middle", c.labels[i]);
  }
  return out + "</svg>";
}

std::string BarChartSvg(const Chart& c) {
  const int width = 720, left = 220, right = 70, row = 26, top = 8;
  size_t n = c.labels.size();
  int height = top + static_cast<int>(std::max<size_t>(1, n)) * row + 8;
  const int plot_w = width - left - right;
  int64_t max = 0;
  if (!c.series.empty())
    for (int64_t v : c.series[0].values) max = std::max(max, v);
  std::string out = Open(c, width, height);
  out += "<line x1=\"" + std::to_string(left) + "\" x2=\"" + std::to_string(left) + "\" y1=\"" + std::to_string(top) +
         "\" y2=\"" + std::to_string(height - 8) + "\" stroke=\"currentColor\"/>";
  for (size_t i = 0; i < n; ++i) {
    int64_t v = !c.series.empty() && i < c.series[0].values.size() ? c.series[0].values[i] : 0;
    double y = top + i * row, w = max ? static_cast<double>(v) * plot_w / max : 0;
    std::string label = c.labels[i].size() > 34 ? c.labels[i].substr(0, 31) + "…" : c.labels[i];
    // Cut on a character boundary: drop continuation bytes left before the ellipsis.
    if (label.size() != c.labels[i].size()) {
      size_t cut = 31;
      while (cut > 0 && (static_cast<unsigned char>(c.labels[i][cut]) & 0xC0) == 0x80) --cut;
      label = c.labels[i].substr(0, cut) + "…";
    }
    out += Text(left - 8, y + 17, "end", label);
    out += "<rect x=\"" + std::to_string(left) + "\" y=\"" + Num(y + 4) + "\" width=\"" + Num(w) +
           "\" height=\"18\"><title>" + core::XmlEscape(c.labels[i] + ": " + std::to_string(v) + c.value_suffix) +
           "</title></rect>";
    out += Text(left + w + 6, y + 17, "start", std::to_string(v) + c.value_suffix);
  }
  return out + "</svg>";
}

}  // namespace entraide::http
