#include "tickets/workflow.h"

namespace entraide::tickets {

bool IsStatus(std::string_view s) {
  return s == "new" || s == "triaged" || s == "in_progress" || s == "waiting_on_group" || s == "resolved" ||
         s == "closed";
}
bool IsOpen(std::string_view s) {
  return s == "new" || s == "triaged" || s == "in_progress" || s == "waiting_on_group";
}
bool IsUrgency(std::string_view s) { return s == "low" || s == "normal" || s == "high" || s == "blocking"; }

core::Status CheckMove(const std::string& from, const std::string& to, Side side) {
  if (!IsStatus(to)) return core::InvalidField("status", "unknown status '" + to + "'");
  auto refuse = [&] {
    return core::Conflict("a ticket cannot go from " + from + " to " + to).WithKey("error_status_move");
  };
  if (from == to) return refuse();
  if (to == "new") return refuse();
  if (to == "closed") return from == "resolved" ? core::Status::Ok() : refuse();
  if (to == "triaged" && (from == "resolved" || from == "closed")) return core::Status::Ok();  // reopen
  if (side == Side::kGroup) return refuse();  // the group closes and reopens; volunteers do the rest
  if (IsOpen(from) && (IsOpen(to) || to == "resolved")) return core::Status::Ok();
  return refuse();
}

}  // namespace entraide::tickets
