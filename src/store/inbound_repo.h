// InboundRepository: the SQL of mail received — the log of messages and their outcomes, the Message-IDs already
// taken, each person's hourly count, the originals kept for volunteers, bouncing addresses, and tickets written
// by mail waiting for their confirmation. Borrows a Database; not thread-safe (one per thread).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/inbound.h"
#include "store/database.h"

namespace entraide::store {

class InboundRepository {
 public:
  explicit InboundRepository(Database& db) : db_(db) {}

  StatusOr<int64_t> Record(const model::InboundRecord& r);
  // Whether a message with this Message-ID was already taken (or was a bounce already counted).
  StatusOr<bool> AlreadyTaken(const std::string& message_id);
  // Messages of `user_id` taken since `since`.
  StatusOr<int64_t> CountTakenSince(int64_t user_id, int64_t since);
  // The counts per outcome, for /metrics.
  StatusOr<std::vector<std::pair<std::string, int64_t>>> CountByOutcome();
  // The originals that reached ticket `ticket_id`, oldest first.
  StatusOr<std::vector<model::InboundRecord>> OriginalsOf(int64_t ticket_id);
  StatusOr<std::optional<model::InboundRecord>> Find(int64_t id);

  // The recipient of our outbox message whose Message-ID is <local@...> (a VERP tag), nullopt when none.
  StatusOr<std::optional<std::string>> OutboxRecipient(const std::string& message_id_local);
  // Counts a permanent failure for `email`; the address bounces from the `threshold`-th. Returns the row.
  StatusOr<model::BouncingAddress> AddBounce(const std::string& email, const std::string& status, int64_t now,
                                             int threshold);
  StatusOr<std::optional<model::BouncingAddress>> Bounce(const std::string& email);
  StatusOr<bool> IsBouncing(const std::string& email);
  StatusOr<std::vector<model::BouncingAddress>> Bouncing();
  // Forgets the failures of `email`; false when there were none.
  StatusOr<bool> ClearBounce(const std::string& email);

  Status AddTicketRequest(const std::string& token_hash, const model::MailTicketRequest& r);
  StatusOr<std::optional<model::MailTicketRequest>> FindTicketRequest(const std::string& token_hash);
  // Marks the request used; false when it was used already (a second click creates nothing).
  StatusOr<bool> UseTicketRequest(const std::string& token_hash, int64_t now);
  // The link may be used again (the ticket was refused, e.g. over the hourly limit).
  Status ReopenTicketRequest(const std::string& token_hash);
  // The ticket a request became; its original is then the ticket's.
  Status SetRequestTicket(const std::string& token_hash, int64_t inbound_id, int64_t ticket_id);

 private:
  Database& db_;
};

}  // namespace entraide::store
