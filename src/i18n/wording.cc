#include "i18n/wording.h"

#include <algorithm>
#include <cstdio>

namespace entraide::i18n {

std::string LongDate(const Catalog& t, int64_t year, int month, int day) {
  if (month < 1 || month > 12) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04lld-%02d-%02d", static_cast<long long>(year), month, day);
    return buf;
  }
  return t.Format(day == 1 ? "date_long_first" : "date_long", {{"day", std::to_string(day)},
                                                               {"month", t.Get("month_" + std::to_string(month))},
                                                               {"year", std::to_string(year)}});
}

std::string LongDateIso(const Catalog& t, std::string_view iso) {
  auto digits = [&](size_t from, size_t n) {
    int v = 0;
    for (size_t i = from; i < from + n; ++i) {
      if (iso[i] < '0' || iso[i] > '9') return -1;
      v = v * 10 + (iso[i] - '0');
    }
    return v;
  };
  if (iso.size() != 10 || iso[4] != '-' || iso[7] != '-') return std::string(iso);
  int year = digits(0, 4), month = digits(5, 2), day = digits(8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 0) return std::string(iso);
  return LongDate(t, year, month, day);
}

std::string Ago(const Catalog& t, int64_t seconds) {
  if (seconds < 60) return t.Get("ago_now");
  if (seconds < 3600) return t.Plural("ago_minutes", seconds / 60);
  if (seconds < 86400) return t.Plural("ago_hours", seconds / 3600);
  return t.Plural("ago_days", seconds / 86400);
}

std::string Duration(const Catalog& t, int64_t s) {
  auto unit = [&t](const char* key, int64_t n) { return t.Format(key, {{"n", std::to_string(n)}}); };
  if (s < 3600) return unit("duration_minutes", std::max<int64_t>(1, s / 60));
  if (s < 48 * 3600) {
    int64_t m = s / 60 % 60;
    return unit("duration_hours", s / 3600) + (m ? " " + unit("duration_minutes", m) : "");
  }
  int64_t h = s / 3600 % 24;
  return unit("duration_days", s / 86400) + (h ? " " + unit("duration_hours", h) : "");
}

}  // namespace entraide::i18n
