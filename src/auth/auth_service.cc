#include "auth/auth_service.h"

#include <set>

#include "auth/policy.h"
#include "auth/token.h"
#include "core/json_writer.h"
#include "core/strings.h"
#include "i18n/catalog.h"

namespace entraide::auth {

namespace {
const std::set<std::string> kRoles = {"member", "volunteer", "coordinator"};

core::Status CheckName(const std::string& name) {
  if (core::Trim(name).empty()) return core::InvalidArgument("name: required");
  if (name.size() > 120) return core::InvalidArgument("name: at most 120 characters");
  if (!core::IsValidUtf8(name)) return core::InvalidArgument("name: not valid UTF-8");
  for (char c : name)
    if (static_cast<unsigned char>(c) < 0x20) return core::InvalidArgument("name: control characters are not allowed");
  return core::Status::Ok();
}

core::Status CheckLang(const std::string& lang) {
  return i18n::IsSupportedLang(lang) ? core::Status::Ok() : core::InvalidArgument("lang: must be en or fr");
}

core::Status Failed() { return core::Unauthenticated("the email or the password is not right"); }
core::Status BadLink() { return core::Unauthenticated("this link is not valid any more; ask for a new one"); }

template <typename Fn>
core::Status InTransaction(store::Database& db, Fn fn) {
  auto tx = store::Transaction::Begin(db);
  if (!tx.ok()) return tx.status();
  ENTRAIDE_RETURN_IF_ERROR(fn());
  return (*tx)->Commit();
}
}  // namespace

core::StatusOr<std::string> NormalizeEmail(const std::string& email) {
  std::string e = core::ToLowerAscii(core::Trim(email));
  size_t at = e.find('@');
  if (e.empty()) return core::InvalidArgument("email: required");
  if (e.size() > 254 || at == std::string::npos || at == 0 || at != e.rfind('@') || at + 1 >= e.size() ||
      e.find_first_of(" \t\r\n<>\",;") != std::string::npos || e.find('.', at) == std::string::npos)
    return core::InvalidArgument("email: not a valid address");
  return e;
}

AuthService::AuthService(store::Pool& pool, const core::Clock& clock, AuthOptions options)
    : pool_(pool), clock_(clock), options_(std::move(options)), limiter_(clock, options_.rate_limit, options_.rate_window_s) {
  auto h = HashPassword(NewToken(), options_.hash_cost);
  if (h.ok()) dummy_hash_ = *h;
}

core::StatusOr<Principal> AuthService::LoadPrincipal(store::AccountRepository& repo, const store::UserRecord& user) {
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

core::StatusOr<SessionGrant> AuthService::StartSession(store::AccountRepository& repo, const store::UserRecord& user) {
  SessionGrant grant;
  grant.cookie = NewToken();
  grant.csrf = NewToken();
  int64_t now = clock_.NowSeconds();
  ENTRAIDE_RETURN_IF_ERROR(repo.CreateSession({HashToken(grant.cookie), user.id, grant.csrf, now, now}));
  auto p = LoadPrincipal(repo, user);
  if (!p.ok()) return p.status();
  grant.principal = std::move(p).value();
  return grant;
}

core::StatusOr<SessionGrant> AuthService::SignIn(const std::string& email, const std::string& password,
                                                 const std::string& ip, const std::string& old_cookie,
                                                 int64_t* retry_after_s) {
  auto normalized = NormalizeEmail(email);
  std::string key = normalized.ok() ? *normalized : email;
  int64_t wait = std::max(limiter_.Hit("signin:account:" + key), limiter_.Hit("signin:ip:" + ip));
  if (wait > 0) {
    if (retry_after_s) *retry_after_s = wait;
    return core::ResourceExhausted("too many sign-in attempts; try again in " + std::to_string(wait) + " seconds");
  }
  if (!normalized.ok()) return Failed();
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::AccountRepository repo(**db);
  auto user = repo.FindUserByEmail(*normalized);
  if (!user.ok()) return user.status();
  bool ok = false;
  if (*user && (*user)->password_hash) ok = VerifyPassword(*(*user)->password_hash, password);
  else VerifyPassword(dummy_hash_, password);  // same work whether or not the account exists
  if (!ok || !(*user)->active) return Failed();
  // Rotation: the session id changes at every sign-in; a previous one from this browser ends.
  if (!old_cookie.empty()) (void)repo.DeleteSession(HashToken(old_cookie));
  return StartSession(repo, **user);
}

core::StatusOr<Authenticated> AuthService::Authenticate(const std::string& cookie) {
  if (cookie.empty() || cookie.size() > 100) return core::Unauthenticated("not signed in");
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::AccountRepository repo(**db);
  std::string id_hash = HashToken(cookie);
  auto session = repo.FindSession(id_hash);
  if (!session.ok()) return session.status();
  if (!*session) return core::Unauthenticated("not signed in");
  int64_t now = clock_.NowSeconds();
  if (now - (*session)->last_seen_at > options_.session_idle_s) {
    (void)repo.DeleteSession(id_hash);
    return core::Unauthenticated("the session expired; sign in again");
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
  return store::AccountRepository(**db).DeleteSession(HashToken(cookie));
}

core::Status AuthService::QueueLinkMail(store::AccountRepository& repo, const store::UserRecord& user,
                                        const std::string& kind, const std::string& lang, const std::string& path,
                                        int64_t ttl_s, const std::string& token_kind) {
  std::string token = NewToken();
  int64_t now = clock_.NowSeconds();
  store::TokenRecord t;
  t.kind = token_kind;
  t.token_hash = HashToken(token);
  t.user_id = user.id;
  t.expires_at = now + ttl_s;
  t.created_at = now;
  ENTRAIDE_RETURN_IF_ERROR(repo.CreateToken(t));
  std::string link = options_.base_url + "/" + lang + path + token;
  core::JsonWriter data;
  data.BeginObject().Field("link", link).Field("name", user.name).Field("expires_minutes", ttl_s / 60).EndObject();
  auto id = repo.EnqueueMail(store::OutboxMessage::To(kind, user.id, user.email, user.name, lang, data.Take(), now));
  return id.ok() ? core::Status::Ok() : id.status();
}

core::Status AuthService::RequestLinkMail(const std::string& email, const std::string& lang, const std::string& ip,
                                         int64_t* retry_after_s, const LinkMail& mail) {
  auto normalized = NormalizeEmail(email);
  if (!normalized.ok()) return normalized.status();
  int64_t wait = std::max(limiter_.Hit("link:account:" + *normalized), limiter_.Hit("link:ip:" + ip));
  if (wait > 0) {
    if (retry_after_s) *retry_after_s = wait;
    return core::ResourceExhausted("too many requests; try again in " + std::to_string(wait) + " seconds");
  }
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::AccountRepository repo(**db);
  return InTransaction(**db, [&]() -> core::Status {
    auto user = repo.FindUserByEmail(*normalized);
    if (!user.ok()) return user.status();
    if (!*user || !(*user)->active) return core::Status::Ok();  // say nothing
    std::string l = i18n::IsSupportedLang(lang) ? lang : (*user)->lang;
    return QueueLinkMail(repo, **user, mail.kind, l, mail.path, mail.ttl_s, mail.token_kind);
  });
}

core::Status AuthService::RequestSignInLink(const std::string& email, const std::string& lang, const std::string& ip,
                                            int64_t* retry_after_s) {
  return RequestLinkMail(email, lang, ip, retry_after_s,
                         {"signin_link", "/signin/link/", options_.signin_link_s, "signin"});
}

core::StatusOr<store::TokenRecord> AuthService::ValidToken(store::AccountRepository& repo, const std::string& token,
                                                           const std::string& kind) {
  if (token.empty() || token.size() > 100) return BadLink();
  auto t = repo.FindToken(HashToken(token));
  if (!t.ok()) return t.status();
  if (!*t || (*t)->kind != kind || (*t)->used_at || (*t)->expires_at < clock_.NowSeconds()) return BadLink();
  return **t;
}

core::StatusOr<SessionGrant> AuthService::ConsumeSignInLink(const std::string& token) {
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::AccountRepository repo(**db);
  core::StatusOr<SessionGrant> grant = core::Internal("unset");
  core::Status st = InTransaction(**db, [&]() -> core::Status {
    auto t = ValidToken(repo, token, "signin");
    if (!t.ok()) return t.status();
    auto used = repo.UseToken(t->id, clock_.NowSeconds());
    if (!used.ok()) return used.status();
    if (!*used) return BadLink();
    auto user = repo.FindUserById(t->user_id);
    if (!user.ok()) return user.status();
    if (!*user || !(*user)->active) return BadLink();
    grant = StartSession(repo, **user);
    return grant.ok() ? core::Status::Ok() : grant.status();
  });
  if (!st.ok()) return st;
  return grant;
}

core::Status AuthService::RequestPasswordReset(const std::string& email, const std::string& lang,
                                               const std::string& ip, int64_t* retry_after_s) {
  return RequestLinkMail(email, lang, ip, retry_after_s,
                         {"password_reset", "/password/reset/", options_.reset_link_s, "reset"});
}

core::Status AuthService::CheckResetToken(const std::string& token) {
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::AccountRepository repo(**db);
  auto t = ValidToken(repo, token, "reset");
  return t.ok() ? core::Status::Ok() : t.status();
}

core::StatusOr<SessionGrant> AuthService::ResetPassword(const std::string& token, const std::string& new_password) {
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::AccountRepository repo(**db);
  core::StatusOr<SessionGrant> grant = core::Internal("unset");
  core::Status st = InTransaction(**db, [&]() -> core::Status {
    auto t = ValidToken(repo, token, "reset");
    if (!t.ok()) return t.status();
    auto user = repo.FindUserById(t->user_id);
    if (!user.ok()) return user.status();
    if (!*user || !(*user)->active) return BadLink();
    ENTRAIDE_RETURN_IF_ERROR(CheckPasswordQuality(new_password, (*user)->email, (*user)->name));
    auto used = repo.UseToken(t->id, clock_.NowSeconds());
    if (!used.ok()) return used.status();
    if (!*used) return BadLink();
    auto hash = HashPassword(new_password, options_.hash_cost);
    if (!hash.ok()) return hash.status();
    ENTRAIDE_RETURN_IF_ERROR(repo.SetPasswordHash((*user)->id, *hash));
    ENTRAIDE_RETURN_IF_ERROR(repo.DeleteSessionsOf((*user)->id));  // whoever had the old password is out
    grant = StartSession(repo, **user);
    return grant.ok() ? core::Status::Ok() : grant.status();
  });
  if (!st.ok()) return st;
  return grant;
}

core::StatusOr<int64_t> AuthService::CreatePerson(store::AccountRepository& repo, const std::string& email,
                                                  const std::string& name, const std::string& role,
                                                  const std::vector<int64_t>& group_ids, const std::string& lang,
                                                  const std::optional<std::string>& password, bool invite) {
  auto normalized = NormalizeEmail(email);
  if (!normalized.ok()) return normalized.status();
  ENTRAIDE_RETURN_IF_ERROR(CheckName(name));
  ENTRAIDE_RETURN_IF_ERROR(CheckLang(lang));
  if (!kRoles.count(role)) return core::InvalidArgument("role: must be member, volunteer or coordinator");
  for (int64_t g : group_ids) {
    auto group = repo.FindGroupById(g);
    if (!group.ok()) return group.status();
    if (!*group) return core::InvalidArgument("groups: no group " + std::to_string(g));
  }
  store::UserRecord u;
  u.email = *normalized;
  u.name = std::string(core::Trim(name));
  u.role = role;
  u.lang = lang;
  if (password) {
    ENTRAIDE_RETURN_IF_ERROR(CheckPasswordQuality(*password, u.email, u.name));
    auto hash = HashPassword(*password, options_.hash_cost);
    if (!hash.ok()) return hash.status();
    u.password_hash = *hash;
  }
  auto id = repo.CreateUser(u);
  if (!id.ok()) {
    if (id.status().code() == core::StatusCode::kAlreadyExists)
      return core::AlreadyExists("email: " + u.email + " already has an account");
    return id.status();
  }
  u.id = *id;
  ENTRAIDE_RETURN_IF_ERROR(repo.SetMemberships(u.id, group_ids));
  if (invite) ENTRAIDE_RETURN_IF_ERROR(QueueLinkMail(repo, u, "invitation", lang, "/invitation/", options_.invitation_s, "invite"));
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
  ENTRAIDE_RETURN_IF_ERROR(InTransaction(**db, [&]() -> core::Status {
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
  core::StatusOr<SessionGrant> grant = core::Internal("unset");
  core::Status st = InTransaction(**db, [&]() -> core::Status {
    auto t = ValidToken(repo, token, "invite");
    if (!t.ok()) return t.status();
    auto user = repo.FindUserById(t->user_id);
    if (!user.ok()) return user.status();
    if (!*user || !(*user)->active) return BadLink();
    ENTRAIDE_RETURN_IF_ERROR(CheckName(name));
    if (!password.empty()) {
      ENTRAIDE_RETURN_IF_ERROR(CheckPasswordQuality(password, (*user)->email, name));
      auto hash = HashPassword(password, options_.hash_cost);
      if (!hash.ok()) return hash.status();
      ENTRAIDE_RETURN_IF_ERROR(repo.SetPasswordHash((*user)->id, *hash));
    }
    auto used = repo.UseToken(t->id, clock_.NowSeconds());
    if (!used.ok()) return used.status();
    if (!*used) return BadLink();
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

core::Status AuthService::ChangePassword(const Principal& who, const std::string& current, const std::string& next) {
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::AccountRepository repo(**db);
  auto user = repo.FindUserById(who.user_id);
  if (!user.ok()) return user.status();
  if (!*user) return core::Unauthenticated("not signed in");
  // People who only used sign-in links have no password yet: they may set one.
  if ((*user)->password_hash && !VerifyPassword(*(*user)->password_hash, current))
    return core::InvalidArgument("current_password: not right");
  ENTRAIDE_RETURN_IF_ERROR(CheckPasswordQuality(next, (*user)->email, (*user)->name));
  auto hash = HashPassword(next, options_.hash_cost);
  if (!hash.ok()) return hash.status();
  return repo.SetPasswordHash(who.user_id, *hash);
}

core::StatusOr<std::vector<UserView>> AuthService::ListPeople(const Principal& by) {
  ENTRAIDE_RETURN_IF_ERROR(Require(&by, Action::kAdminister));
  return ListPeopleCli();
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
  if (!core::IsSlug(slug)) return core::InvalidArgument("slug: lower-case letters, digits and single dashes");
  ENTRAIDE_RETURN_IF_ERROR(CheckName(name));
  ENTRAIDE_RETURN_IF_ERROR(CheckLang(lang));
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  auto id = store::AccountRepository(**db).CreateGroup({0, slug, std::string(core::Trim(name)), lang, true});
  if (!id.ok() && id.status().code() == core::StatusCode::kAlreadyExists)
    return core::AlreadyExists("slug: a group named '" + slug + "' exists already");
  return id;
}

core::StatusOr<int64_t> AuthService::CreateGroup(const Principal& by, const std::string& slug, const std::string& name,
                                                 const std::string& lang) {
  ENTRAIDE_RETURN_IF_ERROR(Require(&by, Action::kAdminister));
  return AddGroupCli(slug, name, lang);
}

core::Status AuthService::UpdateGroup(const Principal& by, int64_t id, const std::string& name,
                                      const std::string& lang, bool active) {
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

core::Status AuthService::UpdatePerson(const Principal& by, int64_t id, const std::string& role,
                                       const std::vector<int64_t>& group_ids, bool active) {
  ENTRAIDE_RETURN_IF_ERROR(Require(&by, Action::kAdminister));
  if (!kRoles.count(role)) return core::InvalidArgument("role: must be member, volunteer or coordinator");
  if (id == by.user_id && (!active || role != "coordinator"))
    return core::InvalidArgument("role: you cannot remove your own coordinator access");
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::AccountRepository repo(**db);
  return InTransaction(**db, [&]() -> core::Status {
    auto u = repo.FindUserById(id);
    if (!u.ok()) return u.status();
    if (!*u) return core::NotFound("no such person");
    for (int64_t g : group_ids) {
      auto group = repo.FindGroupById(g);
      if (!group.ok()) return group.status();
      if (!*group) return core::InvalidArgument("groups: no group " + std::to_string(g));
    }
    ENTRAIDE_RETURN_IF_ERROR(repo.SetRole(id, role));
    ENTRAIDE_RETURN_IF_ERROR(repo.SetMemberships(id, group_ids));
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
  if (!core::IsSlug(c.slug)) return core::InvalidArgument("slug: lower-case letters, digits and single dashes");
  ENTRAIDE_RETURN_IF_ERROR(CheckName(c.name_en));
  ENTRAIDE_RETURN_IF_ERROR(CheckName(c.name_fr));
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  return store::AccountRepository(**db).UpsertTicketCategory(c);
}

core::StatusOr<int64_t> AuthService::AddUserCli(const std::string& email, const std::string& name,
                                                const std::string& role, const std::vector<std::string>& group_slugs,
                                                const std::string& lang, const std::optional<std::string>& password) {
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::AccountRepository repo(**db);
  core::StatusOr<int64_t> id = core::Internal("unset");
  ENTRAIDE_RETURN_IF_ERROR(InTransaction(**db, [&]() -> core::Status {
    std::vector<int64_t> ids;
    for (const auto& slug : group_slugs) {
      auto g = repo.FindGroupBySlug(slug);
      if (!g.ok()) return g.status();
      if (!*g) return core::InvalidArgument("group: no group with slug '" + slug + "'");
      ids.push_back((*g)->id);
    }
    id = CreatePerson(repo, email, name, role, ids, lang, password, !password.has_value());
    return id.ok() ? core::Status::Ok() : id.status();
  }));
  return id;
}

core::StatusOr<std::string> AuthService::LatestLink(const std::string& email) {
  auto normalized = NormalizeEmail(email);
  if (!normalized.ok()) return normalized.status();
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::AccountRepository repo(**db);
  std::optional<store::OutboxMessage> newest;
  for (const char* kind : {"invitation", "signin_link", "password_reset"}) {
    auto m = repo.LatestMail(*normalized, kind);
    if (!m.ok()) return m.status();
    if (*m && (!newest || (*m)->id > newest->id)) newest = **m;
  }
  if (!newest) return std::string();
  // data_json is written by JsonWriter: "link":"<url>" (URLs hold no quote or backslash).
  const std::string key = "\"link\":\"";
  size_t at = newest->data_json.find(key);
  if (at == std::string::npos) return std::string();
  size_t start = at + key.size();
  return newest->data_json.substr(start, newest->data_json.find('"', start) - start);
}

}  // namespace entraide::auth
