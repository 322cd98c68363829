// PrivacyRepository: the SQL of privacy requests (Québec's Law 25): what a person's or a group's export reads
// beyond the other repositories, erasing a person's identity, and removing the text and files of tickets closed
// long enough ago. Borrows a Database; not thread-safe (one per thread, like its Database).
// Statuses: kUnavailable when the database is busy.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/privacy.h"
#include "store/account_repo.h"
#include "store/database.h"
#include "store/ticket_repo.h"  // model::Question

namespace entraide::store {

// A message of the outbox as its recipient's export lists it: never its data (links, excerpts).
struct MailRecord {
  int64_t id = 0;
  std::string kind, subject, status;
  int64_t created_at = 0;
  std::optional<int64_t> sent_at;
};

// What replaces an erased person's name or address in a message queued for someone else, in that message's
// language ("a former member", "un ancien membre").
struct FormerMemberLabels {
  std::string en, fr;
};

class PrivacyRepository {
 public:
  explicit PrivacyRepository(Database& db) : db_(db) {}

  // ---- exports ----
  // A person's sessions: when each began and was last used (the secrets are not read).
  StatusOr<std::vector<SessionRecord>> SessionsOf(int64_t user_id);
  // The tickets a person opened, and those of a group, oldest first.
  StatusOr<std::vector<int64_t>> TicketsOpenedBy(int64_t user_id);
  StatusOr<std::vector<int64_t>> TicketsOfGroup(int64_t group_id);
  // The outbox's messages to a person (by id or address), oldest first.
  StatusOr<std::vector<MailRecord>> MailTo(int64_t user_id, const std::string& email);
  // The answered questions a volunteer published.
  StatusOr<std::vector<model::Question>> QuestionsPublishedBy(int64_t user_id);

  // ---- erasure (inside the caller's write transaction) ----
  // Removes `user`'s identity: deletes the messages to them, their sessions, links, "I'll take it" links, email
  // preferences and memberships; replaces their name and address wherever a message to someone else holds it
  // (its data and subject) by `labels`; releases the open tickets they held (an event by the system records it);
  // writes core::kErasedName in the "now held by" events that recorded their name; and finally sets their name
  // to core::kErasedName and their email to `placeholder_email`, with no password, inactive, erased at `now`.
  // Tickets, replies and files stay, attributed by id. Another person with exactly the same name would also
  // lose it in the "now held by" events, which recorded names, not ids.
  StatusOr<model::ErasureCounts> Erase(const model::User& user, const std::string& placeholder_email, int64_t now,
                                       const FormerMemberLabels& labels);

  // ---- retention ----
  // Closed tickets closed before `cutoff` whose text is still there, the oldest first, at most `limit`.
  StatusOr<std::vector<int64_t>> ClosedUnredactedBefore(int64_t cutoff, int limit);
  // Removes the text of a ticket still closed before `cutoff` and not redacted yet (its description, every
  // reply's and note's, the helpful comment, and the excerpts in its emails) and its attachment rows, and marks it
  // redacted at `now`. Returns the hash of each attachment row removed (the caller deletes the files no other row
  // names), or nullopt when the ticket is not due any more (reopened meanwhile). Call inside a write transaction.
  StatusOr<std::optional<std::vector<std::string>>> Redact(int64_t ticket_id, int64_t cutoff, int64_t now);
  // Whether an attachment row names the file `sha256`.
  StatusOr<bool> FileReferenced(const std::string& sha256);

 private:
  Database& db_;
};

}  // namespace entraide::store
