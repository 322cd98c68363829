// AuthService: people, groups and sessions. Sign-in with a password or a single-use link, password resets,
// invitations, the account page's changes, administration, and the CLI's user and group commands.
// Every email it causes is an outbox row written in the same transaction as the change.
// Thread-safe (each call takes its own connection from the Pool).
//
// Every password hash and check goes through one HashGate (at most max_parallel_hashes at once, 64 MiB each).
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
// retry after busy_retry_after_s()) or the store is busy; kInvalidArgument naming the field; kAlreadyExists for a
// taken email or group slug; kPermissionDenied / kNotFound from administration.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "auth/hash_gate.h"
#include "auth/password.h"
#include "auth/principal.h"
#include "auth/rate_limiter.h"
#include "core/clock.h"
#include "core/metrics.h"
#include "core/status.h"
#include "model/account.h"
#include "model/mail.h"

namespace entraide::store {
class Pool;
class AccountRepository;
struct TokenRecord;
}  // namespace entraide::store

namespace entraide::auth {

struct AuthOptions {
  std::string base_url = "http://127.0.0.1:8080";  // links are built from it, never from the request
  int64_t session_idle_s = 14 * 24 * 3600;
  int64_t session_max_s = 60 * 24 * 3600;  // absolute lifetime of a session from sign-in (auth.session_max_days)
  int64_t signin_link_s = 15 * 60;
  int64_t reset_link_s = 3600;
  int64_t invitation_s = 7 * 24 * 3600;
  int rate_limit = 10;  // sign-in link and reset requests per address
  int64_t rate_window_s = 60;
  HashCost hash_cost = HashCost::Interactive();
  int max_parallel_hashes = 0;  // password hashes at once (auth.max_parallel_hashes); 0: the number of CPUs
  int hash_wait_ms = 3000;      // the longest wait for a turn to hash (auth.hash_wait_ms)
  // Sign-in limits (see above).
  int64_t failure_window_s = 15 * 60;
  int pair_failures = 5;             // failed passwords per (account, address)
  int address_failures = 20;         // failed passwords per address
  int account_attack_failures = 10;  // failed passwords per account before its answers are slowed
  int attack_delay_ms = 2000;        // how much they are slowed
  int link_mails_per_hour = 5;       // sign-in link and reset mails per account
  int password_change_failures = 5;  // wrong current passwords per account (account page)
};

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

struct UserView {
  model::User user;
  std::vector<model::Group> groups;
};

struct InvitationInfo {
  std::string email, name, lang;
};

using TicketCategory = model::TicketCategory;
using Group = model::Group;
using GroupCount = model::GroupCount;  // a group and how many people are in it

// The administration lists show this many rows a page.
inline constexpr int kAdminPageSize = 50;

// A page of people (with their groups) or of groups (with their member counts), `total` matching in all;
// `page` is the one asked for, brought within 1..pages.
struct PeoplePage {
  std::vector<UserView> people;
  int64_t total = 0;
  int page = 1, pages = 1;
};
struct GroupsPage {
  std::vector<GroupCount> groups;
  int64_t total = 0;
  int page = 1, pages = 1;
};
struct GroupMembers {
  GroupCount group;
  std::vector<model::User> members;  // one page of them
  int page = 1, pages = 1;
};

// What the limits did since start (counters, for /metrics).
struct AuthCounts {
  int64_t signin_failures = 0;          // wrong email or password, or an inactive account
  int64_t refused_signin_pair = 0;      // 429: too many failures of one account from one address
  int64_t refused_signin_address = 0;   // 429: too many failures from one address
  int64_t refused_link_requests = 0;    // 429: too many sign-in link or reset requests from one address
  int64_t refused_password_change = 0;  // 429: too many wrong current passwords
  int64_t withheld_link_mails = 0;      // a link request answered as usual, but the account's mails were used up
  int64_t hash_busy = 0;                // no turn at the hash gate in time (503)
};

class AuthService : public core::MetricsSource {
 public:
  AuthService(store::Pool& pool, const core::Clock& clock, AuthOptions options);

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

  core::StatusOr<int64_t> Invite(const Principal& by, const std::string& email, const std::string& name,
                                 const std::string& role, const std::vector<int64_t>& group_ids,
                                 const std::string& lang);
  core::StatusOr<InvitationInfo> PeekInvitation(const std::string& token);
  // `password` empty: the person goes on with sign-in links.
  core::StatusOr<SessionGrant> AcceptInvitation(const std::string& token, const std::string& name,
                                                const std::string& password);

  core::Status UpdateProfile(const Principal& who, const std::string& name, const std::string& lang);
  // The session of `keep_cookie` (the one making the change) goes on; the person's other sessions end.
  core::Status ChangePassword(const Principal& who, const std::string& current, const std::string& next,
                              const std::string& keep_cookie, int64_t* retry_after_s);

