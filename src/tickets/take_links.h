// TakeLinkService: following an "I'll take it" link of a volunteer digest (table take_links, written by
// mail/digest). The token alone identifies the volunteer, so this needs no session: it takes the ticket for
// the link's volunteer as the Claim button would (the same authorisation, auth::Policy's kTriage for that
// volunteer), in one transaction with marking the link used. http/take_pages decides when a GET may do it.
// Thread-safe (each call takes its own connection).
//
// Statuses: kUnauthenticated for a forged, damaged or unknown token, or one whose volunteer is no longer an
// active volunteer; kUnavailable when the database is busy or the link is being used at that moment.
#pragma once

#include <cstdint>
#include <string>

#include "core/clock.h"
#include "core/status.h"

namespace entraide::store {
class Pool;
}  // namespace entraide::store

namespace entraide::tickets {

// What following a link did, or would do (see TakeLinkService::Take).
struct TakeOutcome {
  enum class Result {
    kReady,         // Check only: following it would take the ticket
    kTaken,         // taken now for the link's volunteer
    kAlreadyYours,  // the link's volunteer holds the ticket (the link was used before, or they took it otherwise)
    kTakenByOther,  // someone else holds it: holder_name
    kNotOpen,       // resolved or closed since the digest
    kUsed,          // used before, and nobody holds the ticket now
    kExpired,       // older than 7 days
  };
  Result result = Result::kReady;
  int64_t ticket_id = 0, volunteer_id = 0;
  std::string ref, subject, volunteer_name, holder_name;
};

class TakeLinkService {
 public:
  TakeLinkService(store::Pool& pool, const core::Clock& clock) : pool_(pool), clock_(clock) {}

  // What following the link would do; changes nothing.
  core::StatusOr<TakeOutcome> Check(const std::string& token);
  // Uses the link once and claims the ticket for its volunteer (kTaken), or says why not.
  core::StatusOr<TakeOutcome> Take(const std::string& token);

 private:
  core::StatusOr<TakeOutcome> Follow(const std::string& token, bool use);

  store::Pool& pool_;
  const core::Clock& clock_;
};

}  // namespace entraide::tickets
