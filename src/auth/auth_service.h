// AuthService: people, groups and sessions. Sign-in with a password or a single-use link, password resets,
// invitations, the account page's changes, administration, and the CLI's user and group commands.
// Every email it causes is an outbox row written in the same transaction as the change.
// Thread-safe (each call takes its own connection from the Pool).
//
// Statuses: kUnauthenticated for a wrong email/password, an unknown, used or expired link, or an
// inactive person (one generic message: nothing reveals whether an email exists); kResourceExhausted
// when rate limited (retry_after_s says how long); kInvalidArgument naming the field; kAlreadyExists for a
// taken email or group slug; kPermissionDenied / kNotFound from administration.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "auth/password.h"
#include "auth/principal.h"
#include "auth/rate_limiter.h"
#include "core/clock.h"
#include "core/status.h"
#include "store/account_repo.h"
#include "store/pool.h"

namespace entraide::auth {

struct AuthOptions {
  std::string base_url = "http://127.0.0.1:8080";  // links are built from it, never from the request
  int64_t session_idle_s = 14 * 24 * 3600;
  int64_t signin_link_s = 15 * 60;
  int64_t reset_link_s = 3600;
  int64_t invitation_s = 7 * 24 * 3600;
  int rate_limit = 10;          // sign-in and link requests per account and per address
  int64_t rate_window_s = 60;
  HashCost hash_cost = HashCost::Interactive();
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
  store::UserRecord user;
  std::vector<store::GroupRecord> groups;
};

struct InvitationInfo {
  std::string email, name, lang;
};

using TicketCategory = store::TicketCategoryRecord;
using Group = store::GroupRecord;

class AuthService {
 public:
  AuthService(store::Pool& pool, const core::Clock& clock, AuthOptions options);

  core::StatusOr<SessionGrant> SignIn(const std::string& email, const std::string& password, const std::string& ip,
                                      const std::string& old_cookie, int64_t* retry_after_s);
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
  core::Status ChangePassword(const Principal& who, const std::string& current, const std::string& next);

  // Administration (coordinators).
  core::StatusOr<std::vector<UserView>> ListPeople(const Principal& by);
  core::StatusOr<std::vector<Group>> ListGroups();
  core::StatusOr<int64_t> CreateGroup(const Principal& by, const std::string& slug, const std::string& name,
                                      const std::string& lang);
  core::Status UpdateGroup(const Principal& by, int64_t id, const std::string& name, const std::string& lang,
                           bool active);
  core::Status UpdatePerson(const Principal& by, int64_t id, const std::string& role,
                            const std::vector<int64_t>& group_ids, bool active);
  core::StatusOr<std::vector<TicketCategory>> TicketCategories(bool include_inactive);
  core::Status SaveTicketCategory(const Principal& by, const TicketCategory& category);

  // The command line (no principal: the operator of the machine).
  core::StatusOr<int64_t> AddGroupCli(const std::string& slug, const std::string& name, const std::string& lang);
  // Without a password an invitation is queued.
  core::StatusOr<int64_t> AddUserCli(const std::string& email, const std::string& name, const std::string& role,
                                     const std::vector<std::string>& group_slugs, const std::string& lang,
                                     const std::optional<std::string>& password);
  core::StatusOr<std::vector<UserView>> ListPeopleCli();
  // The link in the newest queued sign-in, invitation or reset email for `email` ("" when none).
  core::StatusOr<std::string> LatestLink(const std::string& email);

  const AuthOptions& options() const { return options_; }

 private:
  core::StatusOr<SessionGrant> StartSession(store::AccountRepository& repo, const store::UserRecord& user);
  core::StatusOr<Principal> LoadPrincipal(store::AccountRepository& repo, const store::UserRecord& user);
  core::StatusOr<store::TokenRecord> ValidToken(store::AccountRepository& repo, const std::string& token,
                                                const std::string& kind);
  // Sign-in link and reset requests: rate limited, and the same answer whether or not the email exists.
  struct LinkMail {
    std::string kind, path;
    int64_t ttl_s;
    std::string token_kind;
  };
  core::Status RequestLinkMail(const std::string& email, const std::string& lang, const std::string& ip,
                               int64_t* retry_after_s, const LinkMail& mail);
  core::Status QueueLinkMail(store::AccountRepository& repo, const store::UserRecord& user, const std::string& kind,
                             const std::string& lang, const std::string& path, int64_t ttl_s,
                             const std::string& token_kind);
  core::StatusOr<int64_t> CreatePerson(store::AccountRepository& repo, const std::string& email,
                                       const std::string& name, const std::string& role,
                                       const std::vector<int64_t>& group_ids, const std::string& lang,
                                       const std::optional<std::string>& password, bool invite);

  store::Pool& pool_;
  const core::Clock& clock_;
  AuthOptions options_;
  RateLimiter limiter_;
  std::string dummy_hash_;  // verified when the email is unknown, so timing reveals nothing
};

// Normalises and checks an email address: kInvalidArgument naming the field.
core::StatusOr<std::string> NormalizeEmail(const std::string& email);

}  // namespace entraide::auth
