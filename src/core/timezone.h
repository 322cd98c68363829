// TimeZone: an IANA zone of the system's tz database (/usr/share/zoneinfo, package tzdata), so that digests go
// out at 08:00 local time on both sides of a daylight saving change. libstdc++ 12 has no std::chrono::tzdb, so
// Howard Hinnant's date/tz reads the database (Debian builds it with USE_OS_TZDB=1: it reads the system's
// files and never downloads anything). Built that way it stops at a file's last transition (2037 in Debian's
// files), so past it the POSIX TZ rule of the file's footer applies ("EST5EDT,M3.2.0,M11.1.0", read by date's
// Posix::time_zone). Immutable after Load; copies share it; thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

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
  // "UTC", or a zone of the system's tz database. kInvalidArgument for a malformed name, kNotFound when absent.
  static StatusOr<TimeZone> Load(const std::string& name);
  static TimeZone Utc();

  const std::string& name() const { return name_; }
  // Seconds east of UTC in force at `utc` (e.g. -18000 for EST, -14400 for EDT).
  int64_t OffsetAt(int64_t utc) const;
  LocalTime ToLocal(int64_t utc) const;
  // The instant a wall clock in this zone shows `local`. In a gap (spring forward) the time is moved on by the
  // gap's length (02:30 -> 03:30); in an overlap (fall back) the earlier instant is chosen.
  int64_t ToUtc(const LocalTime& local) const;

 private:
  struct Zone;  // date's zone and the footer's rule
  std::string name_;
  std::shared_ptr<const Zone> zone_;  // null: UTC
};

// "2026-11-28"
std::string FormatDate(const LocalTime& t);
// ISO 8601 week of a date: "2026-W48" (weeks start on Monday; week 1 holds the year's first Thursday).
std::string IsoWeek(const LocalTime& t);

}  // namespace entraide::core
