#include "tickets/response_targets.h"

#include <vector>

#include "core/strings.h"

namespace entraide::tickets {

int64_t ResponseTargets::SecondsFor(const std::string& urgency) const {
  int hours = normal_hours;
  if (urgency == "blocking") hours = blocking_hours;
  if (urgency == "high") hours = high_hours;
  if (urgency == "low") hours = low_hours;
  return int64_t{hours} * 3600;
}

core::StatusOr<ResponseTargets> ParseResponseTargets(const std::string& text) {
  ResponseTargets t;
  bool blocking_given = false;
  for (const auto& raw : core::Split(text, ',')) {
    std::string part(core::Trim(raw));
    if (part.empty()) continue;
    size_t colon = part.find(':');
    std::string name = colon == std::string::npos ? part : std::string(core::Trim(part.substr(0, colon)));
    std::string hours = colon == std::string::npos ? "" : std::string(core::Trim(part.substr(colon + 1)));
    int* field = name == "blocking" ? &t.blocking_hours
                 : name == "high"   ? &t.high_hours
                 : name == "normal" ? &t.normal_hours
                 : name == "low"    ? &t.low_hours
                                    : nullptr;
    if (!field) return core::InvalidArgument("'" + part + "': an urgency (blocking, high, normal, low) then ':' hours");
    long n = -1;
    size_t used = 0;
    try {
      n = std::stol(hours, &used);
    } catch (...) {
      used = 0;
    }
    if (used == 0 || used != hours.size() || n < 1 || n > 8760)
      return core::InvalidArgument("'" + part + "': hours must be a whole number from 1 to 8760");
    *field = static_cast<int>(n);
    if (name == "blocking") blocking_given = true;
  }
  if (!blocking_given) t.blocking_hours = t.high_hours;
  return t;
}

std::string FormatResponseTargets(const ResponseTargets& t) {
  return "blocking:" + std::to_string(t.blocking_hours) + ", high:" + std::to_string(t.high_hours) +
         ", normal:" + std::to_string(t.normal_hours) + ", low:" + std::to_string(t.low_hours);
}

Lateness LatenessOf(const ResponseTargets& targets, const std::string& urgency, int64_t created_at,
                    std::optional<int64_t> first_answer_at, int64_t now) {
  if (first_answer_at) return Lateness::kOnTime;
  int64_t target = targets.SecondsFor(urgency);
  int64_t waited = now - created_at;
  if (waited >= target) return Lateness::kLate;
  if (waited * 4 >= target * 3) return Lateness::kNearlyLate;
  return Lateness::kOnTime;
}

bool AnsweredInTime(const ResponseTargets& targets, const std::string& urgency, int64_t answer_s) {
  return answer_s <= targets.SecondsFor(urgency);
}

}  // namespace entraide::tickets
