#include "tickets/take_links.h"

#include "auth/principal.h"
#include "core/sha256.h"
#include "store/account_repo.h"
#include "store/pool.h"
#include "store/take_link_repo.h"
#include "store/ticket_repo.h"
#include "tickets/rules.h"

namespace entraide::tickets {

core::StatusOr<TakeOutcome> TakeLinkService::Check(const std::string& token) { return Follow(token, false); }

core::StatusOr<TakeOutcome> TakeLinkService::Take(const std::string& token) { return Follow(token, true); }

core::StatusOr<TakeOutcome> TakeLinkService::Follow(const std::string& token, bool use) {
  core::Status bad = core::Unauthenticated("this link is not valid");
  if (!IsHex64(token)) return bad;
  std::string hash = core::Sha256Hex(token);
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::TicketRepository repo(**db);
  store::TakeLinkRepository links(**db);
  int64_t now = clock_.NowSeconds();
  TakeOutcome out;
  // A write transaction even to look: the link, the ticket and the claim are read and changed together.
  core::Status st = store::InTransaction(**db, [&]() -> core::Status {
    auto link = links.Find(hash);
    if (!link.ok()) return link.status();
    if (!*link) return bad;
    auto user = store::AccountRepository(**db).FindUserById((*link)->user_id);
    if (!user.ok()) return user.status();
    if (!*user || !(*user)->active || !model::IsVolunteerOrMore((*user)->role)) return bad;
    auto ticket = repo.Find((*link)->ticket_id);
    if (!ticket.ok()) return ticket.status();
    if (!*ticket) return bad;
    const model::Ticket& t = **ticket;
    const model::User& u = **user;
    out.ticket_id = t.id;
    out.ref = t.ref;
    out.subject = t.subject;
    out.volunteer_id = u.id;
    out.volunteer_name = u.name;
    out.holder_name = t.assignee_name;
    bool mine = t.assignee_id && *t.assignee_id == u.id;
    using R = TakeOutcome::Result;
    if ((*link)->used_at) {
      out.result = mine ? R::kAlreadyYours : t.assignee_id ? R::kTakenByOther : R::kUsed;
    } else if (now >= (*link)->expires_at) {
      out.result = R::kExpired;
    } else if (mine) {
      out.result = R::kAlreadyYours;
      if (use) {
        auto used = links.Use(hash, now);
        if (!used.ok()) return used.status();
      }
    } else if (t.assignee_id) {
      out.result = R::kTakenByOther;
    } else if (!model::IsOpen(t.status)) {
      out.result = R::kNotOpen;
    } else if (!use) {
      out.result = R::kReady;
    } else {
      auto used = links.Use(hash, now);
      if (!used.ok()) return used.status();
      if (!*used) return core::Unavailable("this link is being used: try again");
      auth::Principal who{u.id, u.email, u.name, u.role, u.lang, {}};
      ENTRAIDE_RETURN_IF_ERROR(ClaimLoaded(repo, who, t, now));
      out.result = R::kTaken;
      out.holder_name = u.name;
    }
    return core::Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

}  // namespace entraide::tickets
