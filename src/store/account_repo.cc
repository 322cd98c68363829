#include "store/account_repo.h"

#include <functional>

#include "store/rows.h"

namespace entraide::store {
namespace {

constexpr const char* kUserCols = "id, email, name, role, lang, password_hash, active, created_at, erased_at, editor";

model::User ReadUser(Statement& q) {
  model::User u;
  u.id = q.ColumnInt(0);
  u.email = q.ColumnText(1);
  u.name = q.ColumnText(2);
  auto role = model::ParseRole(q.ColumnText(3));
  u.role = role.ok() ? *role : model::Role::kMember;  // CHECKed by 0003
  u.lang = q.ColumnText(4);
  if (!q.ColumnIsNull(5)) u.password_hash = q.ColumnText(5);
  u.active = q.ColumnInt(6) != 0;
  u.created_at = q.ColumnText(7);
  if (!q.ColumnIsNull(8)) u.erased_at = q.ColumnInt(8);
  u.editor = q.ColumnInt(9) != 0;
  return u;
}

// "(?, ?, ?)" for n values.
std::string Placeholders(size_t n) {
  std::string out = "(";
  for (size_t i = 0; i < n; ++i) out += i ? ", ?" : "?";
  return out + ")";
}

model::Group ReadGroup(Statement& q) {
  model::Group g;
  g.id = q.ColumnInt(0);
  g.slug = q.ColumnText(1);
  g.name = q.ColumnText(2);
  g.lang = q.ColumnText(3);
  g.active = q.ColumnInt(4) != 0;
  return g;
}

// " AND instr(<expr>, ?N) > 0" for each word, numbered from `first`.
std::string WordFilter(const std::string& expr, size_t words, int first) {
  std::string out;
  for (size_t i = 0; i < words; ++i)
    out += " AND instr(" + expr + ", ?" + std::to_string(first + static_cast<int>(i)) + ") > 0";
  return out;
}

void BindWords(Statement& st, const std::vector<std::string>& words, int first) {
  for (size_t i = 0; i < words.size(); ++i) st.Bind(first + static_cast<int>(i), words[i]);
}

// The role a search asks for, or '' for any.
std::string_view RoleWord(const model::PeopleQuery& q) { return q.role ? model::ToString(*q.role) : ""; }

// People matching q: ?1 the role (or ''), then the words from ?2.
std::string PeopleWhere(const model::PeopleQuery& q) {
  return " FROM users WHERE (?1 = '' OR role = ?1)" +
         WordFilter("entraide_fold(name || ' ' || email)", q.words.size(), 2);
}

// Groups matching q: ?1 the person whose groups are left out (or 0), then the words from ?2.
std::string GroupsWhere(const model::GroupQuery& q) {
  return " FROM groups g WHERE (?1 = 0 OR g.id NOT IN (SELECT group_id FROM memberships WHERE user_id = ?1))" +
         WordFilter("entraide_fold(g.name || ' ' || g.slug)", q.words.size(), 2);
}

StatusOr<int64_t> CountOf(Database& db, const std::string& sql, const std::function<void(Statement&)>& bind) {
  auto st = db.Prepare(sql);
  if (!st.ok()) return st.status();
  bind(**st);
  auto n = OneRow<int64_t>(*st, [](Statement& r) { return r.ColumnInt(0); });
  if (!n.ok()) return n.status();
  return n->value_or(0);
}

}  // namespace

StatusOr<int64_t> AccountRepository::CreateUser(const model::User& u) {
  auto st = db_.Prepare("INSERT INTO users (email, name, role, lang, password_hash, active) VALUES (?, ?, ?, ?, ?, ?)");
  if (!st.ok()) return st.status();
  ENTRAIDE_RETURN_IF_ERROR((*st)
                               ->Bind(1, u.email)
                               .Bind(2, u.name)
                               .Bind(3, model::ToString(u.role))
                               .Bind(4, u.lang)
                               .Bind(5, u.password_hash)
                               .Bind(6, u.active)
                               .Run());
  return db_.LastInsertRowId();
}

StatusOr<std::optional<model::User>> AccountRepository::FindUserByEmail(const std::string& email) {
  auto st = db_.Prepare(std::string("SELECT ") + kUserCols + " FROM users WHERE email = ?");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, email);
  return OneRow<model::User>(*st, ReadUser);
}

