// The status workflow of a ticket. Pure functions; thread-safe.
//
//   open:   new, triaged, in_progress, waiting_on_group      then: resolved, closed
//   - volunteers move a ticket between open statuses (never back to new) and to resolved;
//   - claiming a new or triaged ticket makes it in_progress;
//   - a public reply that asks the group something makes it waiting_on_group; the group's reply brings it
//     back to in_progress;
//   - a resolved ticket is closed by the group or a volunteer (or by itself after 14 days);
//   - reopening a resolved or closed ticket brings it to triaged;
//   - anything else (closed -> in_progress without reopening, anything -> new) is refused (kConflict).
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "model/ticket.h"

namespace entraide::tickets {

using model::IsFinished;
using model::IsOpen;
using model::TicketStatus;
bool IsUrgency(std::string_view s);

enum class Side { kVolunteer, kGroup };

// May `side` move a ticket from `from` to `to` directly (a status change, close or reopen)?
core::Status CheckMove(TicketStatus from, TicketStatus to, Side side);

// A status word from people (a form, the API): kInvalidArgument for the field "status" when it is not one.
core::StatusOr<TicketStatus> ParseStatusField(std::string_view word);

}  // namespace entraide::tickets
