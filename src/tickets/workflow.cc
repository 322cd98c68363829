#include "tickets/workflow.h"

#include <string>

namespace entraide::tickets {

bool IsUrgency(std::string_view s) { return s == "low" || s == "normal" || s == "high" || s == "blocking"; }

core::StatusOr<TicketStatus> ParseStatusField(std::string_view word) {
  if (auto s = model::ParseTicketStatus(word)) return *s;
  return core::InvalidField("status", "unknown status '" + std::string(word) + "'");
}

core::Status CheckMove(TicketStatus from, TicketStatus to, Side side) {
  using enum TicketStatus;
  auto refuse = [&] {
    return core::Conflict("a ticket cannot go from " + std::string(ToString(from)) + " to " + std::string(ToString(to)))
        .WithKey("error_status_move");
  };
  if (from == to) return refuse();
  if (to == kNew) return refuse();
  if (to == kClosed) return from == kResolved ? core::Status::Ok() : refuse();
  if (to == kTriaged && IsFinished(from)) return core::Status::Ok();  // reopen
  if (side == Side::kGroup) return refuse();  // the group closes and reopens; volunteers do the rest
  if (IsOpen(from) && (IsOpen(to) || to == kResolved)) return core::Status::Ok();
  return refuse();
}

}  // namespace entraide::tickets
