// Reply tokens: the tag of a ticket notification's reply address (aide+TOKEN@reseau.example, mail.reply_address).
// Each message sent gets its own random token (made by the sender as it composes the message: mail/addresses.h),
// bound to one person (its recipient) and one ticket; the database keeps only its SHA-256 (reply_tokens). A token
// is revoked, with all of that person's, from the email settings page, when the account is deactivated or erased,
// or by `entraide mail revoke-replies`. Free functions on the caller's connection (inside its transaction when it
// has one); thread-safe as their Database is.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/status.h"

namespace entraide::store {
class Database;
}  // namespace entraide::store

namespace entraide::tickets {

struct ReplyToken {
  int64_t user_id = 0, ticket_id = 0;
  bool revoked = false;
};

// nullopt when no token has that hash (anything that is not 1 to 64 letters and digits is none, without a read);
// case does not matter. Store errors as the repository returns them.
core::StatusOr<std::optional<ReplyToken>> FindReplyToken(store::Database& db, std::string_view token);

// Revokes every reply token of a person, or of a ticket, that was not revoked yet; returns how many.
core::StatusOr<int64_t> RevokeReplyTokensOfUser(store::Database& db, int64_t user_id, int64_t now);
core::StatusOr<int64_t> RevokeReplyTokensOfTicket(store::Database& db, int64_t ticket_id, int64_t now);

}  // namespace entraide::tickets