StatusOr<std::optional<model::User>> AccountRepository::FindUserById(int64_t id) {
  auto st = db_.Prepare(std::string("SELECT ") + kUserCols + " FROM users WHERE id = ?");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, id);
  return OneRow<model::User>(*st, ReadUser);
}

StatusOr<std::vector<model::User>> AccountRepository::ListUsers() {
  auto st = db_.Prepare(std::string("SELECT ") + kUserCols + " FROM users ORDER BY active DESC, name COLLATE NOCASE");
  if (!st.ok()) return st.status();
  return AllRows<model::User>(*st, ReadUser);
}

StatusOr<std::vector<model::User>> AccountRepository::ListActiveVolunteers() {
  auto st =
      db_.Prepare(std::string("SELECT ") + kUserCols +
                  " FROM users WHERE active = 1 AND role IN ('volunteer', 'coordinator') ORDER BY name COLLATE NOCASE");
  if (!st.ok()) return st.status();
  return AllRows<model::User>(*st, ReadUser);
}

StatusOr<std::vector<model::User>> AccountRepository::ListNewTicketAlertRecipients(bool urgent) {
  auto st = db_.Prepare(std::string("SELECT ") + kUserCols +
                        " FROM users WHERE active = 1 AND role IN ('volunteer', 'coordinator') AND id IN "
                        "(SELECT user_id FROM mail_settings WHERE new_ticket_alerts = 'all' OR "
                        " (new_ticket_alerts = 'urgent' AND ?1)) ORDER BY id");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, urgent);
  return AllRows<model::User>(*st, ReadUser);
}

Status AccountRepository::UpdateProfile(int64_t id, const std::string& name, const std::string& lang) {
  auto st = db_.Prepare("UPDATE users SET name = ?, lang = ? WHERE id = ?");
  if (!st.ok()) return st.status();
  return (*st)->Bind(1, name).Bind(2, lang).Bind(3, id).Run();
}

Status AccountRepository::SetRole(int64_t id, model::Role role) {
  auto st = db_.Prepare("UPDATE users SET role = ? WHERE id = ?");
  if (!st.ok()) return st.status();
  return (*st)->Bind(1, model::ToString(role)).Bind(2, id).Run();
}

Status AccountRepository::SetEditor(int64_t id, bool editor) {
  auto st = db_.Prepare("UPDATE users SET editor = ? WHERE id = ?");
  if (!st.ok()) return st.status();
  return (*st)->Bind(1, editor).Bind(2, id).Run();
}

Status AccountRepository::SetActive(int64_t id, bool active) {
  auto st = db_.Prepare("UPDATE users SET active = ? WHERE id = ?");
  if (!st.ok()) return st.status();
  return (*st)->Bind(1, active).Bind(2, id).Run();
}

Status AccountRepository::SetPasswordHash(int64_t id, const std::string& hash) {
  auto st = db_.Prepare("UPDATE users SET password_hash = ? WHERE id = ?");
  if (!st.ok()) return st.status();
  return (*st)->Bind(1, hash).Bind(2, id).Run();
}

StatusOr<int64_t> AccountRepository::CreateGroup(const model::Group& g) {
  auto st = db_.Prepare("INSERT INTO groups (slug, name, lang, active) VALUES (?, ?, ?, ?)");
  if (!st.ok()) return st.status();
  ENTRAIDE_RETURN_IF_ERROR((*st)->Bind(1, g.slug).Bind(2, g.name).Bind(3, g.lang).Bind(4, g.active).Run());
  return db_.LastInsertRowId();
}

