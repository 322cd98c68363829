#include "tickets/reply_tokens.h"

#include "store/reply_token_repo.h"

namespace entraide::tickets {

core::StatusOr<std::optional<ReplyToken>> FindReplyToken(store::Database& db, std::string_view token) {
  if (token.empty() || token.size() > 64) return std::optional<ReplyToken>();
  for (char c : token)
    if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9'))
      return std::optional<ReplyToken>();
  auto found = store::ReplyTokenRepository(db).Find(token);
  if (!found.ok()) return found.status();
  if (!*found) return std::optional<ReplyToken>();
  return std::optional<ReplyToken>(
      ReplyToken{(*found)->user_id, (*found)->ticket_id, (*found)->revoked_at.has_value()});
}

core::StatusOr<int64_t> RevokeReplyTokensOfUser(store::Database& db, int64_t user_id, int64_t now) {
  return store::ReplyTokenRepository(db).RevokeForUser(user_id, now);
}

core::StatusOr<int64_t> RevokeReplyTokensOfTicket(store::Database& db, int64_t ticket_id, int64_t now) {
  return store::ReplyTokenRepository(db).RevokeForTicket(ticket_id, now);
}

}  // namespace entraide::tickets
