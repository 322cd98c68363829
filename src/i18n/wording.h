// Dates, elapsed times and durations in words, every word from a catalog (month_N, date_long, ago_*,
// duration_*): the code knows no language. Thread-safe (pure functions of their arguments).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "i18n/catalog.h"

namespace entraide::i18n {

// "November 28, 2026" / "28 novembre 2026" / "1er décembre 2026" (date_long, date_long_first for a month's first
// day). month 1..12; anything else gives the ISO date.
std::string LongDate(const Catalog& t, int64_t year, int month, int day);
// LongDate of "YYYY-MM-DD"; any other text is returned as it is.
std::string LongDateIso(const Catalog& t, std::string_view iso);
// How long ago, for `seconds` elapsed: "just now" under a minute, then minutes, hours, days ("il y a 3 jours").
std::string Ago(const Catalog& t, int64_t seconds);
// A duration in short units: "20 min" under an hour, "3 h 20 min" under two days, then "2 d 4 h" ("2 j 4 h").
std::string Duration(const Catalog& t, int64_t seconds);

}  // namespace entraide::i18n
