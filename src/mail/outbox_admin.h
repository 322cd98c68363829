// OutboxAdmin: the messages given up on (failed after 48 hours of retries, or refused for good), for the
// coordinators' page /{lang}/admin/mail, and putting one back in the queue. Who may do this is checked by the
// caller (http/, with auth::Policy). Thread-safe (each call takes its own connection).
// Statuses: kNotFound when the message is not a failed one; kConflict for a sign-in, reset or invitation email,
// whose single-use link was erased when it failed (the person asks for a new link instead); kUnavailable when
// the store is busy.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "auth/principal.h"
#include "core/clock.h"
#include "core/status.h"
#include "model/inbound.h"
#include "model/mail.h"

namespace entraide::store {
class Pool;
}  // namespace entraide::store

namespace entraide::mail {

using FailedMail = model::FailedMail;

class OutboxAdmin {
 public:
  OutboxAdmin(store::Pool& pool, const core::Clock& clock) : pool_(pool), clock_(clock) {}

  // Both are for people who administer the site (auth::Action::kAdminister): kUnauthenticated without `who`,
  // kPermissionDenied for anyone else. The newest first.
  core::StatusOr<std::vector<FailedMail>> Failed(const auth::Principal* who, int limit = 200);
  // Back to pending, due now, with another 48 hours of retries; the sender picks it up on its next pass.
  core::Status Retry(const auth::Principal* who, int64_t id);
  // The addresses that bounce (three permanent failures reported by delivery status notifications): no mail is
  // sent to them. The newest first.
  core::StatusOr<std::vector<model::BouncingAddress>> Bouncing(const auth::Principal* who);
  // The failures recorded for one address (bouncing or not yet), for the person's admin page.
  core::StatusOr<std::optional<model::BouncingAddress>> BounceOf(const auth::Principal* who, const std::string& email);
  // Forgets the failures of `email`: mail to it is sent again. kNotFound when none are recorded.
  core::Status ClearBounce(const auth::Principal* who, const std::string& email);

 private:
  store::Pool& pool_;
  const core::Clock& clock_;
};

}  // namespace entraide::mail
