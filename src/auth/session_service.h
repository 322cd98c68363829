// SessionService: who is signed in. Sign-in with a password or a single-use link, sessions, password resets,
// accepting an invitation, changing one's password, and the operator's fresh link (`entraide user link`).
// Every email it causes is an outbox row written in the same transaction as the change.
// Thread-safe (each call takes its own connection from the Pool). People and groups: auth::Directory.
//
// Every password hash and check goes through the PasswordHasher it is given (one HashGate per process).
//
// Sign-in limits (windows on the injected Clock; counters in memory, per process):
//   - per (account, address): 5 failed passwords in 15 minutes, then that pair is refused (kResourceExhausted);
//   - per address: 20 failed passwords in 15 minutes, whatever the accounts, then that address is refused;
//   - per account: after 10 failures in 15 minutes from anywhere the account is under attack: every attempt is
//     still checked (the right password signs in from any address) but its answer is held back (delay_ms).
//     Never a refusal, so nobody can lock someone else out.
// Sign-in link and reset requests: 10 a minute per address (kResourceExhausted), and at most 5 mails an hour per
// account (more requests get the same answer and queue nothing). Wrong current passwords on the account page:
// 5 in 15 minutes per account, then kResourceExhausted.
//
// Links and sessions: using a sign-in link voids the person's other unused sign-in links; completing a reset
// voids every unused reset, sign-in and invitation link of the person and ends all their sessions; accepting an
// invitation voids their other invitations; changing the password (account page) voids unused reset and sign-in
// links and ends every other session of the person. Sessions end after session_idle_s without activity and
// session_max_s after sign-in, whatever the activity.
//
// Statuses: kUnauthenticated for a wrong email/password, an unknown, used or expired link, or an
// inactive person (one generic message: nothing reveals whether an email exists); kResourceExhausted
// when rate limited (retry_after_s says how long); kUnavailable when no turn to hash came in time ("busy...",
// retry after busy_retry_after_s()) or the store is busy; kInvalidArgument naming the field.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "auth/links.h"
#include "auth/options.h"
#include "auth/password_hasher.h"
#include "auth/principal.h"
#include "auth/rate_limiter.h"
#include "core/clock.h"
#include "core/metrics.h"
#include "core/status.h"
#include "model/account.h"

namespace entraide::store {
class Pool;
class AccountRepository;
}  // namespace entraide::store

namespace entraide::auth {

// What a sign-in attempt tells the handler besides its status.
struct Throttle {
  int64_t retry_after_s = 0;  // refused (429) or busy (503): when to come back
  int delay_ms = 0;           // the account is under attack: hold the answer back this long
};

// A signed-in session: the cookie value to send, and who it is.
struct SessionGrant {
  std::string cookie;  // the secret session id (only its hash is stored)
  std::string csrf;
  Principal principal;
};

struct Authenticated {
  Principal principal;
  std::string csrf;
  bool refresh_cookie = false;  // the session was extended: send the cookie again
};

struct InvitationInfo {
  std::string email, name, lang;
};

// What the limits did since start (counters, for /metrics).
struct AuthCounts {
  int64_t signin_failures = 0;          // wrong email or password, or an inactive account
  int64_t refused_signin_pair = 0;      // 429: too many failures of one account from one address
  int64_t refused_signin_address = 0;   // 429: too many failures from one address
  int64_t refused_link_requests = 0;    // 429: too many sign-in link or reset requests from one address
  int64_t refused_password_change = 0;  // 429: too many wrong current passwords
  int64_t withheld_link_mails = 0;      // a link request answered as usual, but the account's mails were used up
  int64_t hash_busy = 0;                // no turn at the hash gate in time (503), whoever asked
};

class SessionService : public core::MetricsSource {
 public:
  SessionService(store::Pool& pool, const core::Clock& clock, PasswordHasher& hasher, AuthOptions options);

  core::StatusOr<SessionGrant> SignIn(const std::string& email, const std::string& password, const std::string& ip,
                                      const std::string& old_cookie, Throttle* throttle);
  core::StatusOr<Authenticated> Authenticate(const std::string& cookie);
  core::Status SignOut(const std::string& cookie);

