// Clock: where "now" comes from, so tests can move time by hand. Implementations are thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace entraide::core {

class Clock {
 public:
  virtual ~Clock() = default;
  // Seconds since the Unix epoch (UTC).
  virtual int64_t NowSeconds() const = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t NowSeconds() const override;
};

class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t start = 1798761600) : now_(start) {}  // 2027-01-01T00:00:00Z
  int64_t NowSeconds() const override { return now_.load(); }
  void Advance(int64_t seconds) { now_ += seconds; }
  void Set(int64_t seconds) { now_ = seconds; }

 private:
  std::atomic<int64_t> now_;
};

// "2026-11-27T23:50:54Z"
std::string FormatIso8601Utc(int64_t epoch_seconds);
// "Fri, 27 Nov 2026 23:50:54 GMT" (HTTP dates, RFC 9110)
std::string FormatHttpDate(int64_t epoch_seconds);
// The one civil-date conversion of the tree (Howard Hinnant's date, whose days_from_civil and civil_from_days
// are what a hand-written copy would be): days since 1970-01-01 for a proleptic Gregorian date, and back.
// Pure arithmetic, no allocation and no lock: async-signal-safe (log.cc's fatal-signal line uses it).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) noexcept;
void CivilFromDays(int64_t days, int64_t* y, int* m, int* d) noexcept;
// True for a real calendar date written YYYY-MM-DD.
bool IsIsoDate(const std::string& s);

}  // namespace entraide::core
