#include "store/privacy_repo.h"

#include <set>
#include <utility>

#include "core/escape.h"
#include "core/strings.h"
#include "store/reply_token_repo.h"
#include "store/rows.h"

namespace entraide::store {
namespace {

constexpr const char* kOpenStatuses = "('new', 'triaged', 'in_progress', 'waiting_on_group')";

int64_t ReadId(Statement& q) { return q.ColumnInt(0); }

// `text` as JsonWriter writes it inside a string (quotes left out): what to look for in stored JSON.
std::string JsonEscaped(const std::string& text) {
  std::string quoted = core::JsonQuote(text);
  return quoted.substr(1, quoted.size() - 2);
}

}  // namespace

StatusOr<std::vector<SessionRecord>> PrivacyRepository::SessionsOf(int64_t user_id) {
  auto st = db_.Prepare("SELECT user_id, created_at, last_seen_at FROM sessions WHERE user_id = ? ORDER BY created_at");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, user_id);
  return AllRows<SessionRecord>(*st, [](Statement& q) {
    SessionRecord s;
    s.user_id = q.ColumnInt(0);
    s.created_at = q.ColumnInt(1);
    s.last_seen_at = q.ColumnInt(2);
    return s;
  });
}

StatusOr<std::vector<int64_t>> PrivacyRepository::TicketsOpenedBy(int64_t user_id) {
  auto st = db_.Prepare("SELECT id FROM tickets WHERE opened_by = ? ORDER BY id");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, user_id);
  return AllRows<int64_t>(*st, ReadId);
}

StatusOr<std::vector<int64_t>> PrivacyRepository::TicketsOfGroup(int64_t group_id) {
  auto st = db_.Prepare("SELECT id FROM tickets WHERE group_id = ? ORDER BY id");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, group_id);
  return AllRows<int64_t>(*st, ReadId);
}

StatusOr<std::vector<MailRecord>> PrivacyRepository::MailTo(int64_t user_id, const std::string& email) {
  auto st = db_.Prepare(
      "SELECT id, kind, subject, status, created_at, sent_at FROM outbox "
      "WHERE user_id = ? OR recipient_email = ? COLLATE NOCASE ORDER BY id");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, user_id).Bind(2, email);
  return AllRows<MailRecord>(*st, [](Statement& q) {
    MailRecord m;
    m.id = q.ColumnInt(0);
    m.kind = q.ColumnText(1);
    m.subject = q.ColumnText(2);
    m.status = q.ColumnText(3);
    m.created_at = q.ColumnInt(4);
    if (!q.ColumnIsNull(5)) m.sent_at = q.ColumnInt(5);
    return m;
  });
}

StatusOr<std::vector<model::Question>> PrivacyRepository::QuestionsPublishedBy(int64_t user_id) {
  auto st = db_.Prepare("SELECT id FROM questions WHERE published_by = ? ORDER BY id");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, user_id);
  auto ids = AllRows<int64_t>(*st, ReadId);
  if (!ids.ok()) return ids.status();
  TicketRepository tickets(db_);
  std::vector<model::Question> out;
  for (int64_t id : *ids) {
    auto q = tickets.FindQuestionById(id);
    if (!q.ok()) return q.status();
    if (*q) out.push_back(**q);
  }
  return out;
}

