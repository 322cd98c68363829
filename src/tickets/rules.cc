#include "tickets/rules.h"

#include <algorithm>

#include "auth/policy.h"
#include "core/strings.h"
#include "markdown/markdown.h"
#include "store/ticket_repo.h"

namespace entraide::tickets {
namespace {

// The catalog has sentences for the subject and the body (the forms people fill in); the other texts are
// written by volunteers, who read the English message.
std::string TextKey(const std::string& field, bool missing) {
  if (field == "subject") return missing ? "error_subject_required" : "error_subject_too_long";
  if (field == "body") return missing ? "error_body_required" : "error_body_too_long";
  return "";
}

}  // namespace

bool IsHex64(std::string_view s) {
  return s.size() == 64 &&
         std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

core::StatusOr<model::Ticket> LoadVisible(store::TicketRepository& repo, const auth::Principal* who, int64_t id) {
  if (!who) return core::Unauthenticated("sign in first");
  auto t = repo.Find(id);
  if (!t.ok()) return t.status();
  // Not visible is the same answer as not there: ids reveal nothing.
  if (!*t || !auth::Allows(who, auth::Action::kReadGroupItem, (*t)->group_id)) return core::NotFound("no such ticket");
  return **t;
}

core::Status CheckText(const std::string& text, const std::string& field, size_t max) {
  if (core::Trim(text).empty()) return core::InvalidField(field, "required").WithKey(TextKey(field, true));
  if (text.size() > max)
    return core::TooLarge(field + ": " + std::to_string(text.size()) + " bytes; the limit is " + std::to_string(max))
        .For(field)
        .WithKey(TextKey(field, false));
  if (!core::IsValidUtf8(text)) return core::InvalidField(field, "not valid UTF-8");
  return core::Status::Ok();
}

core::StatusOr<std::string> RenderText(const std::string& text, const std::string& field, const TextLimits& limits) {
  markdown::Limits l;
  l.max_bytes = limits.max_bytes;
  l.budget_ms = limits.render_budget_ms;
  markdown::Options o;
  o.min_heading_level = 3;  // under the page's h1 and h2
  auto r = markdown::RenderBounded(text, l, o);
  if (!r.ok()) {
    // CheckText has refused a text too long or not UTF-8: what is left is formatted HTML over its cap.
    core::Status st = core::Status(r.status().code(), field + ": " + r.status().message()).For(field);
    if (field != "body" || st.code() != core::StatusCode::kInvalidArgument) return st;
    return std::move(st).WithKey("error_body_formatted_too_large");
  }
  return r->html;
}

core::Status OverHourlyLimit(const std::string& what, const char* key, int64_t oldest, int64_t now,
                             int64_t* retry_after_s) {
  int64_t wait = oldest > 0 ? std::clamp<int64_t>(oldest + 3600 - now, 1, 3600) : 3600;
  if (retry_after_s) *retry_after_s = wait;
  std::string minutes = std::to_string(wait / 60 + 1);
  return core::ResourceExhausted("at most " + what + " an hour; try again in " + minutes + " minutes")
      .WithKey(key, {{"minutes", minutes}});
}

core::Status MoveTo(store::TicketRepository& repo, std::optional<int64_t> actor, const model::Ticket& t,
                    model::TicketStatus to, int64_t now) {
  ENTRAIDE_RETURN_IF_ERROR(repo.SetStatus(t.id, to, now));
  auto ev = repo.AddEvent(model::TicketEvent::Of(t.id, "status", now).By(actor).Change(t.status, to));
  return ev.ok() ? core::Status::Ok() : ev.status();
}

core::Status ClaimLoaded(store::TicketRepository& repo, const auth::Principal& who, const model::Ticket& t,
                         int64_t now) {
  using model::TicketStatus;
  ENTRAIDE_RETURN_IF_ERROR(auth::Require(&who, auth::Action::kTriage));
  if (!model::IsOpen(t.status)) return core::Conflict("only an open ticket can be claimed");
  auto won = repo.Claim(t.id, who.user_id, now);
  if (!won.ok()) return won.status();
  if (!*won) return core::Conflict(t.assignee_name + " already holds this ticket");
  if (t.assignee_id && t.assignee_id == who.user_id) return core::Status::Ok();  // already mine
  auto ev =
      repo.AddEvent(model::TicketEvent::Of(t.id, "assign", now).By(who.user_id).Change(t.assignee_name, who.name));
  if (!ev.ok()) return ev.status();
  if (t.status == TicketStatus::kNew || t.status == TicketStatus::kTriaged)
    return MoveTo(repo, who.user_id, t, TicketStatus::kInProgress, now);
  return core::Status::Ok();
}

}  // namespace entraide::tickets
