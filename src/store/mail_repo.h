// MailRepository: the SQL of delivering the outbox (claims, outcomes, retries), of email preferences and of
// small secrets kept in `meta`. Borrows a Database; not thread-safe (one per thread, like its Database).
// Statuses: kUnavailable when the database is busy; kNotFound for an unknown person.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/mail.h"
#include "store/account_repo.h"
#include "store/database.h"

namespace entraide::store {

// A message a sender holds: the row, how many attempts failed before, and its Message-ID.
struct ClaimedMail {
  OutboxMessage message;
  int attempts = 0;
  std::string message_id;  // "<id.random@domain>", the same on every attempt
  // The row's kind when this version does not know it (written by a newer one, or by hand): message.kind is then
  // meaningless and the sender gives the message up, saying so.
  std::string unknown_kind;
};

struct OutboxCounts {
  int64_t pending = 0, sending = 0, sent = 0, failed = 0, skipped = 0;
};

// Sign-in, reset and invitation emails (model::IsLinkMail): their single-use link is erased from the row once the
// message is sent, failed or skipped (MarkSent, MarkFinal), so they can never be sent again usefully.

class MailRepository {
 public:
  explicit MailRepository(Database& db) : db_(db) {}

  // In one write transaction, moves up to `limit` due messages to 'sending' under `claim`: pending ones whose
  // next_attempt_at <= now, and 'sending' ones whose claim is older than `stale_before` (a sender that died).
  // Gives each a Message-ID on `domain` the first time. Two senders never get the same row.
  StatusOr<std::vector<ClaimedMail>> Claim(const std::string& claim, int64_t now, int64_t stale_before, int limit,
                                           const std::string& domain);
  // The outcomes; each applies only while `claim` still holds the row (false when it does not any more).
  // MarkSent and MarkFinal also erase the row's single-use links in the same statement (the links of IsLinkMail
  // kinds, and the "I'll take it" links of a volunteer digest): a copy of the database holds no live link.
  StatusOr<bool> MarkSent(int64_t id, const std::string& claim, int64_t now, const std::string& subject);
  StatusOr<bool> MarkRetry(int64_t id, const std::string& claim, int64_t next_attempt_at, const std::string& error,
                           const std::string& subject);
  // status: "failed" (given up) or "skipped" (the recipient does not want this kind any more).
  StatusOr<bool> MarkFinal(int64_t id, const std::string& claim, const std::string& status, const std::string& error,
                           const std::string& subject);
  // The message's data as stored now while `claim` still holds it (nullopt when it does not: taken over, or
  // deleted by an erasure). Read in the transaction that writes the outcome, it tells whether the data changed
  // since the claim (an erasure replaced a name in it), so the subject written is composed from what is stored.
  StatusOr<std::optional<std::string>> ClaimedData(int64_t id, const std::string& claim);
  // Gives a claimed message back untouched (pending, same attempt count and due time).
  StatusOr<bool> Release(int64_t id, const std::string& claim);
  // Every pending message becomes due now (`entraide mail send --retry-now`); returns how many.
  StatusOr<int64_t> MakeAllDue(int64_t now);
  StatusOr<OutboxCounts> Counts();
  // The newest failed messages, for people who look after the site.
  StatusOr<std::vector<model::FailedMail>> Failed(int limit);
  // A failed message goes back to pending, due now, as if queued now (another 48 hours of retries, attempts from
  // zero). False when `id` is not a failed message.
  StatusOr<bool> RetryFailed(int64_t id, int64_t now);
  // The kind of failed message `id` (nullopt when there is no failed message `id`).
  StatusOr<std::optional<std::string>> FailedKind(int64_t id);

  // Whether `email` is bouncing (three permanent failures reported: see InboundRepository::AddBounce).
  StatusOr<bool> Bouncing(const std::string& email);

  StatusOr<model::MailSettings> Settings(int64_t user_id);
  Status SaveSettings(const model::MailSettings& s, int64_t now);

  // The value of `key` in meta; when absent, stores `candidate` first (the first writer wins across processes).
  StatusOr<std::string> MetaValueOrInsert(const std::string& key, const std::string& candidate);

 private:
  Database& db_;
};

}  // namespace entraide::store