StatusOr<std::optional<model::Group>> AccountRepository::FindGroupBySlug(const std::string& slug) {
  auto st = db_.Prepare("SELECT id, slug, name, lang, active FROM groups WHERE slug = ?");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, slug);
  return OneRow<model::Group>(*st, ReadGroup);
}

StatusOr<std::optional<model::Group>> AccountRepository::FindGroupById(int64_t id) {
  auto st = db_.Prepare("SELECT id, slug, name, lang, active FROM groups WHERE id = ?");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, id);
  return OneRow<model::Group>(*st, ReadGroup);
}

StatusOr<std::vector<model::Group>> AccountRepository::ListGroups() {
  auto st = db_.Prepare("SELECT id, slug, name, lang, active FROM groups ORDER BY active DESC, name COLLATE NOCASE");
  if (!st.ok()) return st.status();
  return AllRows<model::Group>(*st, ReadGroup);
}

Status AccountRepository::UpdateGroup(const model::Group& g) {
  auto st = db_.Prepare("UPDATE groups SET name = ?, lang = ?, active = ? WHERE id = ?");
  if (!st.ok()) return st.status();
  return (*st)->Bind(1, g.name).Bind(2, g.lang).Bind(3, g.active).Bind(4, g.id).Run();
}

Status AccountRepository::SetMemberships(int64_t user_id, const std::vector<int64_t>& group_ids) {
  auto del = db_.Prepare("DELETE FROM memberships WHERE user_id = ?");
  if (!del.ok()) return del.status();
  ENTRAIDE_RETURN_IF_ERROR((*del)->Bind(1, user_id).Run());
  auto ins = db_.Prepare("INSERT OR IGNORE INTO memberships (user_id, group_id) VALUES (?, ?)");
  if (!ins.ok()) return ins.status();
  for (int64_t g : group_ids) ENTRAIDE_RETURN_IF_ERROR((*ins)->Bind(1, user_id).Bind(2, g).Run());
  return Status::Ok();
}

StatusOr<std::vector<model::Group>> AccountRepository::GroupsOf(int64_t user_id) {
  auto st = db_.Prepare(
      "SELECT g.id, g.slug, g.name, g.lang, g.active FROM groups g JOIN memberships m ON m.group_id = g.id "
      "WHERE m.user_id = ? ORDER BY g.name COLLATE NOCASE");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, user_id);
  return AllRows<model::Group>(*st, ReadGroup);
}

StatusOr<std::vector<model::User>> AccountRepository::MembersOf(int64_t group_id) {
  auto st = db_.Prepare(
      "SELECT u.id, u.email, u.name, u.role, u.lang, u.password_hash, u.active, u.created_at, u.erased_at FROM users u "
      "JOIN memberships m ON m.user_id = u.id WHERE m.group_id = ? ORDER BY u.name COLLATE NOCASE");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, group_id);
  return AllRows<model::User>(*st, ReadUser);
}

StatusOr<std::vector<model::User>> AccountRepository::SearchUsers(const model::PeopleQuery& q) {
  int n = 2 + static_cast<int>(q.words.size());
  auto st = db_.Prepare(std::string("SELECT ") + kUserCols + PeopleWhere(q) +
                        " ORDER BY active DESC, entraide_fold(name), id LIMIT ?" + std::to_string(n) + " OFFSET ?" +
                        std::to_string(n + 1));
  if (!st.ok()) return st.status();
  (*st)->Bind(1, RoleWord(q)).Bind(n, static_cast<int64_t>(q.limit)).Bind(n + 1, q.offset);
  BindWords(**st, q.words, 2);
  return AllRows<model::User>(*st, ReadUser);
}

StatusOr<int64_t> AccountRepository::CountUsers(const model::PeopleQuery& q) {
  return CountOf(db_, "SELECT COUNT(*)" + PeopleWhere(q), [&](Statement& st) {
    st.Bind(1, RoleWord(q));
    BindWords(st, q.words, 2);
  });
}

