#include "auth/auth_service.h"

#include <algorithm>
#include <set>

#include "auth/policy.h"
#include "core/json_writer.h"
#include "core/random.h"
#include "core/sha256.h"
#include "core/strings.h"
#include "i18n/catalog.h"
#include "store/account_repo.h"
#include "store/pool.h"

namespace entraide::auth {

namespace {
const std::set<std::string> kRoles = {"member", "volunteer", "coordinator"};

core::Status CheckName(const std::string& name) {
  if (core::Trim(name).empty()) return core::InvalidField("name", "required").WithKey("error_name_required");
  if (name.size() > 120) return core::InvalidField("name", "at most 120 characters");
  if (!core::IsValidUtf8(name)) return core::InvalidField("name", "not valid UTF-8");
  for (char c : name)
    if (static_cast<unsigned char>(c) < 0x20) return core::InvalidField("name", "control characters are not allowed");
  return core::Status::Ok();
}

core::Status CheckLang(const std::string& lang) {
  return i18n::IsSupportedLang(lang) ? core::Status::Ok() : core::InvalidField("lang", "must be en or fr");
}

core::Status BadSearch(const std::string& what) { return core::InvalidField("q", what).WithKey("error_admin_search"); }

core::Status BadRole() { return core::InvalidField("role", "must be member, volunteer or coordinator"); }

// The folded words of an administration search ("Hélène  Côté" -> "helene", "cote").
core::StatusOr<std::vector<std::string>> SearchWords(const std::string& q) {
  if (q.size() > 200) return BadSearch("at most 200 characters");
  if (!core::IsValidUtf8(q)) return BadSearch("not valid UTF-8");
  std::string folded = core::FoldLatinForSlug(q);
  std::replace_if(
      folded.begin(), folded.end(), [](char c) { return c == '\t' || c == '\r' || c == '\n'; }, ' ');
  std::vector<std::string> words;
  for (const auto& w : core::Split(folded, ' ', true)) {
    std::string word(core::Trim(w));
    if (!word.empty()) words.push_back(std::move(word));
  }
  if (words.size() > 8) return BadSearch("at most 8 words");
  return words;
}

// Brings `page` within 1..pages for `total` rows; returns the offset of its first row.
int64_t Paginate(int64_t total, int& page, int& pages) {
  pages = static_cast<int>(std::max<int64_t>(1, (total + kAdminPageSize - 1) / kAdminPageSize));
  page = std::clamp(page, 1, pages);
  return int64_t{page - 1} * kAdminPageSize;
}

core::Status Failed() {
  return core::Unauthenticated("the email or the password is not right").WithKey("error_signin_failed");
}
core::Status BadLink() {
  return core::Unauthenticated("this link is not valid any more; ask for a new one").WithKey("error_link_invalid");
}

}  // namespace

core::StatusOr<std::string> NormalizeEmail(const std::string& email) {
  std::string e = core::ToLowerAscii(core::Trim(email));
  size_t at = e.find('@');
  if (e.empty()) return core::InvalidField("email", "required").WithKey("error_email_required");
  if (e.size() > 254 || at == std::string::npos || at == 0 || at != e.rfind('@') || at + 1 >= e.size() ||
      e.find_first_of(" \t\r\n<>\",;") != std::string::npos || e.find('.', at) == std::string::npos)
    return core::InvalidField("email", "not a valid address").WithKey("error_email_invalid");
  return e;
}

AuthService::AuthService(store::Pool& pool, const core::Clock& clock, AuthOptions options)
    : pool_(pool),
      clock_(clock),
      options_(std::move(options)),
      gate_(options_.max_parallel_hashes, options_.hash_wait_ms),
      link_requests_(clock, options_.rate_limit, options_.rate_window_s),
      pair_failures_(clock, options_.pair_failures, options_.failure_window_s),
      address_failures_(clock, options_.address_failures, options_.failure_window_s),
      account_failures_(clock, options_.account_attack_failures, options_.failure_window_s),
      password_failures_(clock, options_.password_change_failures, options_.failure_window_s) {
  auto h = Hash(core::RandomToken());
  if (h.ok()) dummy_hash_ = *h;
}

core::StatusOr<std::string> AuthService::Hash(const std::string& password) {
  auto permit = gate_.Acquire();
  if (!permit.ok()) return Busy(permit.status());
  return HashPassword(password, options_.hash_cost);
}

core::StatusOr<bool> AuthService::Verify(const std::string& hash, const std::string& password) {
  auto permit = gate_.Acquire();
  if (!permit.ok()) return Busy(permit.status());
  return VerifyPassword(hash, password);
}

core::Status AuthService::Busy(core::Status st) {
  counters_.hash_busy.fetch_add(1, std::memory_order_relaxed);
  return st;
}

AuthCounts AuthService::counts() const {
  AuthCounts c;
  c.signin_failures = counters_.signin_failures.load(std::memory_order_relaxed);
  c.refused_signin_pair = counters_.refused_signin_pair.load(std::memory_order_relaxed);
  c.refused_signin_address = counters_.refused_signin_address.load(std::memory_order_relaxed);
  c.refused_link_requests = counters_.refused_link_requests.load(std::memory_order_relaxed);
  c.refused_password_change = counters_.refused_password_change.load(std::memory_order_relaxed);
  c.withheld_link_mails = counters_.withheld_link_mails.load(std::memory_order_relaxed);
  c.hash_busy = counters_.hash_busy.load(std::memory_order_relaxed);
  return c;
}

void AuthService::Collect(core::MetricsText& out) const {
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

core::StatusOr<Principal> AuthService::LoadPrincipal(store::AccountRepository& repo, const model::User& user) {
  Principal p;
  p.user_id = user.id;
  p.email = user.email;
  p.name = user.name;
  p.role = user.role;
  p.lang = user.lang;
  auto groups = repo.GroupsOf(user.id);
  if (!groups.ok()) return groups.status();
  for (const auto& g : *groups)
    if (g.active) p.groups.push_back({g.id, g.slug, g.name, g.lang});
  return p;
}

core::StatusOr<SessionGrant> AuthService::StartSession(store::AccountRepository& repo, const model::User& user) {
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

core::StatusOr<SessionGrant> AuthService::SignIn(const std::string& email, const std::string& password,
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
  auto right = Verify(has_password ? *user->password_hash : dummy_hash_, password);  // same work either way
  if (!right.ok()) {
    give_back();  // not checked: not a failure
    t.retry_after_s = gate_.retry_after_s();
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

core::StatusOr<Authenticated> AuthService::Authenticate(const std::string& cookie) {
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

core::Status AuthService::SignOut(const std::string& cookie) {
  if (cookie.empty()) return core::Status::Ok();
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  return store::AccountRepository(**db).DeleteSession(core::Sha256Hex(cookie));
}

core::StatusOr<std::string> AuthService::NewLink(store::AccountRepository& repo, const model::User& user,
                                                 const std::string& lang, const std::string& path, int64_t ttl_s,
                                                 const std::string& token_kind) {
  std::string token = core::RandomToken();
  int64_t now = clock_.NowSeconds();
  store::TokenRecord t;
  t.kind = token_kind;
  t.token_hash = core::Sha256Hex(token);
  t.user_id = user.id;
  t.expires_at = now + ttl_s;
  t.created_at = now;
  ENTRAIDE_RETURN_IF_ERROR(repo.CreateToken(t));
  return options_.base_url + "/" + lang + path + token;
}

core::Status AuthService::QueueLinkMail(store::AccountRepository& repo, const model::User& user, model::MailKind kind,
                                        const std::string& lang, const std::string& path, int64_t ttl_s,
                                        const std::string& token_kind) {
  auto link = NewLink(repo, user, lang, path, ttl_s, token_kind);
  if (!link.ok()) return link.status();
  core::JsonWriter data;
  data.BeginObject().Field("link", *link).Field("name", user.name).Field("expires_minutes", ttl_s / 60).EndObject();
  auto id = repo.EnqueueMail(
      store::OutboxMessage::To(kind, user.id, user.email, user.name, lang, data.Take(), clock_.NowSeconds()));
  return id.ok() ? core::Status::Ok() : id.status();
}

core::Status AuthService::RequestLinkMail(const std::string& email, const std::string& lang, const std::string& ip,
                                          int64_t* retry_after_s, const LinkMail& mail) {
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
    return QueueLinkMail(repo, **user, mail.kind, l, mail.path, mail.ttl_s, mail.token_kind);
  });
}

core::Status AuthService::RequestSignInLink(const std::string& email, const std::string& lang, const std::string& ip,
                                            int64_t* retry_after_s) {
  return RequestLinkMail(email, lang, ip, retry_after_s,
                         {model::MailKind::kSigninLink, "/signin/link/", options_.signin_link_s, "signin"});
}

core::StatusOr<store::TokenRecord> AuthService::ValidToken(store::AccountRepository& repo, const std::string& token,
                                                           const std::string& kind) {
  if (token.empty() || token.size() > 100) return BadLink();
  auto t = repo.FindToken(core::Sha256Hex(token));
  if (!t.ok()) return t.status();
  if (!*t || (*t)->kind != kind || (*t)->used_at || (*t)->expires_at < clock_.NowSeconds()) return BadLink();
  return **t;
}

core::StatusOr<SessionGrant> AuthService::ConsumeSignInLink(const std::string& token) {
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::AccountRepository repo(**db);
  core::StatusOr<SessionGrant> grant = core::Internal("unset");
  core::Status st = store::InTransaction(**db, [&]() -> core::Status {
    auto t = ValidToken(repo, token, "signin");
    if (!t.ok()) return t.status();
    auto used = repo.UseToken(t->id, clock_.NowSeconds());
    if (!used.ok()) return used.status();
    if (!*used) return BadLink();
    auto user = repo.FindUserById(t->user_id);
    if (!user.ok()) return user.status();
    if (!*user || !(*user)->active) return BadLink();
    ENTRAIDE_RETURN_IF_ERROR(repo.VoidTokens(t->user_id, {"signin"}, clock_.NowSeconds()));
    grant = StartSession(repo, **user);
    return grant.ok() ? core::Status::Ok() : grant.status();
  });
  if (!st.ok()) return st;
  return grant;
}

core::Status AuthService::RequestPasswordReset(const std::string& email, const std::string& lang, const std::string& ip,
                                               int64_t* retry_after_s) {
  return RequestLinkMail(email, lang, ip, retry_after_s,
                         {model::MailKind::kPasswordReset, "/password/reset/", options_.reset_link_s, "reset"});
}

core::Status AuthService::CheckResetToken(const std::string& token) {
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::AccountRepository repo(**db);
  auto t = ValidToken(repo, token, "reset");
  return t.ok() ? core::Status::Ok() : t.status();
}

core::StatusOr<std::optional<std::string>> AuthService::NewPasswordHash(const model::User& user,
                                                                        const std::string& name,
                                                                        const std::string& password) {
  if (password.empty()) return std::optional<std::string>();
  ENTRAIDE_RETURN_IF_ERROR(CheckPasswordQuality(password, user.email, name));
  auto hash = Hash(password);
  if (!hash.ok()) return hash.status();
  return std::optional<std::string>(std::move(hash).value());
}

core::StatusOr<SessionGrant> AuthService::ResetPassword(const std::string& token, const std::string& new_password) {
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::AccountRepository repo(**db);
  // The link and the password are checked, and the password hashed, before the write transaction; the link is
  // checked again inside it.
  auto t = ValidToken(repo, token, "reset");
  if (!t.ok()) return t.status();
  auto user = repo.FindUserById(t->user_id);
  if (!user.ok()) return user.status();
  if (!*user || !(*user)->active) return BadLink();
  if (new_password.empty()) return PasswordTooShort();
  auto hash = NewPasswordHash(**user, (*user)->name, new_password);
  if (!hash.ok()) return hash.status();
  core::StatusOr<SessionGrant> grant = core::Internal("unset");
  core::Status st = store::InTransaction(**db, [&]() -> core::Status {
    auto again = ValidToken(repo, token, "reset");
    if (!again.ok()) return again.status();
    int64_t now = clock_.NowSeconds();
    auto used = repo.UseToken(again->id, now);
    if (!used.ok()) return used.status();
    if (!*used) return BadLink();
    ENTRAIDE_RETURN_IF_ERROR(repo.SetPasswordHash((*user)->id, **hash));
    // Whoever had the old password, or any other link, is out.
    ENTRAIDE_RETURN_IF_ERROR(repo.VoidTokens((*user)->id, {"signin", "reset", "invite"}, now));
    ENTRAIDE_RETURN_IF_ERROR(repo.DeleteSessionsOf((*user)->id));
    grant = StartSession(repo, **user);
    return grant.ok() ? core::Status::Ok() : grant.status();
  });
  if (!st.ok()) return st;
  return grant;
}

core::StatusOr<int64_t> AuthService::CreatePerson(store::AccountRepository& repo, const std::string& email,
                                                  const std::string& name, const std::string& role,
                                                  const std::vector<int64_t>& group_ids, const std::string& lang,
                                                  const std::optional<std::string>& password_hash, bool invite) {
  auto normalized = NormalizeEmail(email);
  if (!normalized.ok()) return normalized.status();
  ENTRAIDE_RETURN_IF_ERROR(CheckName(name));
  ENTRAIDE_RETURN_IF_ERROR(CheckLang(lang));
  if (!kRoles.count(role)) return BadRole();
  for (int64_t g : group_ids) {
    auto group = repo.FindGroupById(g);
    if (!group.ok()) return group.status();
    if (!*group) return core::InvalidField("groups", "no group " + std::to_string(g));
  }
  model::User u;
  u.email = *normalized;
  u.name = std::string(core::Trim(name));
  u.role = role;
  u.lang = lang;
  u.password_hash = password_hash;
  auto id = repo.CreateUser(u);
  if (!id.ok()) {
    if (id.status().code() == core::StatusCode::kAlreadyExists)
      return core::AlreadyExists("email: " + u.email + " already has an account").For("email");
    return id.status();
  }
  u.id = *id;
  ENTRAIDE_RETURN_IF_ERROR(repo.SetMemberships(u.id, group_ids));
  if (invite)
    ENTRAIDE_RETURN_IF_ERROR(
        QueueLinkMail(repo, u, model::MailKind::kInvitation, lang, "/invitation/", options_.invitation_s, "invite"));
  return u.id;
}

core::StatusOr<int64_t> AuthService::Invite(const Principal& by, const std::string& email, const std::string& name,
                                            const std::string& role, const std::vector<int64_t>& group_ids,
                                            const std::string& lang) {
  ENTRAIDE_RETURN_IF_ERROR(Require(&by, Action::kAdminister));
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::AccountRepository repo(**db);
  core::StatusOr<int64_t> id = core::Internal("unset");
  ENTRAIDE_RETURN_IF_ERROR(store::InTransaction(**db, [&]() -> core::Status {
    id = CreatePerson(repo, email, name, role, group_ids, lang, std::nullopt, true);
    return id.ok() ? core::Status::Ok() : id.status();
  }));
  return id;
}

core::StatusOr<InvitationInfo> AuthService::PeekInvitation(const std::string& token) {
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::AccountRepository repo(**db);
  auto t = ValidToken(repo, token, "invite");
  if (!t.ok()) return t.status();
  auto user = repo.FindUserById(t->user_id);
  if (!user.ok()) return user.status();
  if (!*user || !(*user)->active) return BadLink();
  return InvitationInfo{(*user)->email, (*user)->name, (*user)->lang};
}

core::StatusOr<SessionGrant> AuthService::AcceptInvitation(const std::string& token, const std::string& name,
                                                           const std::string& password) {
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::AccountRepository repo(**db);
  auto t = ValidToken(repo, token, "invite");
  if (!t.ok()) return t.status();
  auto user = repo.FindUserById(t->user_id);
  if (!user.ok()) return user.status();
  if (!*user || !(*user)->active) return BadLink();
  ENTRAIDE_RETURN_IF_ERROR(CheckName(name));
  auto hash = NewPasswordHash(**user, name, password);  // outside the write transaction
  if (!hash.ok()) return hash.status();
  core::StatusOr<SessionGrant> grant = core::Internal("unset");
  core::Status st = store::InTransaction(**db, [&]() -> core::Status {
    auto again = ValidToken(repo, token, "invite");
    if (!again.ok()) return again.status();
    int64_t now = clock_.NowSeconds();
    auto used = repo.UseToken(again->id, now);
    if (!used.ok()) return used.status();
    if (!*used) return BadLink();
    if (*hash) ENTRAIDE_RETURN_IF_ERROR(repo.SetPasswordHash((*user)->id, **hash));
    ENTRAIDE_RETURN_IF_ERROR(repo.VoidTokens((*user)->id, {"invite"}, now));  // another copy cannot accept it again
    ENTRAIDE_RETURN_IF_ERROR(repo.UpdateProfile((*user)->id, std::string(core::Trim(name)), (*user)->lang));
    (*user)->name = std::string(core::Trim(name));
    grant = StartSession(repo, **user);
    return grant.ok() ? core::Status::Ok() : grant.status();
  });
  if (!st.ok()) return st;
  return grant;
}

core::Status AuthService::UpdateProfile(const Principal& who, const std::string& name, const std::string& lang) {
  ENTRAIDE_RETURN_IF_ERROR(CheckName(name));
  ENTRAIDE_RETURN_IF_ERROR(CheckLang(lang));
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  return store::AccountRepository(**db).UpdateProfile(who.user_id, std::string(core::Trim(name)), lang);
}

core::Status AuthService::ChangePassword(const Principal& who, const std::string& current, const std::string& next,
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
    auto right = Verify(*user->password_hash, current);
    if (!right.ok()) {
      password_failures_.Forget(key);
      return right.status();
    }
    if (!*right) return core::InvalidField("current_password", "not right").WithKey("error_current_password");
  }
  password_failures_.Forget(key);
  auto hash = NewPasswordHash(*user, user->name, next);
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

core::StatusOr<PeoplePage> AuthService::FindPeople(const Principal& by, const std::string& q, const std::string& role,
                                                   int page) {
  ENTRAIDE_RETURN_IF_ERROR(Require(&by, Action::kAdminister));
  if (!role.empty() && !kRoles.count(role)) return BadRole();
  auto words = SearchWords(q);
  if (!words.ok()) return words.status();
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::AccountRepository repo(**db);
  model::PeopleQuery query{std::move(words).value(), role, 0, kAdminPageSize};
  PeoplePage out;
  auto total = repo.CountUsers(query);
  if (!total.ok()) return total.status();
  out.total = *total;
  out.page = page;
  query.offset = Paginate(out.total, out.page, out.pages);
  auto users = repo.SearchUsers(query);
  if (!users.ok()) return users.status();
  std::vector<int64_t> ids;
  for (const auto& u : *users) ids.push_back(u.id);
  auto memberships = repo.GroupsOfUsers(ids);
  if (!memberships.ok()) return memberships.status();
  for (auto& u : *users) {
    UserView v{std::move(u), {}};
    for (const auto& [user_id, g] : *memberships)
      if (user_id == v.user.id) v.groups.push_back(g);
    out.people.push_back(std::move(v));
  }
  return out;
}

core::StatusOr<GroupsPage> AuthService::FindGroups(const Principal& by, const std::string& q, int page) {
  ENTRAIDE_RETURN_IF_ERROR(Require(&by, Action::kAdminister));
  auto words = SearchWords(q);
  if (!words.ok()) return words.status();
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::AccountRepository repo(**db);
  model::GroupQuery query{std::move(words).value(), 0, 0, kAdminPageSize};
  GroupsPage out;
  auto total = repo.CountGroups(query);
  if (!total.ok()) return total.status();
  out.total = *total;
  out.page = page;
  query.offset = Paginate(out.total, out.page, out.pages);
  auto groups = repo.SearchGroups(query);
  if (!groups.ok()) return groups.status();
  out.groups = std::move(groups).value();
  return out;
}

core::StatusOr<GroupsPage> AuthService::GroupsToJoin(const Principal& by, int64_t person, const std::string& q,
                                                     int limit) {
  ENTRAIDE_RETURN_IF_ERROR(Require(&by, Action::kAdminister));
  auto words = SearchWords(q);
  if (!words.ok()) return words.status();
  GroupsPage out;
  if (words->empty()) return out;
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::AccountRepository repo(**db);
  model::GroupQuery query{std::move(words).value(), person, 0, std::max(1, limit)};
  auto total = repo.CountGroups(query);
  if (!total.ok()) return total.status();
  out.total = *total;
  auto groups = repo.SearchGroups(query);
  if (!groups.ok()) return groups.status();
  out.groups = std::move(groups).value();
  return out;
}

core::StatusOr<UserView> AuthService::Person(const Principal& by, int64_t id) {
  ENTRAIDE_RETURN_IF_ERROR(Require(&by, Action::kAdminister));
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::AccountRepository repo(**db);
  auto user = repo.FindUserById(id);
  if (!user.ok()) return user.status();
  if (!*user) return core::NotFound("no such person");
  auto groups = repo.GroupsOf(id);
  if (!groups.ok()) return groups.status();
  return UserView{std::move(**user), std::move(groups).value()};
}

core::StatusOr<GroupMembers> AuthService::GroupWithMembers(const Principal& by, int64_t id, int page) {
  ENTRAIDE_RETURN_IF_ERROR(Require(&by, Action::kAdminister));
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::AccountRepository repo(**db);
  auto group = repo.FindGroupById(id);
  if (!group.ok()) return group.status();
  if (!*group) return core::NotFound("no such group");
  auto total = repo.CountMembers(id);
  if (!total.ok()) return total.status();
  GroupMembers out;
  out.group = {std::move(**group), *total};
  out.page = page;
  auto members = repo.MembersPage(id, Paginate(*total, out.page, out.pages), kAdminPageSize);
  if (!members.ok()) return members.status();
  out.members = std::move(members).value();
  return out;
}

core::Status AuthService::SetMembership(const Principal& by, int64_t person, int64_t group, bool member) {
  ENTRAIDE_RETURN_IF_ERROR(Require(&by, Action::kAdminister));
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::AccountRepository repo(**db);
  return store::InTransaction(**db, [&]() -> core::Status {
    auto u = repo.FindUserById(person);
    if (!u.ok()) return u.status();
    if (!*u) return core::NotFound("no such person");
    // An erased person stays erased: no groups, no access (their history keeps only their id).
    if (member && (*u)->erased_at) return core::InvalidField("person", "this person was erased and cannot be changed");
    auto g = repo.FindGroupById(group);
    if (!g.ok()) return g.status();
    if (!*g) return core::InvalidField("group", "no group " + std::to_string(group));
    return member ? repo.AddMembership(person, group) : repo.RemoveMembership(person, group);
  });
}

core::StatusOr<std::vector<UserView>> AuthService::ListPeopleCli() {
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::AccountRepository repo(**db);
  auto users = repo.ListUsers();
  if (!users.ok()) return users.status();
  std::vector<UserView> out;
  for (auto& u : *users) {
    auto groups = repo.GroupsOf(u.id);
    if (!groups.ok()) return groups.status();
    out.push_back({std::move(u), std::move(groups).value()});
  }
  return out;
}

core::StatusOr<std::vector<Group>> AuthService::ListGroups() {
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  return store::AccountRepository(**db).ListGroups();
}

core::StatusOr<int64_t> AuthService::AddGroupCli(const std::string& slug, const std::string& name,
                                                 const std::string& lang) {
  if (!core::IsSlug(slug)) return core::InvalidField("slug", "lower-case letters, digits and single dashes");
  ENTRAIDE_RETURN_IF_ERROR(CheckName(name));
  ENTRAIDE_RETURN_IF_ERROR(CheckLang(lang));
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  auto id = store::AccountRepository(**db).CreateGroup({0, slug, std::string(core::Trim(name)), lang, true});
  if (!id.ok() && id.status().code() == core::StatusCode::kAlreadyExists)
    return core::AlreadyExists("slug: a group named '" + slug + "' exists already").For("slug");
  return id;
}

core::StatusOr<int64_t> AuthService::CreateGroup(const Principal& by, const std::string& slug, const std::string& name,
                                                 const std::string& lang) {
  ENTRAIDE_RETURN_IF_ERROR(Require(&by, Action::kAdminister));
  return AddGroupCli(slug, name, lang);
}

core::Status AuthService::UpdateGroup(const Principal& by, int64_t id, const std::string& name, const std::string& lang,
                                      bool active) {
  ENTRAIDE_RETURN_IF_ERROR(Require(&by, Action::kAdminister));
  ENTRAIDE_RETURN_IF_ERROR(CheckName(name));
  ENTRAIDE_RETURN_IF_ERROR(CheckLang(lang));
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::AccountRepository repo(**db);
  auto g = repo.FindGroupById(id);
  if (!g.ok()) return g.status();
  if (!*g) return core::NotFound("no such group");
  return repo.UpdateGroup({id, (*g)->slug, std::string(core::Trim(name)), lang, active});
}

core::Status AuthService::UpdatePerson(const Principal& by, int64_t id, const std::string& role, bool active) {
  ENTRAIDE_RETURN_IF_ERROR(Require(&by, Action::kAdminister));
  if (!kRoles.count(role)) return BadRole();
  if (id == by.user_id && (!active || role != "coordinator"))
    return core::InvalidField("role", "you cannot remove your own coordinator access").WithKey("error_own_access");
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::AccountRepository repo(**db);
  return store::InTransaction(**db, [&]() -> core::Status {
    auto u = repo.FindUserById(id);
    if (!u.ok()) return u.status();
    if (!*u) return core::NotFound("no such person");
    // An erased person stays erased: no groups, no access (their history keeps only their id).
    if ((*u)->erased_at) return core::InvalidField("person", "this person was erased and cannot be changed");
    ENTRAIDE_RETURN_IF_ERROR(repo.SetRole(id, role));
    ENTRAIDE_RETURN_IF_ERROR(repo.SetActive(id, active));
    if (!active) ENTRAIDE_RETURN_IF_ERROR(repo.DeleteSessionsOf(id));  // their sessions end now
    return core::Status::Ok();
  });
}

core::StatusOr<std::vector<TicketCategory>> AuthService::TicketCategories(bool include_inactive) {
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  return store::AccountRepository(**db).TicketCategories(include_inactive);
}

core::Status AuthService::SaveTicketCategory(const Principal& by, const TicketCategory& c) {
  ENTRAIDE_RETURN_IF_ERROR(Require(&by, Action::kAdminister));
  if (!core::IsSlug(c.slug)) return core::InvalidField("slug", "lower-case letters, digits and single dashes");
  ENTRAIDE_RETURN_IF_ERROR(CheckName(c.name_en));
  ENTRAIDE_RETURN_IF_ERROR(CheckName(c.name_fr));
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  return store::AccountRepository(**db).UpsertTicketCategory(c);
}

core::StatusOr<int64_t> AuthService::AddUserCli(const std::string& email, const std::string& name,
                                                const std::string& role, const std::vector<std::string>& group_slugs,
                                                const std::string& lang, const std::optional<std::string>& password) {
  std::optional<std::string> hash;
  if (password) {
    // Checked and hashed before the write transaction (CreatePerson checks the rest again).
    auto normalized = NormalizeEmail(email);
    if (!normalized.ok()) return normalized.status();
    ENTRAIDE_RETURN_IF_ERROR(CheckName(name));
    model::User u;
    u.email = *normalized;
    auto made = NewPasswordHash(u, std::string(core::Trim(name)), *password);
    if (!made.ok()) return made.status();
    if (!*made) return PasswordTooShort();
    hash = std::move(made).value();
  }
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::AccountRepository repo(**db);
  core::StatusOr<int64_t> id = core::Internal("unset");
  ENTRAIDE_RETURN_IF_ERROR(store::InTransaction(**db, [&]() -> core::Status {
    std::vector<int64_t> ids;
    for (const auto& slug : group_slugs) {
      auto g = repo.FindGroupBySlug(slug);
      if (!g.ok()) return g.status();
      if (!*g) return core::InvalidField("group", "no group with slug '" + slug + "'");
      ids.push_back((*g)->id);
    }
    id = CreatePerson(repo, email, name, role, ids, lang, hash, !password.has_value());
    return id.ok() ? core::Status::Ok() : id.status();
  }));
  return id;
}

core::StatusOr<std::string> AuthService::IssueLinkCli(const std::string& email) {
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
    link = *invited ? NewLink(repo, **user, (*user)->lang, "/invitation/", options_.invitation_s, "invite")
                    : NewLink(repo, **user, (*user)->lang, "/signin/link/", options_.signin_link_s, "signin");
    return link.ok() ? core::Status::Ok() : link.status();
  }));
  return link;
}

}  // namespace entraide::auth