  // Administration (coordinators; kPermissionDenied for anyone else). Searches fold accents and case, and
  // every word of `q` must match (people: name or email; groups: name or slug): kInvalidArgument naming `q`
  // over 200 bytes or 8 words, or `role` not a role. kNotFound for an unknown person or group.
  core::StatusOr<PeoplePage> FindPeople(const Principal& by, const std::string& q, const std::string& role, int page);
  core::StatusOr<GroupsPage> FindGroups(const Principal& by, const std::string& q, int page);
  // The groups `person` is not in that match `q` (none for an empty q), the first `limit` of them.
  core::StatusOr<GroupsPage> GroupsToJoin(const Principal& by, int64_t person, const std::string& q, int limit);
  core::StatusOr<UserView> Person(const Principal& by, int64_t id);
  core::StatusOr<GroupMembers> GroupWithMembers(const Principal& by, int64_t id, int page);
  // Adds `person` to `group` (`member`) or takes them out; doing it twice changes nothing.
  core::Status SetMembership(const Principal& by, int64_t person, int64_t group, bool member);
  core::StatusOr<std::vector<Group>> ListGroups();
  core::StatusOr<int64_t> CreateGroup(const Principal& by, const std::string& slug, const std::string& name,
                                      const std::string& lang);
  core::Status UpdateGroup(const Principal& by, int64_t id, const std::string& name, const std::string& lang,
                           bool active);
  // Role and active state (groups: SetMembership). Nobody removes their own coordinator access.
  core::Status UpdatePerson(const Principal& by, int64_t id, const std::string& role, bool active);
  core::StatusOr<std::vector<TicketCategory>> TicketCategories(bool include_inactive);
  core::Status SaveTicketCategory(const Principal& by, const TicketCategory& category);

  // The command line (no principal: the operator of the machine).
  core::StatusOr<int64_t> AddGroupCli(const std::string& slug, const std::string& name, const std::string& lang);
  // Without a password an invitation is queued.
  core::StatusOr<int64_t> AddUserCli(const std::string& email, const std::string& name, const std::string& role,
                                     const std::vector<std::string>& group_slugs, const std::string& lang,
                                     const std::optional<std::string>& password);
  core::StatusOr<std::vector<UserView>> ListPeopleCli();
  // A fresh single-use link for `email`, for the operator to hand over (`entraide user link`): an invitation
  // while the person's invitation is unused and unexpired, else a sign-in link. Only its hash is stored; the
  // outbox is not read (its links are scrubbed once sent). kNotFound when nobody has that email,
  // kInvalidArgument for a deactivated person.
  core::StatusOr<std::string> IssueLinkCli(const std::string& email);

  const AuthOptions& options() const { return options_; }
  // Retry-After for a kUnavailable "busy" answer.
  int busy_retry_after_s() const { return gate_.retry_after_s(); }
  HashGate& gate() { return gate_; }  // tests hold it to make the service busy

  AuthCounts counts() const;
  // entraide_signin_failures_total, entraide_rate_limit_refusals_total{limit}, entraide_password_hash_busy_total.
  void Collect(core::MetricsText& out) const override;

 private:
  core::StatusOr<SessionGrant> StartSession(store::AccountRepository& repo, const model::User& user);
  core::StatusOr<Principal> LoadPrincipal(store::AccountRepository& repo, const model::User& user);
  core::StatusOr<store::TokenRecord> ValidToken(store::AccountRepository& repo, const std::string& token,
                                                const std::string& kind);
  // Sign-in link and reset requests: rate limited, and the same answer whether or not the email exists.
  struct LinkMail {
    model::MailKind kind;
    std::string path;
    int64_t ttl_s;
    std::string token_kind;
  };
  core::Status RequestLinkMail(const std::string& email, const std::string& lang, const std::string& ip,
                               int64_t* retry_after_s, const LinkMail& mail);
  // A new token of `token_kind` for the person; returns the link that carries it.
  core::StatusOr<std::string> NewLink(store::AccountRepository& repo, const model::User& user, const std::string& lang,
                                      const std::string& path, int64_t ttl_s, const std::string& token_kind);
  core::Status QueueLinkMail(store::AccountRepository& repo, const model::User& user, model::MailKind kind,
                             const std::string& lang, const std::string& path, int64_t ttl_s,
                             const std::string& token_kind);
  // `password_hash`: made beforehand, outside the transaction (see Hash).
  core::StatusOr<int64_t> CreatePerson(store::AccountRepository& repo, const std::string& email,
                                       const std::string& name, const std::string& role,
                                       const std::vector<int64_t>& group_ids, const std::string& lang,
                                       const std::optional<std::string>& password_hash, bool invite);
  // Checks a new password for `user` (named `name`) and hashes it: nullopt when `password` is empty.
  core::StatusOr<std::optional<std::string>> NewPasswordHash(const model::User& user, const std::string& name,
                                                             const std::string& password);
  // Hashing and checking through the gate; kUnavailable ("busy") when no turn came in time. Never called inside
  // a write transaction: a turn may take seconds to come, and the writer lock would be held all that time.
  core::StatusOr<std::string> Hash(const std::string& password);
  core::StatusOr<bool> Verify(const std::string& hash, const std::string& password);
  core::Status Busy(core::Status st);  // counts a refusal of the gate

  store::Pool& pool_;
  const core::Clock& clock_;
  AuthOptions options_;
  HashGate gate_;
  RateLimiter link_requests_;      // per address, every request
  RateLimiter pair_failures_;      // per (account, address), failed passwords
  RateLimiter address_failures_;   // per address, failed passwords
  RateLimiter account_failures_;   // per account, failed passwords (under attack: slowed, never refused)
  RateLimiter password_failures_;  // per person, wrong current passwords on the account page
  std::string dummy_hash_;         // verified when the email is unknown, so timing reveals nothing
  struct Counters {
    std::atomic<int64_t> signin_failures{0}, refused_signin_pair{0}, refused_signin_address{0},
        refused_link_requests{0}, refused_password_change{0}, withheld_link_mails{0}, hash_busy{0};
  };
  Counters counters_;
};

// Normalises and checks an email address: kInvalidArgument naming the field.
core::StatusOr<std::string> NormalizeEmail(const std::string& email);

}  // namespace entraide::auth
