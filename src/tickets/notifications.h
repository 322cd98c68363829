// Notifier: who is told of a change to a ticket, by which mail, with which data. One outbox row per person
// told, written with the caller's connection inside the caller's write transaction, so a mail leaves only when
// the change that causes it is committed. Thread-safe (const; no state but the site's address).
//
// Who: the group's active members (to_group), or the ticket's volunteer (otherwise); never the person who
// acted, nor anyone inactive. The data (the row's data_json, read by views/mail/<kind>.*): ticket_id, ref,
// subject, url (the ticket's page in the reader's language), excerpt, actor, name (the reader's), thread; the
// row's thread_key keeps every mail of a ticket in one thread of the reader's mailbox.
//
// A new ticket (NotifyOpened): the acknowledgement (ticket_received) to the person who opened it, and the alert
// (new_ticket_alert) to each active volunteer and coordinator who asked for it (mail_settings.new_ticket_alerts:
// 'all', or 'urgent' for a high or blocking ticket), never to the person who opened it. Their data adds urgency
// (the word) with a flag urgency_<word> for the templates, target_hours (the first-answer target of that urgency),
// group, category (its name in the reader's language) and the excerpt of the description.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "auth/principal.h"
#include "core/status.h"
#include "model/account.h"
#include "model/mail.h"
#include "model/ticket.h"
#include "tickets/response_targets.h"

namespace entraide::store {
class Database;
}  // namespace entraide::store

namespace entraide::tickets {

// The start of a text for a mail: trimmed, at most 280 bytes (then "…"), cut between two characters.
std::string Excerpt(const std::string& text);

// The mail a volunteer's public reply sends the group, by the status it moves the ticket to: resolved,
// a question asked of the group, or a reply.
model::MailKind VolunteerReplyKind(std::optional<model::TicketStatus> next);

class Notifier {
 public:
  explicit Notifier(std::string base_url) : base_url_(std::move(base_url)) {}

  // Queues a `kind` mail about `t` to each person told (see above); kUnavailable and store errors as the
  // repository returns them.
  core::Status Notify(store::Database& db, const model::Ticket& t, model::MailKind kind, const std::string& excerpt,
                      const auth::Principal& actor, bool to_group, int64_t now) const;
  // The data_json of the mail to `reader`.
  std::string Data(const model::Ticket& t, const model::User& reader, const std::string& excerpt,
                   const std::string& actor_name) const;
  // Queues the acknowledgement and the alerts of the ticket `t` just opened (see above).
  core::Status NotifyOpened(store::Database& db, const model::Ticket& t, const ResponseTargets& targets,
                            int64_t now) const;
  // The data_json of the acknowledgement or alert to `reader`; `category` is the category's name in their language.
  std::string OpenedData(const model::Ticket& t, const model::User& reader, const std::string& category,
                         const ResponseTargets& targets) const;

 private:
  core::Status Enqueue(store::Database& db, const model::Ticket& t, model::MailKind kind, const model::User& to,
                       std::string data, int64_t now) const;
  std::string base_url_;  // no trailing slash
};

}  // namespace entraide::tickets
