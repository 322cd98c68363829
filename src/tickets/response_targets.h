// Response targets: per urgency, how many calendar hours a ticket may wait for its first public answer
// (helpdesk.first_answer_hours). A ticket still waiting is late past its target, and nearly late once three
// quarters of it have gone by; an answered ticket is neither (the target is about the first answer only).
// Plain values and pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/status.h"

namespace entraide::tickets {

struct ResponseTargets {
  int blocking_hours = 4;
  int high_hours = 4;
  int normal_hours = 24;
  int low_hours = 72;
  // The target of `urgency` in seconds (an unknown urgency gets normal's).
  int64_t SecondsFor(const std::string& urgency) const;
};

// "high:4, normal:24, low:72" (any of blocking, high, normal, low; each 1 to 8760 hours; those left out keep
// their defaults, and blocking takes high's when only high is given). kInvalidArgument naming the bad part.
core::StatusOr<ResponseTargets> ParseResponseTargets(const std::string& text);
// The same targets written back ("blocking:4, high:4, normal:24, low:72").
std::string FormatResponseTargets(const ResponseTargets& t);

enum class Lateness { kOnTime, kNearlyLate, kLate };

// Where a ticket of `urgency` opened at `created_at` stands at `now`; answered (first_answer_at set): on time.
Lateness LatenessOf(const ResponseTargets& targets, const std::string& urgency, int64_t created_at,
                    std::optional<int64_t> first_answer_at, int64_t now);
// True when a ticket answered `answer_s` seconds after it was opened met the target of `urgency`.
bool AnsweredInTime(const ResponseTargets& targets, const std::string& urgency, int64_t answer_s);

}  // namespace entraide::tickets