StatusOr<std::vector<std::pair<int64_t, model::Group>>> AccountRepository::GroupsOfUsers(
    const std::vector<int64_t>& user_ids) {
  std::vector<std::pair<int64_t, model::Group>> out;
  if (user_ids.empty()) return out;
  // One statement per page size (50 at most), cached like any other.
  auto st = db_.Prepare(
      "SELECT m.user_id, g.id, g.slug, g.name, g.lang, g.active FROM memberships m JOIN groups g ON g.id = m.group_id "
      "WHERE m.user_id IN " +
      Placeholders(user_ids.size()) + " ORDER BY m.user_id, entraide_fold(g.name)");
  if (!st.ok()) return st.status();
  for (size_t i = 0; i < user_ids.size(); ++i) (*st)->Bind(static_cast<int>(i + 1), user_ids[i]);
  return AllRows<std::pair<int64_t, model::Group>>(*st, [](Statement& r) {
    model::Group g;
    g.id = r.ColumnInt(1);
    g.slug = r.ColumnText(2);
    g.name = r.ColumnText(3);
    g.lang = r.ColumnText(4);
    g.active = r.ColumnInt(5) != 0;
    return std::make_pair(r.ColumnInt(0), std::move(g));
  });
}

StatusOr<std::vector<model::GroupCount>> AccountRepository::SearchGroups(const model::GroupQuery& q) {
  int n = 2 + static_cast<int>(q.words.size());
  // The member counts are read through memberships_group, for the page's rows only.
  auto st = db_.Prepare(
      "SELECT p.id, p.slug, p.name, p.lang, p.active, (SELECT COUNT(*) FROM memberships m WHERE m.group_id = p.id) "
      "FROM (SELECT g.id, g.slug, g.name, g.lang, g.active" +
      GroupsWhere(q) + " ORDER BY g.active DESC, entraide_fold(g.name), g.id LIMIT ?" + std::to_string(n) +
      " OFFSET ?" + std::to_string(n + 1) + ") p ORDER BY p.active DESC, entraide_fold(p.name), p.id");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, q.not_member).Bind(n, static_cast<int64_t>(q.limit)).Bind(n + 1, q.offset);
  BindWords(**st, q.words, 2);
  return AllRows<model::GroupCount>(*st, [](Statement& r) { return model::GroupCount{ReadGroup(r), r.ColumnInt(5)}; });
}

StatusOr<int64_t> AccountRepository::CountGroups(const model::GroupQuery& q) {
  return CountOf(db_, "SELECT COUNT(*)" + GroupsWhere(q), [&](Statement& st) {
    st.Bind(1, q.not_member);
    BindWords(st, q.words, 2);
  });
}

StatusOr<int64_t> AccountRepository::CountMembers(int64_t group_id) {
  return CountOf(db_, "SELECT COUNT(*) FROM memberships WHERE group_id = ?",
                 [&](Statement& st) { st.Bind(1, group_id); });
}

StatusOr<std::vector<model::User>> AccountRepository::MembersPage(int64_t group_id, int64_t offset, int limit) {
  auto st = db_.Prepare(
      "SELECT u.id, u.email, u.name, u.role, u.lang, u.password_hash, u.active, u.created_at FROM users u "
      "JOIN memberships m ON m.user_id = u.id WHERE m.group_id = ? ORDER BY u.active DESC, entraide_fold(u.name), u.id "
      "LIMIT ? OFFSET ?");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, group_id).Bind(2, static_cast<int64_t>(limit)).Bind(3, offset);
  return AllRows<model::User>(*st, ReadUser);
}

Status AccountRepository::AddMembership(int64_t user_id, int64_t group_id) {
  auto st = db_.Prepare("INSERT OR IGNORE INTO memberships (user_id, group_id) VALUES (?, ?)");
  if (!st.ok()) return st.status();
  return (*st)->Bind(1, user_id).Bind(2, group_id).Run();
}

Status AccountRepository::RemoveMembership(int64_t user_id, int64_t group_id) {
  auto st = db_.Prepare("DELETE FROM memberships WHERE user_id = ? AND group_id = ?");
  if (!st.ok()) return st.status();
  return (*st)->Bind(1, user_id).Bind(2, group_id).Run();
}