StatusOr<model::ErasureCounts> PrivacyRepository::Erase(const model::User& user, const std::string& placeholder_email,
                                                        int64_t now, const FormerMemberLabels& labels) {
  model::ErasureCounts n;
  // Runs one statement binding the person's id (and their address as ?2 when it uses it); counts the rows.
  auto run = [&](const char* sql, int64_t* count) -> Status {
    auto st = db_.Prepare(sql);
    if (!st.ok()) return st.status();
    (*st)->Bind(1, user.id);
    if (std::string_view(sql).find("?2") != std::string_view::npos) (*st)->Bind(2, user.email);
    ENTRAIDE_RETURN_IF_ERROR((*st)->Run());
    if (count) *count = db_.Changes();
    return Status::Ok();
  };
  ENTRAIDE_RETURN_IF_ERROR(
      run("DELETE FROM outbox WHERE user_id = ?1 OR recipient_email = ?2 COLLATE NOCASE", &n.mail_deleted));

  // Messages to others that name them (a reply's author, a ticket's holder in a digest): every JSON string that
  // is exactly their name or address is replaced, found by SQLite's own JSON reader whatever the escaping; the
  // instr() tests only skip the rows that cannot hold it. `$.name` is always the recipient's own name (someone
  // else who may share it).
  auto find = db_.Prepare(
      "SELECT o.id, t.fullkey FROM outbox o, json_tree(o.data_json) t "
      "WHERE (instr(o.data_json, ?1) > 0 OR instr(o.data_json, ?2) > 0 OR instr(o.data_json, ?3) > 0 "
      "       OR instr(o.data_json, ?4) > 0) "
      "AND json_valid(o.data_json) AND t.type = 'text' AND t.atom IN (?5, ?6) AND t.fullkey != '$.name'");
  if (!find.ok()) return find.status();
  (*find)->Bind(1, user.name).Bind(2, JsonEscaped(user.name)).Bind(3, user.email).Bind(4, JsonEscaped(user.email));
  (*find)->Bind(5, user.name).Bind(6, user.email);
  auto found = AllRows<std::pair<int64_t, std::string>>(
      *find, [](Statement& q) { return std::make_pair(q.ColumnInt(0), q.ColumnText(1)); });
  if (!found.ok()) return found.status();
  auto set = db_.Prepare(
      "UPDATE outbox SET data_json = json_set(data_json, ?1, CASE lang WHEN 'en' THEN ?2 ELSE ?3 END) WHERE id = ?4");
  if (!set.ok()) return set.status();
  std::set<int64_t> scrubbed;
  for (const auto& [id, path] : *found) {
    ENTRAIDE_RETURN_IF_ERROR((*set)->Bind(1, path).Bind(2, labels.en).Bind(3, labels.fr).Bind(4, id).Run());
    scrubbed.insert(id);
  }
  auto subject = db_.Prepare(
      "UPDATE outbox SET subject = replace(replace(subject, ?1, CASE lang WHEN 'en' THEN ?3 ELSE ?4 END), ?2, "
      "CASE lang WHEN 'en' THEN ?3 ELSE ?4 END) WHERE id = ?5");
  if (!subject.ok()) return subject.status();
  for (int64_t id : scrubbed)
    ENTRAIDE_RETURN_IF_ERROR(
        (*subject)->Bind(1, user.name).Bind(2, user.email).Bind(3, labels.en).Bind(4, labels.fr).Bind(5, id).Run());
  n.mail_scrubbed = static_cast<int64_t>(scrubbed.size());

  // Mail received from them: the originals (their words, headers and address) go; the log keeps no address.
  auto originals = db_.Prepare(
      "SELECT original FROM inbound_mail WHERE (user_id = ?1 OR from_address = ?2 COLLATE NOCASE) "
      "AND original IS NOT NULL");
  if (!originals.ok()) return originals.status();
  (*originals)->Bind(1, user.id).Bind(2, user.email);
  auto names = AllRows<std::string>(*originals, [](Statement& q) { return q.ColumnText(0); });
  if (!names.ok()) return names.status();
  n.mail_originals = std::move(names).value();
  ENTRAIDE_RETURN_IF_ERROR(run("DELETE FROM mail_ticket_requests WHERE user_id = ?1", nullptr));
  ENTRAIDE_RETURN_IF_ERROR(
      run("UPDATE inbound_mail SET original = NULL, from_address = '' "
          "WHERE user_id = ?1 OR from_address = ?2 COLLATE NOCASE",
          &n.mail_received));
  ENTRAIDE_RETURN_IF_ERROR(run("DELETE FROM mail_bounces WHERE email = ?2", nullptr));
  ENTRAIDE_RETURN_IF_ERROR(run("DELETE FROM sessions WHERE user_id = ?1", &n.sessions));
  ENTRAIDE_RETURN_IF_ERROR(run("DELETE FROM tokens WHERE user_id = ?1", &n.tokens));
  ENTRAIDE_RETURN_IF_ERROR(run("DELETE FROM take_links WHERE user_id = ?1", &n.take_links));
  auto revoked = ReplyTokenRepository(db_).RevokeForUser(user.id, now);  // replies by mail are refused from now
  if (!revoked.ok()) return revoked.status();
  ENTRAIDE_RETURN_IF_ERROR(run("DELETE FROM mail_preferences WHERE user_id = ?1", &n.preferences));
  ENTRAIDE_RETURN_IF_ERROR(run("DELETE FROM memberships WHERE user_id = ?1", &n.memberships));

  // Open tickets they held go back to nobody, so volunteers see them again; the history says so.
  auto held = db_.Prepare(std::string("SELECT id FROM tickets WHERE assignee_id = ? AND status IN ") + kOpenStatuses);
  if (!held.ok()) return held.status();
  (*held)->Bind(1, user.id);
  auto held_ids = AllRows<int64_t>(*held, ReadId);
  if (!held_ids.ok()) return held_ids.status();
  auto release = db_.Prepare("UPDATE tickets SET assignee_id = NULL, updated_at = ? WHERE id = ?");
  if (!release.ok()) return release.status();
  auto released = db_.Prepare(
      "INSERT INTO ticket_events (ticket_id, actor_id, kind, old_value, new_value, created_at) "
      "VALUES (?, NULL, 'assign', ?, '', ?)");
  if (!released.ok()) return released.status();
  for (int64_t id : *held_ids) {
    ENTRAIDE_RETURN_IF_ERROR((*release)->Bind(1, now).Bind(2, id).Run());
    ENTRAIDE_RETURN_IF_ERROR((*released)->Bind(1, id).Bind(2, core::kErasedName).Bind(3, now).Run());
  }
  n.tickets_released = static_cast<int64_t>(held_ids->size());

  // "Now held by" events recorded the holder's name at the time.
  auto rename = db_.Prepare(
      "UPDATE ticket_events SET old_value = CASE WHEN old_value = ?1 THEN ?2 ELSE old_value END, "
      "new_value = CASE WHEN new_value = ?1 THEN ?2 ELSE new_value END "
      "WHERE kind = 'assign' AND (old_value = ?1 OR new_value = ?1)");
  if (!rename.ok()) return rename.status();
  ENTRAIDE_RETURN_IF_ERROR((*rename)->Bind(1, user.name).Bind(2, core::kErasedName).Run());
  n.history_renamed = db_.Changes();

  auto person =
      db_.Prepare("UPDATE users SET name = ?, email = ?, password_hash = NULL, active = 0, erased_at = ? WHERE id = ?");
  if (!person.ok()) return person.status();
  ENTRAIDE_RETURN_IF_ERROR(
      (*person)->Bind(1, core::kErasedName).Bind(2, placeholder_email).Bind(3, now).Bind(4, user.id).Run());
  return n;
}

