#include "auth/session_service.h"

#include "auth/checks.h"
#include "auth/policy.h"
#include "core/random.h"
#include "core/sha256.h"
#include "core/strings.h"
#include "i18n/catalog.h"
#include "store/account_repo.h"
#include "store/pool.h"

namespace entraide::auth {

namespace {

core::Status Failed() {
  return core::Unauthenticated("the email or the password is not right").WithKey("error_signin_failed");
}

}  // namespace

SessionService::SessionService(store::Pool& pool, const core::Clock& clock, PasswordHasher& hasher, AuthOptions options)
    : pool_(pool),
      clock_(clock),
      hasher_(hasher),
      options_(std::move(options)),
      links_(clock, options_),
      link_requests_(clock, options_.rate_limit, options_.rate_window_s),
      pair_failures_(clock, options_.pair_failures, options_.failure_window_s),
      address_failures_(clock, options_.address_failures, options_.failure_window_s),
      account_failures_(clock, options_.account_attack_failures, options_.failure_window_s),
      password_failures_(clock, options_.password_change_failures, options_.failure_window_s) {}

AuthCounts SessionService::counts() const {
  AuthCounts c;
  c.signin_failures = counters_.signin_failures.load(std::memory_order_relaxed);
  c.refused_signin_pair = counters_.refused_signin_pair.load(std::memory_order_relaxed);
  c.refused_signin_address = counters_.refused_signin_address.load(std::memory_order_relaxed);
  c.refused_link_requests = counters_.refused_link_requests.load(std::memory_order_relaxed);
  c.refused_password_change = counters_.refused_password_change.load(std::memory_order_relaxed);
  c.withheld_link_mails = counters_.withheld_link_mails.load(std::memory_order_relaxed);
  c.hash_busy = hasher_.busy_count();
  return c;
}

void SessionService::Collect(core::MetricsText& out) const {
  AuthCounts c = counts();
  out.Single("entraide_signin_failures_total", "counter",
             "Sign-ins refused for a wrong email or password, or an inactive account.", c.signin_failures);
  out.Family("entraide_rate_limit_refusals_total", "counter",
             "Requests refused by a limit (429), by limit: signin_pair (5 failures of one account from one "
             "address), signin_address (20 failures from one address), link_requests (sign-in link and reset "
             "requests from one address), password_change (wrong current passwords); link_mails counts link "
             "requests answered as usual but sent no mail (5 an hour per account).");
  for (const auto& [limit, n] : {std::pair<const char*, int64_t>{"signin_pair", c.refused_signin_pair},
                                 {"signin_address", c.refused_signin_address},
                                 {"link_requests", c.refused_link_requests},
                                 {"password_change", c.refused_password_change},
                                 {"link_mails", c.withheld_link_mails}})
    out.Sample("entraide_rate_limit_refusals_total", {{"limit", limit}}, n);
  out.Single("entraide_password_hash_busy_total", "counter",
             "Password checks and hashes refused (503) because no turn at the hash gate came in time.", c.hash_busy);
}

core::StatusOr<Principal> SessionService::LoadPrincipal(store::AccountRepository& repo, const model::User& user) {
  Principal p;
  p.user_id = user.id;
  p.email = user.email;
  p.name = user.name;
  p.role = user.role;
  p.editor = user.editor && model::IsVolunteerOrMore(user.role);
  p.lang = user.lang;
  auto groups = repo.GroupsOf(user.id);
  if (!groups.ok()) return groups.status();
  for (const auto& g : *groups)
    if (g.active) p.groups.push_back({g.id, g.slug, g.name, g.lang});
  return p;
}

core::StatusOr<Principal> SessionService::PrincipalOf(int64_t user_id) {
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::AccountRepository repo(**db);
  auto user = repo.FindUserById(user_id);
  if (!user.ok()) return user.status();
  if (!*user) return core::NotFound("no such person");
  if (!(*user)->active) return core::PermissionDenied("this account is deactivated");
  return LoadPrincipal(repo, **user);
}

core::StatusOr<SessionGrant> SessionService::StartSession(store::AccountRepository& repo, const model::User& user) {
  SessionGrant grant;
  grant.cookie = core::RandomToken();
  grant.csrf = core::RandomToken();
  int64_t now = clock_.NowSeconds();
  ENTRAIDE_RETURN_IF_ERROR(repo.CreateSession({core::Sha256Hex(grant.cookie), user.id, grant.csrf, now, now}));
  auto p = LoadPrincipal(repo, user);
  if (!p.ok()) return p.status();
  grant.principal = std::move(p).value();
  return grant;
}

core::StatusOr<SessionGrant> SessionService::SignIn(const std::string& email, const std::string& password,
                                                    const std::string& ip, const std::string& old_cookie,
                                                    Throttle* throttle) {
  Throttle ignored;
  Throttle& t = throttle ? *throttle : ignored;
  auto normalized = NormalizeEmail(email);
  // Counted under what was typed when it is not an address (bounded: keys are not a way to fill memory).
  std::string account = normalized.ok() ? *normalized : "invalid:" + core::Sha256Hex(email);
  std::string pair = account + " " + ip;
  // Each attempt takes its place in the per-pair and per-address counts before its password is checked, so a
  // burst of parallel attempts cannot get past the limits; a right password gives its place back.
  int64_t wait = pair_failures_.Hit(pair);
  if (wait > 0) {
    counters_.refused_signin_pair.fetch_add(1, std::memory_order_relaxed);
  } else {
    wait = address_failures_.Hit(ip);
    if (wait > 0) {
      pair_failures_.Forget(pair);
      counters_.refused_signin_address.fetch_add(1, std::memory_order_relaxed);
    }
  }
  if (wait > 0) {
    t.retry_after_s = wait;
    return core::ResourceExhausted("too many sign-in attempts; try again in " + std::to_string(wait) + " seconds");
  }
  auto give_back = [&] {
    pair_failures_.Forget(pair);
    address_failures_.Forget(ip);
  };
  // Under attack: the answer is slowed, whatever it is, and never refused (the same for unknown emails, so the
  // delay reveals nothing).
  if (account_failures_.Count(account) >= options_.account_attack_failures) t.delay_ms = options_.attack_delay_ms;
  std::optional<model::User> user;
  if (normalized.ok()) {
    auto db = pool_.Acquire();  // given back before hashing: a turn may take seconds to come
    if (!db.ok()) {
      give_back();
      return db.status();
    }
    auto found = store::AccountRepository(**db).FindUserByEmail(*normalized);
    if (!found.ok()) {
      give_back();
      return found.status();
    }
    user = std::move(found).value();
  }
  bool has_password = user && user->password_hash;
  // Same work either way: without a hash to check, the hasher checks a dummy one.
  auto right = hasher_.Verify(has_password ? *user->password_hash : "", password);
  if (!right.ok()) {
    give_back();  // not checked: not a failure
    t.retry_after_s = hasher_.retry_after_s();
    return right.status();
  }
  if (!*right || !has_password || !user->active) {
    account_failures_.Record(account);
    counters_.signin_failures.fetch_add(1, std::memory_order_relaxed);
    return Failed();
  }
  give_back();
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::AccountRepository repo(**db);
  // Rotation: the session id changes at every sign-in; a previous one from this browser ends.
  if (!old_cookie.empty()) (void)repo.DeleteSession(core::Sha256Hex(old_cookie));
  return StartSession(repo, *user);
}

core::StatusOr<Authenticated> SessionService::Authenticate(const std::string& cookie) {
  if (cookie.empty() || cookie.size() > 100) return core::Unauthenticated("not signed in");
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::AccountRepository repo(**db);
  std::string id_hash = core::Sha256Hex(cookie);
  auto session = repo.FindSession(id_hash);
  if (!session.ok()) return session.status();
  if (!*session) return core::Unauthenticated("not signed in");
  int64_t now = clock_.NowSeconds();
  if (now - (*session)->last_seen_at > options_.session_idle_s ||
      now - (*session)->created_at > options_.session_max_s) {
    (void)repo.DeleteSession(id_hash);
    return core::Unauthenticated("the session expired; sign in again").WithKey("error_session_expired");
  }
  auto user = repo.FindUserById((*session)->user_id);
  if (!user.ok()) return user.status();
  if (!*user || !(*user)->active) return core::Unauthenticated("not signed in");
  Authenticated a;
  auto p = LoadPrincipal(repo, **user);
  if (!p.ok()) return p.status();
  a.principal = std::move(p).value();
  a.csrf = (*session)->csrf_token;
  // Extend the session at most every 5 minutes: no write per request.
  if (now - (*session)->last_seen_at > 300) {
    (void)repo.TouchSession(id_hash, now);
    a.refresh_cookie = true;
  }
  return a;
}

core::Status SessionService::SignOut(const std::string& cookie) {
  if (cookie.empty()) return core::Status::Ok();
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  return store::AccountRepository(**db).DeleteSession(core::Sha256Hex(cookie));
}

core::Status SessionService::RequestLinkMail(const std::string& email, const std::string& lang, const std::string& ip,
                                             int64_t* retry_after_s, const LinkKind& kind) {
  auto normalized = NormalizeEmail(email);
  if (!normalized.ok()) return normalized.status();
  // Per address only: a limit per account would let anyone stop a person from asking for a link.
  int64_t wait = link_requests_.Hit(ip);
  if (wait > 0) {
    counters_.refused_link_requests.fetch_add(1, std::memory_order_relaxed);
    if (retry_after_s) *retry_after_s = wait;
    return core::ResourceExhausted("too many requests; try again in " + std::to_string(wait) + " seconds");
  }
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::AccountRepository repo(**db);
  return store::InTransaction(**db, [&]() -> core::Status {
    auto user = repo.FindUserByEmail(*normalized);
    if (!user.ok()) return user.status();
    if (!*user || !(*user)->active) return core::Status::Ok();  // say nothing
    // At most link_mails_per_hour mails of links an hour to one person; beyond, the same answer and no mail.
    auto sent = repo.CountTokensSince((*user)->id, {"signin", "reset"}, clock_.NowSeconds() - 3600);
    if (!sent.ok()) return sent.status();
    if (*sent >= options_.link_mails_per_hour) {
      counters_.withheld_link_mails.fetch_add(1, std::memory_order_relaxed);
      return core::Status::Ok();
    }
    std::string l = i18n::IsSupportedLang(lang) ? lang : (*user)->lang;
    return links_.Mail(repo, **user, l, kind);
  });
}

core::Status SessionService::RequestSignInLink(const std::string& email, const std::string& lang, const std::string& ip,
                                               int64_t* retry_after_s) {
  return RequestLinkMail(email, lang, ip, retry_after_s, links_.SignIn());
}

core::StatusOr<SessionGrant> SessionService::ConsumeSignInLink(const std::string& token) {
  return UseLink(token, "signin", [&](store::AccountRepository& repo, model::User& user, int64_t now) {
    return repo.VoidTokens(user.id, {"signin"}, now);
  });
}

core::Status SessionService::RequestPasswordReset(const std::string& email, const std::string& lang,
                                                  const std::string& ip, int64_t* retry_after_s) {
  return RequestLinkMail(email, lang, ip, retry_after_s, links_.Reset());
}

core::Status SessionService::CheckResetToken(const std::string& token) {
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::AccountRepository repo(**db);
  auto t = links_.Valid(repo, token, "reset");
  return t.ok() ? core::Status::Ok() : t.status();
}

core::StatusOr<SessionGrant> SessionService::ResetPassword(const std::string& token, const std::string& new_password) {
  // The link and the password are checked, and the password hashed, before the write transaction; the link is
  // checked again inside it.
  auto user = LinkHolder(token, "reset");
  if (!user.ok()) return user.status();
  if (new_password.empty()) return PasswordTooShort();
  auto hash = hasher_.NewPasswordHash(user->email, user->name, new_password);
  if (!hash.ok()) return hash.status();
  return UseLink(token, "reset", [&](store::AccountRepository& repo, model::User& holder, int64_t now) {
    ENTRAIDE_RETURN_IF_ERROR(repo.SetPasswordHash(holder.id, **hash));
    // Whoever had the old password, or any other link, is out.
    ENTRAIDE_RETURN_IF_ERROR(repo.VoidTokens(holder.id, {"signin", "reset", "invite"}, now));
    return repo.DeleteSessionsOf(holder.id);
  });
}

core::StatusOr<InvitationInfo> SessionService::PeekInvitation(const std::string& token) {
  auto user = LinkHolder(token, "invite");
  if (!user.ok()) return user.status();
  return InvitationInfo{user->email, user->name, user->lang};
}

core::StatusOr<SessionGrant> SessionService::AcceptInvitation(const std::string& token, const std::string& name,
                                                              const std::string& password) {
  auto user = LinkHolder(token, "invite");
  if (!user.ok()) return user.status();
  ENTRAIDE_RETURN_IF_ERROR(CheckName(name));
  auto hash = hasher_.NewPasswordHash(user->email, name, password);  // outside the write transaction
  if (!hash.ok()) return hash.status();
  return UseLink(token, "invite", [&](store::AccountRepository& repo, model::User& holder, int64_t now) {
    if (*hash) ENTRAIDE_RETURN_IF_ERROR(repo.SetPasswordHash(holder.id, **hash));
    ENTRAIDE_RETURN_IF_ERROR(repo.VoidTokens(holder.id, {"invite"}, now));  // another copy cannot accept it again
    holder.name = std::string(core::Trim(name));
    return repo.UpdateProfile(holder.id, holder.name, holder.lang);
  });
}

core::StatusOr<model::User> SessionService::LinkHolder(const std::string& token, const std::string& token_kind) {
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::AccountRepository repo(**db);
  auto t = links_.Valid(repo, token, token_kind);
  if (!t.ok()) return t.status();
  auto user = repo.FindUserById(t->user_id);
  if (!user.ok()) return user.status();
  if (!*user || !(*user)->active) return BadLink();
  return std::move(**user);
}

core::StatusOr<SessionGrant> SessionService::UseLink(const std::string& token, const std::string& token_kind,
                                                     const LinkChange& change) {
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::AccountRepository repo(**db);
  core::StatusOr<SessionGrant> grant = core::Internal("unset");
  core::Status st = store::InTransaction(**db, [&]() -> core::Status {
    auto t = links_.Valid(repo, token, token_kind);
    if (!t.ok()) return t.status();
    int64_t now = clock_.NowSeconds();
    auto used = repo.UseToken(t->id, now);
    if (!used.ok()) return used.status();
    if (!*used) return BadLink();
    auto user = repo.FindUserById(t->user_id);
    if (!user.ok()) return user.status();
    if (!*user || !(*user)->active) return BadLink();
    ENTRAIDE_RETURN_IF_ERROR(change(repo, **user, now));
    grant = StartSession(repo, **user);
    return grant.ok() ? core::Status::Ok() : grant.status();
  });
  if (!st.ok()) return st;
  return grant;
}

core::Status SessionService::ChangePassword(const Principal& who, const std::string& current, const std::string& next,
                                            const std::string& keep_cookie, int64_t* retry_after_s) {
  // A stolen session must not be a way to guess the password: each try takes its place in the count first.
  const std::string key = std::to_string(who.user_id);
  int64_t wait = password_failures_.Hit(key);
  if (wait > 0) {
    counters_.refused_password_change.fetch_add(1, std::memory_order_relaxed);
    if (retry_after_s) *retry_after_s = wait;
    return core::ResourceExhausted("too many wrong passwords; try again in " + std::to_string(wait) + " seconds");
  }
  std::optional<model::User> user;
  {
    auto db = pool_.Acquire();  // given back before hashing
    if (!db.ok()) return db.status();
    auto found = store::AccountRepository(**db).FindUserById(who.user_id);
    if (!found.ok()) return found.status();
    user = std::move(found).value();
  }
  if (!user) return core::Unauthenticated("not signed in");
  // People who only used sign-in links have no password yet: they may set one.
  if (user->password_hash) {
    auto right = hasher_.Verify(*user->password_hash, current);
    if (!right.ok()) {
      password_failures_.Forget(key);
      return right.status();
    }
    if (!*right) return core::InvalidField("current_password", "not right").WithKey("error_current_password");
  }
  password_failures_.Forget(key);
  auto hash = hasher_.NewPasswordHash(user->email, user->name, next);
  if (!hash.ok()) return hash.status();
  if (!*hash) return PasswordTooShort();
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::AccountRepository repo(**db);
  return store::InTransaction(**db, [&]() -> core::Status {
    ENTRAIDE_RETURN_IF_ERROR(repo.SetPasswordHash(who.user_id, **hash));
    ENTRAIDE_RETURN_IF_ERROR(repo.VoidTokens(who.user_id, {"signin", "reset"}, clock_.NowSeconds()));
    return repo.DeleteOtherSessions(who.user_id, core::Sha256Hex(keep_cookie));
  });
}

core::StatusOr<std::string> SessionService::IssueLink(const Principal& by, const std::string& email) {
  ENTRAIDE_RETURN_IF_ERROR(Require(&by, Action::kAdminister));
  auto normalized = NormalizeEmail(email);
  if (!normalized.ok()) return normalized.status();
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::AccountRepository repo(**db);
  core::StatusOr<std::string> link = core::Internal("unset");
  ENTRAIDE_RETURN_IF_ERROR(store::InTransaction(**db, [&]() -> core::Status {
    auto user = repo.FindUserByEmail(*normalized);
    if (!user.ok()) return user.status();
    if (!*user) return core::NotFound("nobody has the email " + *normalized);
    if (!(*user)->active) return core::InvalidField("email", *normalized + " is deactivated");
    auto invited = repo.HasLiveToken((*user)->id, "invite", clock_.NowSeconds());
    if (!invited.ok()) return invited.status();
    link = links_.New(repo, **user, (*user)->lang, *invited ? links_.Invitation() : links_.SignIn());
    return link.ok() ? core::Status::Ok() : link.status();
  }));
  return link;
}

}  // namespace entraide::auth
