// The tz database reader: offsets on both sides of daylight saving changes, local wall times to UTC (gaps and
// overlaps), the POSIX rule past the file's last transition, ISO weeks, and bad names or files.
#include "core/timezone.h"

#include <gtest/gtest.h>

#include "core/clock.h"

namespace entraide::core {
namespace {

int64_t Utc(int64_t y, unsigned m, unsigned d, int h, int min = 0) {
  return DaysFromCivil(y, m, d) * 86400 + h * 3600 + min * 60;
}

LocalTime Wall(int64_t y, int m, int d, int h, int min = 0) {
  LocalTime t;
  t.year = y;
  t.month = m;
  t.day = d;
  t.hour = h;
  t.minute = min;
  return t;
}

class TorontoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto z = TimeZone::Load("America/Toronto");
    ASSERT_TRUE(z.ok()) << z.status().ToString();
    zone_ = *z;
  }
  TimeZone zone_ = TimeZone::Utc();
};

TEST_F(TorontoTest, OffsetsAreStandardInWinterAndDaylightInSummer) {
  EXPECT_EQ(zone_.OffsetAt(Utc(2026, 11, 28, 12)), -5 * 3600);
  EXPECT_EQ(zone_.OffsetAt(Utc(2026, 7, 1, 12)), -4 * 3600);
  // 2027: daylight time from Sunday March 14 at 02:00 EST (07:00 UTC) to Sunday November 7 at 02:00 EDT (06:00 UTC).
  EXPECT_EQ(zone_.OffsetAt(Utc(2027, 3, 14, 6, 59)), -5 * 3600);
  EXPECT_EQ(zone_.OffsetAt(Utc(2027, 3, 14, 7)), -4 * 3600);
  EXPECT_EQ(zone_.OffsetAt(Utc(2027, 11, 7, 5, 59)), -4 * 3600);
  EXPECT_EQ(zone_.OffsetAt(Utc(2027, 11, 7, 6)), -5 * 3600);
}

TEST_F(TorontoTest, EightInTheMorningIsTheRightInstantAroundBothChanges) {
  EXPECT_EQ(zone_.ToUtc(Wall(2027, 3, 13, 8)), Utc(2027, 3, 13, 13));  // Saturday, EST
  EXPECT_EQ(zone_.ToUtc(Wall(2027, 3, 14, 8)), Utc(2027, 3, 14, 12));  // Sunday, EDT already
  EXPECT_EQ(zone_.ToUtc(Wall(2027, 11, 7, 8)), Utc(2027, 11, 7, 13));  // back to EST
  LocalTime back = zone_.ToLocal(Utc(2027, 3, 14, 12));
  EXPECT_EQ(back.hour, 8);
  EXPECT_EQ(back.day, 14);
  EXPECT_EQ(back.weekday, 0);  // Sunday
}

TEST_F(TorontoTest, GapsMoveOnAndOverlapsTakeTheEarlierInstant) {
  // 02:30 does not exist on March 14, 2027: it becomes 03:30 EDT.
  EXPECT_EQ(zone_.ToUtc(Wall(2027, 3, 14, 2, 30)), Utc(2027, 3, 14, 7, 30));
  // 01:30 happens twice on November 7, 2027: the first time is in EDT.
  EXPECT_EQ(zone_.ToUtc(Wall(2027, 11, 7, 1, 30)), Utc(2027, 11, 7, 5, 30));
}

TEST_F(TorontoTest, ThePosixRuleAppliesPastTheLastTransition) {
  // 2100: second Sunday of March is March 14; first Sunday of November is November 7.
  EXPECT_EQ(zone_.OffsetAt(Utc(2100, 3, 14, 6, 59)), -5 * 3600);
  EXPECT_EQ(zone_.OffsetAt(Utc(2100, 3, 14, 7)), -4 * 3600);
  EXPECT_EQ(zone_.OffsetAt(Utc(2100, 11, 7, 6)), -5 * 3600);
  EXPECT_EQ(zone_.ToUtc(Wall(2100, 3, 14, 8)), Utc(2100, 3, 14, 12));  // past 2038: no 32-bit seconds anywhere
  EXPECT_EQ(zone_.ToLocal(Utc(2100, 3, 14, 12)).hour, 8);
}

TEST(TimeZoneTest, OtherZonesAndUtc) {
  auto paris = TimeZone::Load("Europe/Paris");
  ASSERT_TRUE(paris.ok());
  EXPECT_EQ(paris->OffsetAt(Utc(2027, 1, 15, 12)), 3600);
  EXPECT_EQ(paris->OffsetAt(Utc(2027, 7, 15, 12)), 7200);
  auto sydney = TimeZone::Load("Australia/Sydney");  // southern hemisphere: daylight time spans the new year
  ASSERT_TRUE(sydney.ok());
  EXPECT_EQ(sydney->OffsetAt(Utc(2099, 1, 15, 0)), 11 * 3600);
  EXPECT_EQ(sydney->OffsetAt(Utc(2099, 7, 15, 0)), 10 * 3600);
  EXPECT_EQ(TimeZone::Utc().OffsetAt(Utc(2027, 7, 1, 0)), 0);
}

TEST(TimeZoneTest, BadNamesAndFilesAreErrorsNotCrashes) {
  EXPECT_EQ(TimeZone::Load("../etc/passwd").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(TimeZone::Load("/etc/passwd").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(TimeZone::Load("").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(TimeZone::Load("Mars/Olympus_Mons").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(TimeZone::Load("America").status().code(), StatusCode::kNotFound);  // a folder of zoneinfo
}

TEST(TimeZoneTest, LinkNamesAreTheZonesTheyNameAndUtcHasNoOffset) {
  auto montreal = TimeZone::Load("America/Montreal");  // a link to America/Toronto in the tz database
  ASSERT_TRUE(montreal.ok()) << montreal.status().ToString();
  EXPECT_EQ(montreal->name(), "America/Montreal");
  EXPECT_EQ(montreal->OffsetAt(Utc(2027, 3, 14, 7)), -4 * 3600);
  auto etc_utc = TimeZone::Load("Etc/UTC");
  ASSERT_TRUE(etc_utc.ok());
  EXPECT_EQ(etc_utc->ToUtc(Wall(2027, 3, 14, 2, 30)), Utc(2027, 3, 14, 2, 30));
  EXPECT_EQ(TimeZone::Utc().ToLocal(Utc(2027, 3, 14, 2, 30)).hour, 2);
}

TEST(TimeZoneTest, IsoWeeksAndDates) {
  struct Case {
    int64_t y;
    int m, d;
    const char* week;
  };
  const Case cases[] = {
      {2026, 11, 28, "2026-W48"}, {2026, 11, 30, "2026-W49"}, {2027, 1, 1, "2026-W53"},
      {2027, 1, 4, "2027-W01"},   {2024, 12, 30, "2025-W01"}, {2021, 1, 3, "2020-W53"},
  };
  for (const auto& c : cases) EXPECT_EQ(IsoWeek(Wall(c.y, c.m, c.d, 8)), c.week) << c.y << "-" << c.m << "-" << c.d;
  EXPECT_EQ(FormatDate(Wall(2027, 3, 4, 0)), "2027-03-04");
  int64_t y;
  int m, d;
  CivilFromDays(DaysFromCivil(2000, 2, 29), &y, &m, &d);
  EXPECT_EQ(y * 10000 + m * 100 + d, 20000229);
  CivilFromDays(-1, &y, &m, &d);
  EXPECT_EQ(y * 10000 + m * 100 + d, 19691231);
}

}  // namespace
}  // namespace entraide::core