Status AccountRepository::CreateSession(const SessionRecord& s) {
  auto st = db_.Prepare(
      "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?)");
  if (!st.ok()) return st.status();
  return (*st)
      ->Bind(1, s.id_hash)
      .Bind(2, s.user_id)
      .Bind(3, s.csrf_token)
      .Bind(4, s.created_at)
      .Bind(5, s.last_seen_at)
      .Run();
}

StatusOr<std::optional<SessionRecord>> AccountRepository::FindSession(const std::string& id_hash) {
  auto st =
      db_.Prepare("SELECT id_hash, user_id, csrf_token, created_at, last_seen_at FROM sessions WHERE id_hash = ?");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, id_hash);
  return OneRow<SessionRecord>(*st, [](Statement& q) {
    return SessionRecord{q.ColumnText(0), q.ColumnInt(1), q.ColumnText(2), q.ColumnInt(3), q.ColumnInt(4)};
  });
}

Status AccountRepository::TouchSession(const std::string& id_hash, int64_t now) {
  auto st = db_.Prepare("UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?");
  if (!st.ok()) return st.status();
  return (*st)->Bind(1, now).Bind(2, id_hash).Run();
}

Status AccountRepository::DeleteSession(const std::string& id_hash) {
  auto st = db_.Prepare("DELETE FROM sessions WHERE id_hash = ?");
  if (!st.ok()) return st.status();
  return (*st)->Bind(1, id_hash).Run();
}

Status AccountRepository::DeleteSessionsOf(int64_t user_id) {
  auto st = db_.Prepare("DELETE FROM sessions WHERE user_id = ?");
  if (!st.ok()) return st.status();
  return (*st)->Bind(1, user_id).Run();
}

Status AccountRepository::DeleteOtherSessions(int64_t user_id, const std::string& keep_hash) {
  auto st = db_.Prepare("DELETE FROM sessions WHERE user_id = ? AND id_hash != ?");
  if (!st.ok()) return st.status();
  return (*st)->Bind(1, user_id).Bind(2, keep_hash).Run();
}

Status AccountRepository::CreateToken(const TokenRecord& t) {
  auto st =
      db_.Prepare("INSERT INTO tokens (kind, token_hash, user_id, expires_at, created_at) VALUES (?, ?, ?, ?, ?)");
  if (!st.ok()) return st.status();
  return (*st)
      ->Bind(1, t.kind)
      .Bind(2, t.token_hash)
      .Bind(3, t.user_id)
      .Bind(4, t.expires_at)
      .Bind(5, t.created_at)
      .Run();
}

StatusOr<std::optional<TokenRecord>> AccountRepository::FindToken(const std::string& token_hash) {
  auto st = db_.Prepare(
      "SELECT id, kind, token_hash, user_id, expires_at, created_at, used_at FROM tokens WHERE token_hash = ?");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, token_hash);
  return OneRow<TokenRecord>(*st, [](Statement& q) {
    TokenRecord t;
    t.id = q.ColumnInt(0);
    t.kind = q.ColumnText(1);
    t.token_hash = q.ColumnText(2);
    t.user_id = q.ColumnInt(3);
    t.expires_at = q.ColumnInt(4);
    t.created_at = q.ColumnInt(5);
    if (!q.ColumnIsNull(6)) t.used_at = q.ColumnInt(6);
    return t;
  });
}

StatusOr<bool> AccountRepository::UseToken(int64_t id, int64_t now) {
  auto st = db_.Prepare("UPDATE tokens SET used_at = ? WHERE id = ? AND used_at IS NULL");
  if (!st.ok()) return st.status();
  ENTRAIDE_RETURN_IF_ERROR((*st)->Bind(1, now).Bind(2, id).Run());
  return db_.Changes() == 1;
}

