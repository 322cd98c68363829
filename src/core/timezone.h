// TimeZone: an IANA zone read from the system's tz database (/usr/share/zoneinfo, package tzdata), so that
// digests go out at 08:00 local time on both sides of a daylight saving change. libstdc++ 12 has no
// std::chrono::tzdb, so the TZif file (RFC 8536, versions 1 to 4) is read here: its transitions, and past the
// last one the POSIX TZ rule of its footer ("EST5EDT,M3.2.0,M11.1.0"). Immutable after Load; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace entraide::core {

// A date and time on a wall clock (no zone).
struct LocalTime {
  int64_t year = 1970;
  int month = 1, day = 1, hour = 0, minute = 0, second = 0;
  int weekday = 4;  // 0 Sunday ... 6 Saturday (filled in by conversions from UTC)
};

class TimeZone {
 public:
  // "UTC", or a name under zoneinfo_dir. kInvalidArgument for a malformed name or file, kNotFound when absent.
  static StatusOr<TimeZone> Load(const std::string& name, const std::string& zoneinfo_dir = "/usr/share/zoneinfo");
  // Parses the bytes of a TZif file (for tests and fuzzing). kInvalidArgument when it is not one.
  static StatusOr<TimeZone> FromTzif(const std::string& name, const std::string& bytes);
  static TimeZone Utc();

  const std::string& name() const { return name_; }
  // Seconds east of UTC in force at `utc` (e.g. -18000 for EST, -14400 for EDT).
  int64_t OffsetAt(int64_t utc) const;
  LocalTime ToLocal(int64_t utc) const;
  // The instant a wall clock in this zone shows `local`. In a gap (spring forward) the time is moved on by the
  // gap's length (02:30 -> 03:30); in an overlap (fall back) the earlier instant is chosen.
  int64_t ToUtc(const LocalTime& local) const;

 private:
  struct Rule {  // a POSIX TZ string: std offset, and optionally dst offset with its start and end rules
    int64_t std_offset = 0, dst_offset = 0;
    bool has_dst = false;
    int start_month = 0, start_week = 0, start_wday = 0, end_month = 0, end_week = 0, end_wday = 0;
    int64_t start_time = 7200, end_time = 7200;  // seconds after local midnight
  };
  static bool ParseRule(const std::string& s, Rule* rule);
  int64_t RuleOffset(int64_t utc) const;

  std::string name_;
  std::vector<int64_t> transitions_;  // UTC instants, ascending
  std::vector<int64_t> offsets_;      // offsets_[i] applies from transitions_[i]
  int64_t initial_offset_ = 0;        // before the first transition
  Rule rule_;
  bool has_rule_ = false;
};

// Civil date from days since 1970-01-01 (the inverse of DaysFromCivil).
void CivilFromDays(int64_t days, int64_t* y, int* m, int* d);
// "2026-11-28"
std::string FormatDate(const LocalTime& t);
// ISO 8601 week of a date: "2026-W48" (weeks start on Monday; week 1 holds the year's first Thursday).
std::string IsoWeek(const LocalTime& t);

}  // namespace entraide::core
