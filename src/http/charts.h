// Charts for pages: inline SVG written on the server, so they show without JavaScript and read well to a
// screen reader: role="img" with a <title> and a <desc> (aria-labelledby both), axes with numbers, every bar's
// value written beside it, and series told apart by fill pattern and a legend in words, never by colour alone
// (bars use currentColor: the page's text colour, high contrast in both themes). The page puts a table with the
// same data below each chart. No style attributes (the CSP forbids them): presentation attributes and classes.
// Every text is XML-escaped. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace entraide::http {

struct ChartSeries {
  std::string name;             // in the legend
  std::vector<int64_t> values;  // one per label
};

struct Chart {
  std::string id;     // unique in the page ([a-z0-9-]): prefixes the ids of title, desc and patterns
  std::string title;  // what the chart shows
  std::string desc;   // a sentence that sums it up for those who do not see it
  std::vector<std::string> labels;
  std::vector<ChartSeries> series;
  std::string value_suffix;  // written after each value ("%"), empty for counts
};

// Columns, one group per label (weeks), the series side by side (the second one hatched).
std::string ColumnChartSvg(const Chart& chart);
// One horizontal bar per label (the first series only), its label on the left and its value at its end.
std::string BarChartSvg(const Chart& chart);

// A round step for an axis from 0 to `max` in about 4 steps: 1, 2 or 5 times a power of ten.
int64_t NiceStep(int64_t max);

}  // namespace entraide::http
