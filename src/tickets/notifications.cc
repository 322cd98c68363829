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
    ENTRAIDE_RETURN_IF_ERROR(Enqueue(db, t, kind, u, Data(t, u, excerpt, actor.name), now));
  }
  return core::Status::Ok();
}

core::Status Notifier::Enqueue(store::Database& db, const model::Ticket& t, model::MailKind kind, const model::User& to,
                               std::string data, int64_t now) const {
  auto m = store::OutboxMessage::To(kind, to.id, to.email, to.name, to.lang, std::move(data), now);
  m.thread_key = "ticket:" + std::to_string(t.id);  // one thread per ticket in the reader's mailbox
  auto id = store::AccountRepository(db).EnqueueMail(m);
  return id.ok() ? core::Status::Ok() : id.status();
}

std::string Notifier::OpenedData(const model::Ticket& t, const model::User& reader, const std::string& category,
                                 const ResponseTargets& targets) const {
  core::JsonWriter w;
  w.BeginObject().Field("ticket_id", t.id).Field("ref", t.ref).Field("subject", t.subject);
  w.Field("url", base_url_ + "/" + reader.lang + "/tickets/" + std::to_string(t.id));
  w.Field("excerpt", Excerpt(t.body)).Field("name", reader.name).Field("group", t.group_name);
  w.Field("category", category).Field("urgency", t.urgency).Field("urgency_" + t.urgency, true);
  w.Field("urgent", model::IsUrgentUrgency(t.urgency));
  w.Field("target_hours", targets.SecondsFor(t.urgency) / 3600);
  w.Field("thread", "ticket-" + std::to_string(t.id)).EndObject();
  return w.Take();
}

core::Status Notifier::NotifyOpened(store::Database& db, const model::Ticket& t, const ResponseTargets& targets,
                                    int64_t now) const {
  store::AccountRepository accounts(db);
  auto categories = accounts.TicketCategories(true);
  if (!categories.ok()) return categories.status();
  auto category_in = [&](const std::string& lang) {
    for (const auto& c : *categories)
      if (c.slug == t.category) return lang == "en" ? c.name_en : c.name_fr;
    return t.category;
  };
  auto opener = accounts.FindUserById(t.opened_by);
  if (!opener.ok()) return opener.status();
  if (*opener && (*opener)->active) {
    const model::User& u = **opener;
    ENTRAIDE_RETURN_IF_ERROR(
        Enqueue(db, t, model::MailKind::kTicketReceived, u, OpenedData(t, u, category_in(u.lang), targets), now));
  }
  auto volunteers = accounts.ListNewTicketAlertRecipients(model::IsUrgentUrgency(t.urgency));
  if (!volunteers.ok()) return volunteers.status();
  for (const auto& u : *volunteers) {
    if (!u.active || u.id == t.opened_by) continue;
    ENTRAIDE_RETURN_IF_ERROR(
        Enqueue(db, t, model::MailKind::kNewTicketAlert, u, OpenedData(t, u, category_in(u.lang), targets), now));
  }
  return core::Status::Ok();
}

}  // namespace entraide::tickets
