// AccountRepository: the SQL of people, groups, memberships, sessions, single-use tokens, the mail outbox
// and help desk categories. Borrows a Database; not thread-safe (one per thread, like its Database).
// Statuses: kAlreadyExists for a taken email or slug; kUnavailable when the database is busy.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/account.h"
#include "model/mail.h"
#include "store/database.h"

namespace entraide::store {

struct SessionRecord {
  std::string id_hash;
  int64_t user_id = 0;
  std::string csrf_token;
  int64_t created_at = 0, last_seen_at = 0;
};

struct TokenRecord {
  int64_t id = 0;
  std::string kind, token_hash;
  int64_t user_id = 0, expires_at = 0, created_at = 0;
  std::optional<int64_t> used_at;
};

struct OutboxMessage {
  int64_t id = 0;
  model::MailKind kind = model::MailKind::kTicketReply;
  std::string recipient_email, recipient_name, lang;
  std::optional<int64_t> user_id;
  std::string data_json = "{}";
  std::optional<std::string> dedupe_key;
  std::optional<std::string> thread_key;  // e.g. "ticket:42": one mail thread (In-Reply-To/References)
  std::string status = "pending";
  int64_t created_at = 0;

  // A message of `kind` to one person: their address, name and language, the template data, when.
  static OutboxMessage To(model::MailKind kind, int64_t user_id, std::string email, std::string name, std::string lang,
                          std::string data_json, int64_t created_at) {
    OutboxMessage m;
    m.kind = kind;
    m.user_id = user_id;
    m.recipient_email = std::move(email);
    m.recipient_name = std::move(name);
    m.lang = std::move(lang);
    m.data_json = std::move(data_json);
    m.created_at = created_at;
    return m;
  }
};

// Writes `m` into the outbox; with `once`, a row whose dedupe_key is already there is left alone (no error).
Status InsertOutboxRow(Database& db, const OutboxMessage& m, bool once);

class AccountRepository {
 public:
  explicit AccountRepository(Database& db) : db_(db) {}

  StatusOr<int64_t> CreateUser(const model::User& u);
  StatusOr<std::optional<model::User>> FindUserByEmail(const std::string& email);
  StatusOr<std::optional<model::User>> FindUserById(int64_t id);
  StatusOr<std::vector<model::User>> ListUsers();
  // Active volunteers and coordinators, by name (for assigning tickets).
  StatusOr<std::vector<model::User>> ListActiveVolunteers();
  // Active volunteers and coordinators who want an alert for a new ticket of this urgency (mail_settings'
  // new_ticket_alerts: 'all', or 'urgent' when `urgent`).
  StatusOr<std::vector<model::User>> ListNewTicketAlertRecipients(bool urgent);
  Status UpdateProfile(int64_t id, const std::string& name, const std::string& lang);
  Status SetRole(int64_t id, model::Role role);
  Status SetEditor(int64_t id, bool editor);
  Status SetActive(int64_t id, bool active);
  Status SetPasswordHash(int64_t id, const std::string& hash);

  StatusOr<int64_t> CreateGroup(const model::Group& g);
  StatusOr<std::optional<model::Group>> FindGroupBySlug(const std::string& slug);
  StatusOr<std::optional<model::Group>> FindGroupById(int64_t id);
  StatusOr<std::vector<model::Group>> ListGroups();
  Status UpdateGroup(const model::Group& g);
  Status SetMemberships(int64_t user_id, const std::vector<int64_t>& group_ids);
  StatusOr<std::vector<model::Group>> GroupsOf(int64_t user_id);
  StatusOr<std::vector<model::User>> MembersOf(int64_t group_id);

  // The administration pages (see model::PeopleQuery, model::GroupQuery): a page of rows, and how many match in all.
  StatusOr<std::vector<model::User>> SearchUsers(const model::PeopleQuery& q);
  StatusOr<int64_t> CountUsers(const model::PeopleQuery& q);
  // The groups of each of `user_ids` (user id, group), by folded group name.
  StatusOr<std::vector<std::pair<int64_t, model::Group>>> GroupsOfUsers(const std::vector<int64_t>& user_ids);
  StatusOr<std::vector<model::GroupCount>> SearchGroups(const model::GroupQuery& q);
  StatusOr<int64_t> CountGroups(const model::GroupQuery& q);
  StatusOr<int64_t> CountMembers(int64_t group_id);
  // A page of a group's members, by folded name.
  StatusOr<std::vector<model::User>> MembersPage(int64_t group_id, int64_t offset, int limit);
  // Adds (no change when already there) or removes one membership.
  Status AddMembership(int64_t user_id, int64_t group_id);
  Status RemoveMembership(int64_t user_id, int64_t group_id);

  Status CreateSession(const SessionRecord& s);
  StatusOr<std::optional<SessionRecord>> FindSession(const std::string& id_hash);
  Status TouchSession(const std::string& id_hash, int64_t now);
  Status DeleteSession(const std::string& id_hash);
  Status DeleteSessionsOf(int64_t user_id);
  // Every session of the person but the one whose hash is `keep_hash`.
  Status DeleteOtherSessions(int64_t user_id, const std::string& keep_hash);

  Status CreateToken(const TokenRecord& t);
  StatusOr<std::optional<TokenRecord>> FindToken(const std::string& token_hash);
  // Marks a token used; false when it was already used (the loser of a race).
  StatusOr<bool> UseToken(int64_t id, int64_t now);
  // Marks every unused token of the person whose kind is in `kinds` used (they stop working).
  Status VoidTokens(int64_t user_id, const std::vector<std::string>& kinds, int64_t now);
  // How many tokens of those kinds the person got after `since` (used or not).
  StatusOr<int64_t> CountTokensSince(int64_t user_id, const std::vector<std::string>& kinds, int64_t since);
  // Whether the person has a token of `kind` neither used nor expired at `now`.
  StatusOr<bool> HasLiveToken(int64_t user_id, const std::string& kind, int64_t now);

  StatusOr<int64_t> EnqueueMail(const OutboxMessage& m);

  StatusOr<std::vector<model::TicketCategory>> TicketCategories(bool include_inactive);
  Status UpsertTicketCategory(const model::TicketCategory& c);

 private:
  Database& db_;
};

}  // namespace entraide::store
