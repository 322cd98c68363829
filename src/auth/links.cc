#include "auth/links.h"

#include "core/json_writer.h"
#include "core/random.h"
#include "core/sha256.h"
#include "store/account_repo.h"

namespace entraide::auth {

core::Status BadLink() {
  return core::Unauthenticated("this link is not valid any more; ask for a new one").WithKey("error_link_invalid");
}

Links::Links(const core::Clock& clock, const AuthOptions& options) : clock_(clock), options_(options) {}

LinkKind Links::SignIn() const {
  return {model::MailKind::kSigninLink, "/signin/link/", options_.signin_link_s, "signin"};
}
LinkKind Links::Reset() const {
  return {model::MailKind::kPasswordReset, "/password/reset/", options_.reset_link_s, "reset"};
}
LinkKind Links::Invitation() const {
  return {model::MailKind::kInvitation, "/invitation/", options_.invitation_s, "invite"};
}

core::StatusOr<std::string> Links::New(store::AccountRepository& repo, const model::User& user, const std::string& lang,
                                       const LinkKind& kind) const {
  std::string token = core::RandomToken();
  int64_t now = clock_.NowSeconds();
  store::TokenRecord t;
  t.kind = kind.token_kind;
  t.token_hash = core::Sha256Hex(token);
  t.user_id = user.id;
  t.expires_at = now + kind.ttl_s;
  t.created_at = now;
  ENTRAIDE_RETURN_IF_ERROR(repo.CreateToken(t));
  return options_.base_url + "/" + lang + kind.path + token;
}

core::Status Links::Mail(store::AccountRepository& repo, const model::User& user, const std::string& lang,
                         const LinkKind& kind) const {
  auto link = New(repo, user, lang, kind);
  if (!link.ok()) return link.status();
  core::JsonWriter data;
  data.BeginObject()
      .Field("link", *link)
      .Field("name", user.name)
      .Field("expires_minutes", kind.ttl_s / 60)
      .EndObject();
  auto id = repo.EnqueueMail(
      store::OutboxMessage::To(kind.mail_kind, user.id, user.email, user.name, lang, data.Take(), clock_.NowSeconds()));
  return id.ok() ? core::Status::Ok() : id.status();
}

core::StatusOr<store::TokenRecord> Links::Valid(store::AccountRepository& repo, const std::string& token,
                                                const std::string& token_kind) const {
  if (token.empty() || token.size() > 100) return BadLink();
  auto t = repo.FindToken(core::Sha256Hex(token));
  if (!t.ok()) return t.status();
  if (!*t || (*t)->kind != token_kind || (*t)->used_at || (*t)->expires_at < clock_.NowSeconds()) return BadLink();
  return **t;
}

}  // namespace entraide::auth
