#include "auth/directory.h"

#include <algorithm>

#include "auth/checks.h"
#include "auth/policy.h"
#include "core/strings.h"
#include "store/account_repo.h"
#include "store/pool.h"
#include "store/reply_token_repo.h"

namespace entraide::auth {

namespace {

core::Status BadSearch(const std::string& what) { return core::InvalidField("q", what).WithKey("error_admin_search"); }

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

// A connection for a coordinator `by`: kPermissionDenied for anyone else, before any connection is taken.
core::StatusOr<store::Pool::Lease> ForCoordinator(store::Pool& pool, const Principal& by) {
  ENTRAIDE_RETURN_IF_ERROR(Require(&by, Action::kAdminister));
  return pool.Acquire();
}

// The person `id` for a change: kNotFound when there is none.
core::StatusOr<model::User> PersonToChange(store::AccountRepository& repo, int64_t id) {
  auto u = repo.FindUserById(id);
  if (!u.ok()) return u.status();
  if (!*u) return core::NotFound("no such person");
  return std::move(**u);
}

// Brings `page` within 1..pages for `total` rows; returns the offset of its first row.
int64_t Paginate(int64_t total, int& page, int& pages) {
  pages = static_cast<int>(std::max<int64_t>(1, (total + kAdminPageSize - 1) / kAdminPageSize));
  page = std::clamp(page, 1, pages);
  return int64_t{page - 1} * kAdminPageSize;
}

// A page of a list (PeoplePage, GroupsPage) of `total` matching rows: sets its total, page and pages; returns the
// offset of the page's first row.
template <typename List>
core::StatusOr<int64_t> PageOf(const core::StatusOr<int64_t>& total, int page, List& out) {
  if (!total.ok()) return total.status();
  out.total = *total;
  out.page = page;
  return Paginate(out.total, out.page, out.pages);
}

}  // namespace

Directory::Directory(store::Pool& pool, const core::Clock& clock, PasswordHasher& hasher, AuthOptions options)
    : pool_(pool), clock_(clock), hasher_(hasher), options_(std::move(options)), links_(clock, options_) {}

core::StatusOr<int64_t> Directory::CreatePerson(store::AccountRepository& repo, const std::string& email,
                                                const std::string& name, model::Role role,
                                                const std::vector<int64_t>& group_ids, const std::string& lang,
                                                const std::optional<std::string>& password_hash, bool invite) {
  auto normalized = NormalizeEmail(email);
  if (!normalized.ok()) return normalized.status();
  ENTRAIDE_RETURN_IF_ERROR(CheckName(name));
  ENTRAIDE_RETURN_IF_ERROR(CheckLang(lang));
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
  if (invite) ENTRAIDE_RETURN_IF_ERROR(links_.Mail(repo, u, lang, links_.Invitation()));
  return u.id;
}

core::StatusOr<int64_t> Directory::Invite(const Principal& by, const std::string& email, const std::string& name,
                                          model::Role role, const std::vector<int64_t>& group_ids,
                                          const std::string& lang) {
  return Add(by, {email, name, role, group_ids, {}, lang, std::nullopt});
}

core::StatusOr<int64_t> Directory::AddPerson(const Principal& by, const std::string& email, const std::string& name,
                                             model::Role role, const std::vector<std::string>& group_slugs,
                                             const std::string& lang, const std::optional<std::string>& password) {
  return Add(by, {email, name, role, {}, group_slugs, lang, password});
}

core::StatusOr<int64_t> Directory::Add(const Principal& by, const NewPerson& p) {
  ENTRAIDE_RETURN_IF_ERROR(Require(&by, Action::kAdminister));
  std::optional<std::string> hash;
  if (p.password) {
    // Checked and hashed before the write transaction (CreatePerson checks the rest again).
    auto normalized = NormalizeEmail(p.email);
    if (!normalized.ok()) return normalized.status();
    ENTRAIDE_RETURN_IF_ERROR(CheckName(p.name));
    auto made = hasher_.NewPasswordHash(*normalized, std::string(core::Trim(p.name)), *p.password);
    if (!made.ok()) return made.status();
    if (!*made) return PasswordTooShort();
    hash = std::move(made).value();
  }
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::AccountRepository repo(**db);
  core::StatusOr<int64_t> id = core::Internal("unset");
  ENTRAIDE_RETURN_IF_ERROR(store::InTransaction(**db, [&]() -> core::Status {
    std::vector<int64_t> ids = p.group_ids;
    for (const auto& slug : p.group_slugs) {
      auto g = repo.FindGroupBySlug(slug);
      if (!g.ok()) return g.status();
      if (!*g) return core::InvalidField("group", "no group with slug '" + slug + "'");
      ids.push_back((*g)->id);
    }
    id = CreatePerson(repo, p.email, p.name, p.role, ids, p.lang, hash, !p.password.has_value());
    return id.ok() ? core::Status::Ok() : id.status();
  }));
  return id;
}

core::StatusOr<PeoplePage> Directory::FindPeople(const Principal& by, const std::string& q,
                                                 std::optional<model::Role> role, int page) {
  ENTRAIDE_RETURN_IF_ERROR(Require(&by, Action::kAdminister));
  auto words = SearchWords(q);
  if (!words.ok()) return words.status();
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::AccountRepository repo(**db);
  model::PeopleQuery query{std::move(words).value(), role, 0, kAdminPageSize};
  PeoplePage out;
  auto offset = PageOf(repo.CountUsers(query), page, out);
  if (!offset.ok()) return offset.status();
  query.offset = *offset;
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

core::StatusOr<GroupsPage> Directory::FindGroups(const Principal& by, const std::string& q, int page) {
  ENTRAIDE_RETURN_IF_ERROR(Require(&by, Action::kAdminister));
  auto words = SearchWords(q);
  if (!words.ok()) return words.status();
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::AccountRepository repo(**db);
  model::GroupQuery query{std::move(words).value(), 0, 0, kAdminPageSize};
  GroupsPage out;
  auto offset = PageOf(repo.CountGroups(query), page, out);
  if (!offset.ok()) return offset.status();
  query.offset = *offset;
  auto groups = repo.SearchGroups(query);
  if (!groups.ok()) return groups.status();
  out.groups = std::move(groups).value();
  return out;
}

core::StatusOr<GroupsPage> Directory::GroupsToJoin(const Principal& by, int64_t person, const std::string& q,
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

core::StatusOr<std::vector<UserView>> Directory::ListPeople(const Principal& by) {
  auto db = ForCoordinator(pool_, by);
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

core::StatusOr<UserView> Directory::Person(const Principal& by, int64_t id) {
  auto db = ForCoordinator(pool_, by);
  if (!db.ok()) return db.status();
  store::AccountRepository repo(**db);
  auto user = repo.FindUserById(id);
  if (!user.ok()) return user.status();
  if (!*user) return core::NotFound("no such person");
  auto groups = repo.GroupsOf(id);
  if (!groups.ok()) return groups.status();
  return UserView{std::move(**user), std::move(groups).value()};
}

core::StatusOr<GroupMembers> Directory::GroupWithMembers(const Principal& by, int64_t id, int page) {
  auto db = ForCoordinator(pool_, by);
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

core::Status Directory::UpdatePerson(const Principal& by, int64_t id, model::Role role, bool active) {
  ENTRAIDE_RETURN_IF_ERROR(Require(&by, Action::kAdminister));
  if (id == by.user_id && (!active || role != model::Role::kCoordinator))
    return core::InvalidField("role", "you cannot remove your own coordinator access").WithKey("error_own_access");
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::AccountRepository repo(**db);
  return store::InTransaction(**db, [&]() -> core::Status {
    auto u = PersonToChange(repo, id);
    if (!u.ok()) return u.status();
    // An erased person stays erased: no groups, no access (their history keeps only their id).
    if (u->erased_at) return core::InvalidField("person", "this person was erased and cannot be changed");
    ENTRAIDE_RETURN_IF_ERROR(repo.SetRole(id, role));
    ENTRAIDE_RETURN_IF_ERROR(repo.SetActive(id, active));
    if (!active) {
      ENTRAIDE_RETURN_IF_ERROR(repo.DeleteSessionsOf(id));  // their sessions end now
      auto revoked = store::ReplyTokenRepository(**db).RevokeForUser(id, clock_.NowSeconds());  // and their replies
      if (!revoked.ok()) return revoked.status();
    }
    return core::Status::Ok();
  });
}

core::Status Directory::SetEditor(const Principal& by, int64_t id, bool editor) {
  auto db = ForCoordinator(pool_, by);
  if (!db.ok()) return db.status();
  store::AccountRepository repo(**db);
  return store::InTransaction(**db, [&]() -> core::Status {
    auto u = PersonToChange(repo, id);
    if (!u.ok()) return u.status();
    if (u->erased_at) return core::InvalidField("editor", "this person was erased and cannot be changed");
    if (editor && !model::IsVolunteerOrMore(u->role))
      return core::InvalidField("editor", "only volunteers can be named editors").WithKey("error_editor_volunteers");
    return repo.SetEditor(id, editor);
  });
}

core::Status Directory::SetMembership(const Principal& by, int64_t person, int64_t group, bool member) {
  auto db = ForCoordinator(pool_, by);
  if (!db.ok()) return db.status();
  store::AccountRepository repo(**db);
  return store::InTransaction(**db, [&]() -> core::Status {
    auto u = PersonToChange(repo, person);
    if (!u.ok()) return u.status();
    // An erased person stays erased: no groups, no access (their history keeps only their id).
    if (member && u->erased_at) return core::InvalidField("person", "this person was erased and cannot be changed");
    auto g = repo.FindGroupById(group);
    if (!g.ok()) return g.status();
    if (!*g) return core::InvalidField("group", "no group " + std::to_string(group));
    return member ? repo.AddMembership(person, group) : repo.RemoveMembership(person, group);
  });
}

core::StatusOr<std::vector<Group>> Directory::ListGroups() {
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  return store::AccountRepository(**db).ListGroups();
}

core::StatusOr<int64_t> Directory::CreateGroup(const Principal& by, const std::string& slug, const std::string& name,
                                               const std::string& lang) {
  ENTRAIDE_RETURN_IF_ERROR(Require(&by, Action::kAdminister));
  ENTRAIDE_RETURN_IF_ERROR(CheckSlug(slug));
  ENTRAIDE_RETURN_IF_ERROR(CheckName(name));
  ENTRAIDE_RETURN_IF_ERROR(CheckLang(lang));
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  auto id = store::AccountRepository(**db).CreateGroup({0, slug, std::string(core::Trim(name)), lang, true});
  if (!id.ok() && id.status().code() == core::StatusCode::kAlreadyExists)
    return core::AlreadyExists("slug: a group named '" + slug + "' exists already").For("slug");
  return id;
}

core::Status Directory::UpdateGroup(const Principal& by, int64_t id, const std::string& name, const std::string& lang,
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

core::Status Directory::UpdateProfile(const Principal& who, const std::string& name, const std::string& lang) {
  ENTRAIDE_RETURN_IF_ERROR(CheckName(name));
  ENTRAIDE_RETURN_IF_ERROR(CheckLang(lang));
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  return store::AccountRepository(**db).UpdateProfile(who.user_id, std::string(core::Trim(name)), lang);
}

}  // namespace entraide::auth
