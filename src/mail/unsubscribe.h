// What kind of email a message is (its topic), and the signed tokens of unsubscribe links, which work without
// signing in. A token names a person and a topic and carries an HMAC-SHA256 under a secret generated once and
// kept in the store's meta table; tokens do not expire (rotate the secret to void them all).
// Immutable after construction; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "model/mail.h"

namespace entraide::store {
class Database;
}  // namespace entraide::store

namespace entraide::mail {

enum class Topic {
  kTransactional,       // sign-in links, invitations, password resets: always sent, no unsubscribe
  kNotifications,       // ticket_* messages (the acknowledgement of a new ticket too)
  kNewTicketAlerts,     // new_ticket_alert (unsubscribing turns them off)
  kVolunteerDigest,     // volunteer_digest
  kGroupDigest,         // group_digest
  kCoordinatorSummary,  // coordinator_summary
};

// Link mails (sign-in, invitation, reset) -> kTransactional; new-ticket alerts -> kNewTicketAlerts; other ticket
// mails -> kNotifications; each digest -> its own topic.
Topic TopicOf(model::MailKind kind);
Topic TopicOf(model::DigestKind digest);
// The digest a topic is about, if it is one.
std::optional<model::DigestKind> DigestOf(Topic topic);
// "notifications", "new_ticket_alerts", "volunteer_digest", "group_digest", "coordinator_summary" ("" for
// kTransactional): also the column names of mail_settings and the i18n keys' suffixes.
std::string_view TopicName(Topic topic);

struct UnsubscribeClaim {
  int64_t user_id = 0;
  Topic topic = Topic::kNotifications;
};

class UnsubscribeTokens {
 public:
  explicit UnsubscribeTokens(std::string secret) : secret_(std::move(secret)) {}
  // Reads the secret from meta, creating 32 random bytes the first time. kUnavailable when the store is busy.
  static core::StatusOr<UnsubscribeTokens> Load(store::Database& db);

  // "<user_id>-<topic letter>-<32 hex>": URL-safe. kTransactional cannot be signed (returns "").
  std::string Sign(int64_t user_id, Topic topic) const;
  // kUnauthenticated for anything not signed by us (compared in constant time).
  core::StatusOr<UnsubscribeClaim> Verify(std::string_view token) const;

 private:
  std::string Mac(int64_t user_id, char topic) const;
  std::string secret_;
};

}  // namespace entraide::mail
