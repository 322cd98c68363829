#include "core/timezone.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "core/clock.h"

namespace entraide::core {
namespace {

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

int64_t BigEndian(const std::string& b, size_t at, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | static_cast<uint8_t>(b[at + i]);
  if (n == 4) return static_cast<int32_t>(static_cast<uint32_t>(v));
  return static_cast<int64_t>(v);
}

int Weekday(int64_t days) { return static_cast<int>(((days % 7) + 11) % 7); }  // 1970-01-01 was a Thursday (4)

int DaysInMonth(int64_t y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

// Day (since the epoch) of the w-th (5: last) weekday d of month m in year y: the "Mm.w.d" of POSIX TZ.
int64_t NthWeekday(int64_t y, int m, int w, int d) {
  int64_t first = DaysFromCivil(y, static_cast<unsigned>(m), 1);
  int64_t day = first + (d - Weekday(first) + 7) % 7 + 7 * (w - 1);
  while (day >= first + DaysInMonth(y, m)) day -= 7;
  return day;
}

// A POSIX TZ time or offset: [+-]hh[:mm[:ss]]. Advances *p.
bool ParseHms(const std::string& s, size_t* p, int64_t* out) {
  int sign = 1;
  if (*p < s.size() && (s[*p] == '+' || s[*p] == '-')) sign = s[(*p)++] == '-' ? -1 : 1;
  int64_t parts[3] = {0, 0, 0};
  for (int i = 0; i < 3; ++i) {
    if (i > 0) {
      if (*p >= s.size() || s[*p] != ':') break;
      ++*p;
    }
    size_t start = *p;
    while (*p < s.size() && s[*p] >= '0' && s[*p] <= '9' && *p - start < 3) parts[i] = parts[i] * 10 + (s[(*p)++] - '0');
    if (*p == start) return false;
  }
  *out = sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]);
  return true;
}

bool ParseName(const std::string& s, size_t* p) {
  size_t start = *p;
  if (*p < s.size() && s[*p] == '<') {
    size_t end = s.find('>', *p);
    if (end == std::string::npos) return false;
    *p = end + 1;
    return end - start > 1;
  }
  while (*p < s.size() && ((s[*p] >= 'A' && s[*p] <= 'Z') || (s[*p] >= 'a' && s[*p] <= 'z'))) ++*p;
  return *p - start >= 3;
}

// ",Mm.w.d[/time]"
bool ParseDate(const std::string& s, size_t* p, int* month, int* week, int* wday, int64_t* time) {
  if (*p >= s.size() || s[*p] != ',') return false;
  ++*p;
  if (*p >= s.size() || s[*p] != 'M') return false;  // Jn and n forms are not used by any zone we schedule in
  ++*p;
  int v[3] = {0, 0, 0};
  for (int i = 0; i < 3; ++i) {
    if (i > 0) {
      if (*p >= s.size() || s[*p] != '.') return false;
      ++*p;
    }
    size_t start = *p;
    while (*p < s.size() && s[*p] >= '0' && s[*p] <= '9' && *p - start < 2) v[i] = v[i] * 10 + (s[(*p)++] - '0');
    if (*p == start) return false;
  }
  if (v[0] < 1 || v[0] > 12 || v[1] < 1 || v[1] > 5 || v[2] > 6) return false;
  *month = v[0];
  *week = v[1];
  *wday = v[2];
  *time = 7200;
  if (*p < s.size() && s[*p] == '/') {
    ++*p;
    if (!ParseHms(s, p, time)) return false;
  }
  return true;
}

}  // namespace

void CivilFromDays(int64_t z, int64_t* y, int* m, int* d) {
  z += 719468;
  const int64_t era = FloorDiv(z, 146097);
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  *d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

std::string FormatDate(const LocalTime& t) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld-%02d-%02d", static_cast<long long>(t.year), t.month, t.day);
  return buf;
}

std::string IsoWeek(const LocalTime& t) {
  int64_t days = DaysFromCivil(t.year, static_cast<unsigned>(t.month), static_cast<unsigned>(t.day));
  int monday_based = (Weekday(days) + 6) % 7;  // 0 Monday ... 6 Sunday
  int64_t thursday = days - monday_based + 3;
  int64_t y;
  int m, d;
  CivilFromDays(thursday, &y, &m, &d);
  int64_t week = (thursday - DaysFromCivil(y, 1, 1)) / 7 + 1;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld-W%02lld", static_cast<long long>(y), static_cast<long long>(week));
  return buf;
}

TimeZone TimeZone::Utc() {
  TimeZone z;
  z.name_ = "UTC";
  return z;
}

StatusOr<TimeZone> TimeZone::Load(const std::string& name, const std::string& zoneinfo_dir) {
  if (name == "UTC") return Utc();
  bool shaped = !name.empty() && name.size() < 64 && name.front() != '/' && name.find("..") == std::string::npos;
  for (char c : name)
    shaped = shaped && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' ||
                        c == '_' || c == '-' || c == '+');
  if (!shaped) return InvalidArgument("time zone: '" + name + "' is not a zone name like America/Toronto");
  std::ifstream in(zoneinfo_dir + "/" + name, std::ios::binary);
  if (!in) return NotFound("time zone: no " + zoneinfo_dir + "/" + name + " (is the tzdata package installed?)");
  std::stringstream bytes;
  bytes << in.rdbuf();
  return FromTzif(name, bytes.str());
}

