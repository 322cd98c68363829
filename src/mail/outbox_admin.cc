#include "mail/outbox_admin.h"

#include "auth/policy.h"
#include "store/inbound_repo.h"
#include "store/mail_repo.h"
#include "store/pool.h"

namespace entraide::mail {

core::StatusOr<std::vector<FailedMail>> OutboxAdmin::Failed(const auth::Principal* who, int limit) {
  ENTRAIDE_RETURN_IF_ERROR(auth::Require(who, auth::Action::kAdminister));
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  return store::MailRepository(**db).Failed(limit);
}

core::Status OutboxAdmin::Retry(const auth::Principal* who, int64_t id) {
  ENTRAIDE_RETURN_IF_ERROR(auth::Require(who, auth::Action::kAdminister));
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::MailRepository repo(**db);
  auto kind = repo.FailedKind(id);
  if (!kind.ok()) return kind.status();
  if (!*kind) return core::NotFound("no failed message " + std::to_string(id));
  auto known = model::ParseMailKind(**kind);
  if (known && model::IsLinkMail(*known))
    return core::Conflict("message " + std::to_string(id) + " carried a single-use link, erased when it failed");
  auto done = repo.RetryFailed(id, clock_.NowSeconds());
  if (!done.ok()) return done.status();
  return *done ? core::Status::Ok() : core::NotFound("no failed message " + std::to_string(id));
}

core::StatusOr<std::vector<model::BouncingAddress>> OutboxAdmin::Bouncing(const auth::Principal* who) {
  ENTRAIDE_RETURN_IF_ERROR(auth::Require(who, auth::Action::kAdminister));
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  return store::InboundRepository(**db).Bouncing();
}

core::StatusOr<std::optional<model::BouncingAddress>> OutboxAdmin::BounceOf(const auth::Principal* who,
                                                                            const std::string& email) {
  ENTRAIDE_RETURN_IF_ERROR(auth::Require(who, auth::Action::kAdminister));
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  return store::InboundRepository(**db).Bounce(email);
}

core::Status OutboxAdmin::ClearBounce(const auth::Principal* who, const std::string& email) {
  ENTRAIDE_RETURN_IF_ERROR(auth::Require(who, auth::Action::kAdminister));
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  auto done = store::InboundRepository(**db).ClearBounce(email);
  if (!done.ok()) return done.status();
  return *done ? core::Status::Ok() : core::NotFound("no delivery failure is recorded for " + email);
}

}  // namespace entraide::mail
