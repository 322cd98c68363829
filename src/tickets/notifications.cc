#include "tickets/notifications.h"

#include <vector>

#include "core/json_writer.h"
#include "core/strings.h"
#include "store/account_repo.h"

namespace entraide::tickets {

std::string Excerpt(const std::string& text) {
  std::string t(core::Trim(text));
  if (t.size() <= 280) return t;
  return std::string(core::Utf8Prefix(t, 280)) + "…";
}

model::MailKind VolunteerReplyKind(std::optional<model::TicketStatus> next) {
  using enum model::TicketStatus;
  if (next == kResolved) return model::MailKind::kTicketResolved;
  if (next == kWaitingOnGroup) return model::MailKind::kTicketQuestion;
  return model::MailKind::kTicketReply;
}

std::string Notifier::Data(const model::Ticket& t, const model::User& reader, const std::string& excerpt,
                           const std::string& actor_name) const {
  core::JsonWriter w;
  w.BeginObject().Field("ticket_id", t.id).Field("ref", t.ref).Field("subject", t.subject);
  w.Field("url", base_url_ + "/" + reader.lang + "/tickets/" + std::to_string(t.id)).Field("excerpt", excerpt);
  w.Field("actor", actor_name).Field("name", reader.name).Field("thread", "ticket-" + std::to_string(t.id)).EndObject();
  return w.Take();
}

core::Status Notifier::Notify(store::Database& db, const model::Ticket& t, model::MailKind kind,
                              const std::string& excerpt, const auth::Principal& actor, bool to_group,
                              int64_t now) const {
  store::AccountRepository accounts(db);
  std::vector<model::User> recipients;
  if (to_group) {
    auto members = accounts.MembersOf(t.group_id);
    if (!members.ok()) return members.status();
    recipients = std::move(members).value();
  } else if (t.assignee_id) {
    auto a = accounts.FindUserById(*t.assignee_id);
    if (!a.ok()) return a.status();
    if (*a) recipients.push_back(**a);
  }
  for (const auto& u : recipients) {
    if (!u.active || u.id == actor.user_id) continue;
    auto m = store::OutboxMessage::To(kind, u.id, u.email, u.name, u.lang, Data(t, u, excerpt, actor.name), now);
    m.thread_key = "ticket:" + std::to_string(t.id);  // one thread per ticket in the reader's mailbox
    auto id = accounts.EnqueueMail(m);
    if (!id.ok()) return id.status();
  }
  return core::Status::Ok();
}

}  // namespace entraide::tickets
