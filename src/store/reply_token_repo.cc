#include "store/reply_token_repo.h"

#include "core/sha256.h"
#include "core/strings.h"
#include "store/rows.h"

namespace entraide::store {

std::string ReplyTokenHash(std::string_view token) { return core::Sha256Hex(core::ToLowerAscii(token)); }

StatusOr<bool> ReplyTokenRepository::Add(std::string_view token, int64_t user_id, int64_t ticket_id, int64_t now) {
  auto st = db_.Prepare(
      "INSERT INTO reply_tokens (token_hash, user_id, ticket_id, created_at) SELECT ?1, ?2, ?3, ?4 "
      "WHERE EXISTS (SELECT 1 FROM users WHERE id = ?2 AND active = 1) AND EXISTS (SELECT 1 FROM tickets WHERE id = "
      "?3)");
  if (!st.ok()) return st.status();
  ENTRAIDE_RETURN_IF_ERROR(
      (*st)->Bind(1, ReplyTokenHash(token)).Bind(2, user_id).Bind(3, ticket_id).Bind(4, now).Run());
  return db_.Changes() == 1;
}

StatusOr<std::optional<ReplyTokenRecord>> ReplyTokenRepository::Find(std::string_view token) {
  auto st = db_.Prepare("SELECT user_id, ticket_id, created_at, revoked_at FROM reply_tokens WHERE token_hash = ?");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, ReplyTokenHash(token));
  return OneRow<ReplyTokenRecord>(*st, [](Statement& q) {
    ReplyTokenRecord r;
    r.user_id = q.ColumnInt(0);
    r.ticket_id = q.ColumnInt(1);
    r.created_at = q.ColumnInt(2);
    if (!q.ColumnIsNull(3)) r.revoked_at = q.ColumnInt(3);
    return r;
  });
}

StatusOr<int64_t> ReplyTokenRepository::Revoke(const char* column, int64_t id, int64_t now) {
  auto st = db_.Prepare(std::string("UPDATE reply_tokens SET revoked_at = ? WHERE ") + column +
                        " = ? AND revoked_at IS NULL");
  if (!st.ok()) return st.status();
  ENTRAIDE_RETURN_IF_ERROR((*st)->Bind(1, now).Bind(2, id).Run());
  return static_cast<int64_t>(db_.Changes());
}

StatusOr<int64_t> ReplyTokenRepository::RevokeForUser(int64_t user_id, int64_t now) {
  return Revoke("user_id", user_id, now);
}

StatusOr<int64_t> ReplyTokenRepository::RevokeForTicket(int64_t ticket_id, int64_t now) {
  return Revoke("ticket_id", ticket_id, now);
}

}  // namespace entraide::store
