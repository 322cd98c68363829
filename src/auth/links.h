// Links: the single-use links of accounts (sign-in, password reset, invitation). A link carries a random token;
// only its SHA-256 is stored (tokens table), with its kind, its person and when it expires. The mail that carries
// one is an outbox row written with the token, in the caller's transaction. Thread-safe (no state of its own).
#pragma once

#include <cstdint>
#include <string>

#include "auth/options.h"
#include "core/clock.h"
#include "core/status.h"
#include "model/account.h"
#include "model/mail.h"

namespace entraide::store {
class AccountRepository;
struct TokenRecord;
}  // namespace entraide::store

namespace entraide::auth {

// A kind of link: the mail that carries it, where it leads, how long it lasts, and its token's kind.
struct LinkKind {
  model::MailKind mail_kind;  // the mail that carries it
  std::string path;           // the link is base_url + "/" + lang + path + token
  int64_t ttl_s = 0;          // how long it can be used
  std::string token_kind;     // tokens.kind
};

// kUnauthenticated for a link that is unknown, used, expired or of another kind (one message: key
// error_link_invalid).
core::Status BadLink();

class Links {
 public:
  Links(const core::Clock& clock, const AuthOptions& options);

  LinkKind SignIn() const;      // signin_link mails, /signin/link/, options.signin_link_s
  LinkKind Reset() const;       // password_reset mails, /password/reset/, options.reset_link_s
  LinkKind Invitation() const;  // invitation mails, /invitation/, options.invitation_s

  // A new token of `kind` for `user`; returns the link that carries it (in `lang`).
  core::StatusOr<std::string> New(store::AccountRepository& repo, const model::User& user, const std::string& lang,
                                  const LinkKind& kind) const;
  // New, and the mail of `kind` that carries it to `user`, queued in the caller's transaction.
  core::Status Mail(store::AccountRepository& repo, const model::User& user, const std::string& lang,
                    const LinkKind& kind) const;
  // The stored token of `token`: unused, unexpired and of `token_kind`, else BadLink().
  core::StatusOr<store::TokenRecord> Valid(store::AccountRepository& repo, const std::string& token,
                                           const std::string& token_kind) const;

 private:
  const core::Clock& clock_;
  const AuthOptions& options_;
};

}  // namespace entraide::auth
