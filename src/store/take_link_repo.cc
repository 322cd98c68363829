#include "store/take_link_repo.h"

#include "store/rows.h"

namespace entraide::store {

Status TakeLinkRepository::Add(const TakeLinkRecord& l) {
  auto st = db_.Prepare(
      "INSERT INTO take_links (token_hash, user_id, ticket_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)");
  if (!st.ok()) return st.status();
  return (*st)
      ->Bind(1, l.token_hash)
      .Bind(2, l.user_id)
      .Bind(3, l.ticket_id)
      .Bind(4, l.created_at)
      .Bind(5, l.expires_at)
      .Run();
}

StatusOr<std::optional<TakeLinkRecord>> TakeLinkRepository::Find(const std::string& token_hash) {
  auto st = db_.Prepare(
      "SELECT token_hash, user_id, ticket_id, created_at, expires_at, used_at FROM take_links WHERE token_hash = ?");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, token_hash);
  return OneRow<TakeLinkRecord>(*st, [](Statement& q) {
    TakeLinkRecord l;
    l.token_hash = q.ColumnText(0);
    l.user_id = q.ColumnInt(1);
    l.ticket_id = q.ColumnInt(2);
    l.created_at = q.ColumnInt(3);
    l.expires_at = q.ColumnInt(4);
    if (!q.ColumnIsNull(5)) l.used_at = q.ColumnInt(5);
    return l;
  });
}

StatusOr<bool> TakeLinkRepository::Use(const std::string& token_hash, int64_t now) {
  auto st = db_.Prepare("UPDATE take_links SET used_at = ? WHERE token_hash = ? AND used_at IS NULL");
  if (!st.ok()) return st.status();
  ENTRAIDE_RETURN_IF_ERROR((*st)->Bind(1, now).Bind(2, token_hash).Run());
  return db_.Changes() == 1;
}

Status TakeLinkRepository::DeleteExpiredBefore(int64_t cutoff) {
  auto st = db_.Prepare("DELETE FROM take_links WHERE expires_at < ?");
  if (!st.ok()) return st.status();
  return (*st)->Bind(1, cutoff).Run();
}

}  // namespace entraide::store