StatusOr<TimeZone> TimeZone::FromTzif(const std::string& name, const std::string& b) {
  Status bad = InvalidArgument("time zone " + name + ": not a TZif file");
  auto header = [&](size_t at, int64_t c[6]) {
    if (b.size() < at + 44 || b.compare(at, 4, "TZif") != 0) return false;
    for (int i = 0; i < 6; ++i) c[i] = BigEndian(b, at + 20 + 4 * i, 4);
    for (int i = 0; i < 6; ++i)
      if (c[i] < 0 || c[i] > 100000) return false;
    return c[4] > 0;  // at least one local time type
  };
  int64_t c[6];  // isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
  if (!header(0, c)) return bad;
  char version = b[4];
  size_t at = 44;
  int time_size = 4;
  if (version >= '2') {  // skip the 32-bit block: the 64-bit one follows it
    at += c[3] * 4 + c[3] + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0];
    if (!header(at, c)) return bad;
    at += 44;
    time_size = 8;
  }
  size_t need = c[3] * time_size + c[3] + c[4] * 6 + c[5] + c[2] * (time_size + 4) + c[1] + c[0];
  if (b.size() < at + need) return bad;
  TimeZone z;
  z.name_ = name;
  std::vector<int64_t> type_offsets;
  size_t types_at = at + c[3] * time_size + c[3];
  for (int64_t i = 0; i < c[4]; ++i) {
    int64_t off = BigEndian(b, types_at + i * 6, 4);
    if (off < -26 * 3600 || off > 26 * 3600) return bad;
    type_offsets.push_back(off);
  }
  z.initial_offset_ = type_offsets[0];
  for (int64_t i = 0; i < c[3]; ++i) {
    int64_t t = BigEndian(b, at + i * time_size, time_size);
    auto idx = static_cast<uint8_t>(b[at + c[3] * time_size + i]);
    if (idx >= type_offsets.size() || (!z.transitions_.empty() && t <= z.transitions_.back())) return bad;
    z.transitions_.push_back(t);
    z.offsets_.push_back(type_offsets[idx]);
  }
  if (version >= '2') {
    size_t footer = at + need;
    if (footer < b.size() && b[footer] == '\n') {
      size_t end = b.find('\n', footer + 1);
      if (end != std::string::npos) z.has_rule_ = ParseRule(b.substr(footer + 1, end - footer - 1), &z.rule_);
    }
  }
  return z;
}

bool TimeZone::ParseRule(const std::string& s, Rule* r) {
  size_t p = 0;
  int64_t std_west = 0;
  if (!ParseName(s, &p) || !ParseHms(s, &p, &std_west)) return false;
  r->std_offset = -std_west;
  r->has_dst = false;
  if (p == s.size()) return true;
  if (!ParseName(s, &p)) return false;
  r->dst_offset = r->std_offset + 3600;
  if (p < s.size() && s[p] != ',') {
    int64_t dst_west = 0;
    if (!ParseHms(s, &p, &dst_west)) return false;
    r->dst_offset = -dst_west;
  }
  if (!ParseDate(s, &p, &r->start_month, &r->start_week, &r->start_wday, &r->start_time)) return false;
  if (!ParseDate(s, &p, &r->end_month, &r->end_week, &r->end_wday, &r->end_time)) return false;
  r->has_dst = p == s.size();
  return r->has_dst;
}

int64_t TimeZone::RuleOffset(int64_t utc) const {
  const Rule& r = rule_;
  if (!r.has_dst) return r.std_offset;
  int64_t y;
  int m, d;
  CivilFromDays(FloorDiv(utc + r.std_offset, 86400), &y, &m, &d);
  // Start is written in standard time, end in daylight time (both local).
  int64_t start = NthWeekday(y, r.start_month, r.start_week, r.start_wday) * 86400 + r.start_time - r.std_offset;
  int64_t end = NthWeekday(y, r.end_month, r.end_week, r.end_wday) * 86400 + r.end_time - r.dst_offset;
  bool dst = start < end ? (utc >= start && utc < end) : (utc < end || utc >= start);
  return dst ? r.dst_offset : r.std_offset;
}

int64_t TimeZone::OffsetAt(int64_t utc) const {
  if (transitions_.empty()) return has_rule_ ? RuleOffset(utc) : initial_offset_;
  if (utc < transitions_.front()) return initial_offset_;
  if (utc >= transitions_.back() && has_rule_) return RuleOffset(utc);
  auto it = std::upper_bound(transitions_.begin(), transitions_.end(), utc);
  return offsets_[static_cast<size_t>(it - transitions_.begin()) - 1];
}

LocalTime TimeZone::ToLocal(int64_t utc) const {
  int64_t s = utc + OffsetAt(utc);
  int64_t days = FloorDiv(s, 86400);
  int64_t secs = s - days * 86400;
  LocalTime t;
  CivilFromDays(days, &t.year, &t.month, &t.day);
  t.hour = static_cast<int>(secs / 3600);
  t.minute = static_cast<int>(secs / 60 % 60);
  t.second = static_cast<int>(secs % 60);
  t.weekday = Weekday(days);
  return t;
}

int64_t TimeZone::ToUtc(const LocalTime& l) const {
  int64_t wall = DaysFromCivil(l.year, static_cast<unsigned>(l.month), static_cast<unsigned>(l.day)) * 86400 +
                 l.hour * 3600 + l.minute * 60 + l.second;
  // Offsets change at most once within a day around `wall`: the candidates are the offsets a day before and after.
  int64_t before = OffsetAt(wall - 86400), after = OffsetAt(wall + 86400);
  int64_t best = INT64_MAX;
  for (int64_t o : {before, after})
    if (OffsetAt(wall - o) == o) best = std::min(best, wall - o);
  return best != INT64_MAX ? best : wall - before;  // in a gap: as if the clock had not moved forward yet
}

}  // namespace entraide::core
