#include "core/timezone.h"

#include <chrono>

// date 3.0.1's ptz.h names hh_mm_ss after `using namespace date; using namespace std::chrono;`, which C++20's
// std::chrono::hh_mm_ss makes ambiguous: date's own is renamed, in this file only.
#define hh_mm_ss date_hh_mm_ss
#include <date/date.h>
#include <date/iso_week.h>
#include <date/ptz.h>
#include <date/tz.h>
#undef hh_mm_ss

#include <cstdio>
#include <exception>
#include <fstream>
#include <optional>
#include <sstream>

#include "core/clock.h"

namespace entraide::core {

struct TimeZone::Zone {
  const date::time_zone* tz = nullptr;   // owned by date's database, which lives as long as the process
  std::optional<Posix::time_zone> rule;  // the footer's rule, from `rule_from` on
  date::sys_seconds rule_from = date::sys_seconds::max();
};

namespace {

constexpr const char* kZoneinfo = "/usr/share/zoneinfo";

date::sys_seconds Sys(int64_t utc) { return date::sys_seconds(std::chrono::seconds(utc)); }

// The POSIX TZ string a TZif file (RFC 8536, version 2 and later) ends with, between its last two newlines.
std::string TzifFooter(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  std::string b = bytes.str();
  if (b.size() < 46 || b.compare(0, 4, "TZif") != 0 || b[4] < '2' || b.back() != '\n') return "";
  size_t start = b.rfind('\n', b.size() - 2);
  return start == std::string::npos ? "" : b.substr(start + 1, b.size() - start - 2);
}

date::sys_days Days(const LocalTime& t) {
  return date::sys_days(date::year_month_day(date::year(static_cast<int>(t.year)),
                                             date::month(static_cast<unsigned>(t.month)),
                                             date::day(static_cast<unsigned>(t.day))));
}

}  // namespace

std::string FormatDate(const LocalTime& t) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld-%02d-%02d", static_cast<long long>(t.year), t.month, t.day);
  return buf;
}

std::string IsoWeek(const LocalTime& t) {
  iso_week::year_weeknum_weekday w{Days(t)};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-W%02u", static_cast<int>(w.year()), static_cast<unsigned>(w.weeknum()));
  return buf;
}

TimeZone TimeZone::Utc() {
  TimeZone z;
  z.name_ = "UTC";
  return z;
}

StatusOr<TimeZone> TimeZone::Load(const std::string& name) {
  if (name == "UTC") return Utc();
  bool shaped = !name.empty() && name.size() < 64 && name.front() != '/' && name.find("..") == std::string::npos;
  for (char c : name)
    shaped = shaped && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' ||
                        c == '_' || c == '-' || c == '+');
  if (!shaped) return InvalidArgument("time zone: '" + name + "' is not a zone name like America/Toronto");
  auto zone = std::make_shared<Zone>();
  try {
    zone->tz = date::locate_zone(name);
    // The last interval the file knows never ends: the footer's rule takes over at its start.
    date::sys_seconds last = zone->tz->get_info(Sys(int64_t{1} << 40)).begin;
    std::string footer = TzifFooter(std::string(kZoneinfo) + "/" + zone->tz->name());
    if (!footer.empty()) {
      zone->rule.emplace(footer);
      zone->rule_from = last;
    }
  } catch (const std::exception&) {  // date throws std::runtime_error for an unknown zone or a bad rule
    if (zone->tz == nullptr)
      return NotFound("time zone: no zone " + name + " in " + kZoneinfo + " (is the tzdata package installed?)");
    zone->rule.reset();
  }
  TimeZone z;
  z.name_ = name;
  z.zone_ = std::move(zone);
  return z;
}

int64_t TimeZone::OffsetAt(int64_t utc) const {
  if (zone_ == nullptr) return 0;
  if (zone_->rule && Sys(utc) >= zone_->rule_from) return zone_->rule->get_info(Sys(utc)).offset.count();
  return zone_->tz->get_info(Sys(utc)).offset.count();
}

LocalTime TimeZone::ToLocal(int64_t utc) const {
  int64_t s = utc + OffsetAt(utc);
  auto days = date::floor<date::days>(Sys(s));
  int64_t day_count = days.time_since_epoch().count();  // an int: widen before multiplying
  int64_t secs = s - day_count * 86400;
  LocalTime t;
  CivilFromDays(day_count, &t.year, &t.month, &t.day);
  t.hour = static_cast<int>(secs / 3600);
  t.minute = static_cast<int>(secs / 60 % 60);
  t.second = static_cast<int>(secs % 60);
  t.weekday = static_cast<int>(date::weekday(days).c_encoding());
  return t;
}

int64_t TimeZone::ToUtc(const LocalTime& l) const {
  int64_t wall = int64_t{Days(l).time_since_epoch().count()} * 86400 + l.hour * 3600 + l.minute * 60 + l.second;
  if (zone_ == nullptr) return wall;
  // `first` is the offset in force just before the wall time: the earlier instant of an overlap, and in a gap the
  // clock as if it had not moved forward yet (02:30 EST is 03:30 EDT).
  date::local_seconds local{std::chrono::seconds(wall)};
  bool by_rule = zone_->rule && Sys(wall - 86400) >= zone_->rule_from;
  auto info = by_rule ? zone_->rule->get_info(local) : zone_->tz->get_info(local);
  return wall - info.first.offset.count();
}

}  // namespace entraide::core
