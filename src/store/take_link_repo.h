// TakeLinkRepository: the "I'll take it" links of the volunteer digest (table take_links). Only the SHA-256 of
// each random token is stored. Borrows a Database; not thread-safe (one per thread).
// Statuses: kUnavailable when the database is busy.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "store/database.h"

namespace entraide::store {

struct TakeLinkRecord {
  std::string token_hash;
  int64_t user_id = 0, ticket_id = 0, created_at = 0, expires_at = 0;
  std::optional<int64_t> used_at;
};

class TakeLinkRepository {
 public:
  explicit TakeLinkRepository(Database& db) : db_(db) {}

  Status Add(const TakeLinkRecord& link);
  StatusOr<std::optional<TakeLinkRecord>> Find(const std::string& token_hash);
  // Marks the link used at `now` unless it already was: true when this call used it.
  StatusOr<bool> Use(const std::string& token_hash, int64_t now);
  // Forgets links that expired before `cutoff` (they can only ever say "expired").
  Status DeleteExpiredBefore(int64_t cutoff);

 private:
  Database& db_;
};

}  // namespace entraide::store