StatusOr<std::vector<int64_t>> PrivacyRepository::ClosedUnredactedBefore(int64_t cutoff, int limit) {
  auto st = db_.Prepare(
      "SELECT id FROM tickets INDEXED BY tickets_closed_unredacted "
      "WHERE redacted_at IS NULL AND closed_at IS NOT NULL AND closed_at < ? ORDER BY closed_at LIMIT ?");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, cutoff).Bind(2, limit);
  return AllRows<int64_t>(*st, ReadId);
}

StatusOr<std::optional<std::vector<std::string>>> PrivacyRepository::Redact(int64_t ticket_id, int64_t cutoff,
                                                                            int64_t now) {
  // Checked again in the writing transaction: a ticket reopened since it was listed keeps its text.
  auto mark = db_.Prepare(
      "UPDATE tickets SET body = '', body_html = '', helpful_comment = '', redacted_at = ?3 "
      "WHERE id = ?1 AND redacted_at IS NULL AND closed_at IS NOT NULL AND closed_at < ?2");
  if (!mark.ok()) return mark.status();
  ENTRAIDE_RETURN_IF_ERROR((*mark)->Bind(1, ticket_id).Bind(2, cutoff).Bind(3, now).Run());
  if (db_.Changes() == 0) return std::optional<std::vector<std::string>>();
  auto files = db_.Prepare("SELECT sha256 FROM attachments WHERE ticket_id = ?");
  if (!files.ok()) return files.status();
  (*files)->Bind(1, ticket_id);
  auto hashes = AllRows<std::string>(*files, [](Statement& q) { return q.ColumnText(0); });
  if (!hashes.ok()) return hashes.status();
  for (const char* sql : {
           "DELETE FROM attachments WHERE ticket_id = ?",
           "UPDATE ticket_events SET body = '', body_html = '' WHERE ticket_id = ? AND (body != '' OR body_html != '')",
           // The excerpts of its replies in the emails about it (the only text of a ticket that mail keeps).
           "UPDATE outbox SET data_json = json_set(data_json, '$.excerpt', '') WHERE thread_key = 'ticket:' || ? "
           "AND json_valid(data_json) AND json_extract(data_json, '$.excerpt') != ''",
       }) {
    auto st = db_.Prepare(sql);
    if (!st.ok()) return st.status();
    ENTRAIDE_RETURN_IF_ERROR((*st)->Bind(1, ticket_id).Run());
  }
  return std::optional<std::vector<std::string>>(std::move(hashes).value());
}

StatusOr<bool> PrivacyRepository::FileReferenced(const std::string& sha256) {
  auto st = db_.Prepare("SELECT 1 FROM attachments WHERE sha256 = ? LIMIT 1");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, sha256);
  auto row = OneRow<int64_t>(*st, ReadId);
  if (!row.ok()) return row.status();
  return row->has_value();
}

}  // namespace entraide::store