Status AccountRepository::VoidTokens(int64_t user_id, const std::vector<std::string>& kinds, int64_t now) {
  auto st = db_.Prepare("UPDATE tokens SET used_at = ? WHERE user_id = ? AND used_at IS NULL AND kind IN " +
                        Placeholders(kinds.size()));
  if (!st.ok()) return st.status();
  (*st)->Bind(1, now).Bind(2, user_id);
  for (size_t i = 0; i < kinds.size(); ++i) (*st)->Bind(static_cast<int>(i) + 3, kinds[i]);
  return (*st)->Run();
}

StatusOr<int64_t> AccountRepository::CountTokensSince(int64_t user_id, const std::vector<std::string>& kinds,
                                                      int64_t since) {
  auto st = db_.Prepare("SELECT count(*) FROM tokens WHERE user_id = ? AND created_at > ? AND kind IN " +
                        Placeholders(kinds.size()));
  if (!st.ok()) return st.status();
  (*st)->Bind(1, user_id).Bind(2, since);
  for (size_t i = 0; i < kinds.size(); ++i) (*st)->Bind(static_cast<int>(i) + 3, kinds[i]);
  auto n = OneRow<int64_t>(*st, [](Statement& q) { return q.ColumnInt(0); });
  if (!n.ok()) return n.status();
  return n->value_or(0);
}

StatusOr<bool> AccountRepository::HasLiveToken(int64_t user_id, const std::string& kind, int64_t now) {
  auto st =
      db_.Prepare("SELECT count(*) FROM tokens WHERE user_id = ? AND kind = ? AND used_at IS NULL AND expires_at >= ?");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, user_id).Bind(2, kind).Bind(3, now);
  auto n = OneRow<int64_t>(*st, [](Statement& q) { return q.ColumnInt(0); });
  if (!n.ok()) return n.status();
  return n->value_or(0) > 0;
}

Status InsertOutboxRow(Database& db, const OutboxMessage& m, bool once) {
  auto st =
      db.Prepare(std::string("INSERT INTO outbox (kind, recipient_email, recipient_name, lang, user_id, data_json, "
                             "dedupe_key, created_at, thread_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)") +
                 (once ? " ON CONFLICT (dedupe_key) DO NOTHING" : ""));
  if (!st.ok()) return st.status();
  return (*st)
      ->Bind(1, model::ToString(m.kind))
      .Bind(2, m.recipient_email)
      .Bind(3, m.recipient_name)
      .Bind(4, m.lang)
      .Bind(5, m.user_id)
      .Bind(6, m.data_json)
      .Bind(7, m.dedupe_key)
      .Bind(8, m.created_at)
      .Bind(9, m.thread_key)
      .Run();
}

StatusOr<int64_t> AccountRepository::EnqueueMail(const OutboxMessage& m) {
  ENTRAIDE_RETURN_IF_ERROR(InsertOutboxRow(db_, m, false));
  return db_.LastInsertRowId();
}

StatusOr<std::vector<model::TicketCategory>> AccountRepository::TicketCategories(bool include_inactive) {
  auto st = db_.Prepare(
      "SELECT slug, name_en, name_fr, position, active FROM ticket_categories WHERE active = 1 OR ? "
      "ORDER BY position, slug");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, include_inactive);
  return AllRows<model::TicketCategory>(*st, [](Statement& q) {
    return model::TicketCategory{q.ColumnText(0), q.ColumnText(1), q.ColumnText(2), q.ColumnInt(3),
                                 q.ColumnInt(4) != 0};
  });
}

Status AccountRepository::UpsertTicketCategory(const model::TicketCategory& c) {
  auto st = db_.Prepare(
      "INSERT INTO ticket_categories (slug, name_en, name_fr, position, active) VALUES (?, ?, ?, ?, ?) "
      "ON CONFLICT (slug) DO UPDATE SET name_en = excluded.name_en, name_fr = excluded.name_fr, "
      "position = excluded.position, active = excluded.active");
  if (!st.ok()) return st.status();
  return (*st)->Bind(1, c.slug).Bind(2, c.name_en).Bind(3, c.name_fr).Bind(4, c.position).Bind(5, c.active).Run();
}

}  // namespace entraide::store