  // OK whether or not the email exists (and an email is queued only when it does).
  core::Status RequestSignInLink(const std::string& email, const std::string& lang, const std::string& ip,
                                 int64_t* retry_after_s);
  core::StatusOr<SessionGrant> ConsumeSignInLink(const std::string& token);
  core::Status RequestPasswordReset(const std::string& email, const std::string& lang, const std::string& ip,
                                    int64_t* retry_after_s);
  // Checks the token without using it (for the form).
  core::Status CheckResetToken(const std::string& token);
  core::StatusOr<SessionGrant> ResetPassword(const std::string& token, const std::string& new_password);

  core::StatusOr<InvitationInfo> PeekInvitation(const std::string& token);
  // `password` empty: the person goes on with sign-in links.
  core::StatusOr<SessionGrant> AcceptInvitation(const std::string& token, const std::string& name,
                                                const std::string& password);

  // The session of `keep_cookie` (the one making the change) goes on; the person's other sessions end.
  core::Status ChangePassword(const Principal& who, const std::string& current, const std::string& next,
                              const std::string& keep_cookie, int64_t* retry_after_s);

  // A fresh single-use link for `email`, for a coordinator to hand over (`entraide user link`, as
  // Principal::System()): an invitation while the person's invitation is unused and unexpired, else a sign-in
  // link. Only its hash is stored; the outbox is not read (its links are scrubbed once sent).
  // kPermissionDenied for anyone but a coordinator, kNotFound when nobody has that email, kInvalidArgument for a
  // deactivated person.
  core::StatusOr<std::string> IssueLink(const Principal& by, const std::string& email);

  // The principal of an active person who proved who they are some other way (a reply by mail through its
  // reply address): kNotFound when there is nobody with that id, kPermissionDenied for a deactivated person.
  core::StatusOr<Principal> PrincipalOf(int64_t user_id);

  const AuthOptions& options() const { return options_; }
  // Retry-After for a kUnavailable "busy" answer.
  int busy_retry_after_s() const { return hasher_.retry_after_s(); }

  AuthCounts counts() const;
  // entraide_signin_failures_total, entraide_rate_limit_refusals_total{limit}, entraide_password_hash_busy_total.
  void Collect(core::MetricsText& out) const override;

 private:
  core::StatusOr<SessionGrant> StartSession(store::AccountRepository& repo, const model::User& user);
  core::StatusOr<Principal> LoadPrincipal(store::AccountRepository& repo, const model::User& user);
  // The person a valid link of `token_kind` is for (read before a write transaction, to check and hash outside
  // it); BadLink() for a deactivated person.
  core::StatusOr<model::User> LinkHolder(const std::string& token, const std::string& token_kind);
  // In one write transaction: checks the link of `token_kind` again, uses it, makes `change` for its (active)
  // person and starts their session.
  using LinkChange = std::function<core::Status(store::AccountRepository& repo, model::User& holder, int64_t now)>;
  core::StatusOr<SessionGrant> UseLink(const std::string& token, const std::string& token_kind,
                                       const LinkChange& change);
  // Sign-in link and reset requests: rate limited, and the same answer whether or not the email exists.
  core::Status RequestLinkMail(const std::string& email, const std::string& lang, const std::string& ip,
                               int64_t* retry_after_s, const LinkKind& kind);

  store::Pool& pool_;
  const core::Clock& clock_;
  PasswordHasher& hasher_;
  AuthOptions options_;
  Links links_;
  RateLimiter link_requests_;      // per address, every request
  RateLimiter pair_failures_;      // per (account, address), failed passwords
  RateLimiter address_failures_;   // per address, failed passwords
  RateLimiter account_failures_;   // per account, failed passwords (under attack: slowed, never refused)
  RateLimiter password_failures_;  // per person, wrong current passwords on the account page
  struct Counters {
    std::atomic<int64_t> signin_failures{0}, refused_signin_pair{0}, refused_signin_address{0},
        refused_link_requests{0}, refused_password_change{0}, withheld_link_mails{0};
  };
  Counters counters_;
};

}  // namespace entraide::auth
