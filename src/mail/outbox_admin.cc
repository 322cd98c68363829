#include "mail/outbox_admin.h"

namespace entraide::mail {

core::StatusOr<std::vector<FailedMail>> OutboxAdmin::Failed(int limit) {
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  return store::MailRepository(**db).Failed(limit);
}

core::Status OutboxAdmin::Retry(int64_t id) {
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  auto done = store::MailRepository(**db).RetryFailed(id, clock_.NowSeconds());
  if (!done.ok()) return done.status();
  return *done ? core::Status::Ok() : core::NotFound("no failed message " + std::to_string(id));
}

}  // namespace entraide::mail
