// ReplyTokenRepository: the tokens of reply addresses (table reply_tokens, migrations/0016). A token is bound to
// one person and one ticket; only the SHA-256 of its lower-case form is stored (mail systems may lower-case the
// local part of an address), so a copy of the database cannot be turned into working addresses. Revoked, never
// deleted. Borrows a Database; not thread-safe (one per thread, like its Database).
// Statuses: kUnavailable when the database is busy.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "store/database.h"

namespace entraide::store {

struct ReplyTokenRecord {
  int64_t user_id = 0, ticket_id = 0, created_at = 0;
  std::optional<int64_t> revoked_at;
};

// The hex SHA-256 a token is kept under (of its lower-case form).
std::string ReplyTokenHash(std::string_view token);

class ReplyTokenRepository {
 public:
  explicit ReplyTokenRepository(Database& db) : db_(db) {}

  // Keeps `token`'s hash, bound to the person and the ticket; false (nothing kept) when the ticket does not exist
  // or the person is not active (their mail gets no reply address).
  StatusOr<bool> Add(std::string_view token, int64_t user_id, int64_t ticket_id, int64_t now);
  // nullopt when no token has that hash.
  StatusOr<std::optional<ReplyTokenRecord>> Find(std::string_view token);
  // Revokes every token of a person, or of a ticket, not revoked yet; returns how many.
  StatusOr<int64_t> RevokeForUser(int64_t user_id, int64_t now);
  StatusOr<int64_t> RevokeForTicket(int64_t ticket_id, int64_t now);

 private:
  StatusOr<int64_t> Revoke(const char* column, int64_t id, int64_t now);
  Database& db_;
};

}  // namespace entraide::store
