// DigestRepository: the SQL of the digests: who gets which digest at which frequency, what goes in each
// (tickets waiting to be taken or answered, activity on a volunteer's tickets, new and updated articles, a
// group's open tickets, the coordinator's figures), and queueing one message per (person, kind, period).
// Time windows are [since, until) in epoch seconds. Borrows a Database; not thread-safe (one per thread).
// Statuses: kUnavailable when the database is busy; kInvalidArgument for an unknown topic.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "store/account_repo.h"
#include "store/database.h"

namespace entraide::store {

struct DigestRecipient {
  int64_t user_id = 0;
  std::string email, name, lang, role;
};

struct DigestGroup {
  int64_t id = 0;
  std::string name;
};

// A ticket as a digest shows it.
struct DigestTicket {
  int64_t id = 0, group_id = 0;
  std::string ref, subject, status, urgency, category, lang, group_name, assignee_name;
  std::optional<int64_t> assignee_id;
  int64_t created_at = 0;
  int64_t waiting_since = 0;  // the group's first message after a volunteer's last public answer (0: none)
};

// Something that happened on a ticket a volunteer holds.
struct DigestActivity {
  int64_t ticket_id = 0;
  std::string ref, subject, kind, actor_name, new_value;  // kind: reply or status
  int64_t created_at = 0;
};

struct DigestArticle {
  std::string lang, slug, title, summary;
  bool is_new = false;  // first imported in the window (else updated)
};

struct CategoryCount {
  std::string slug, name_en, name_fr;
  int64_t count = 0;
};

class DigestRepository {
 public:
  explicit DigestRepository(Database& db) : db_(db) {}

  // Active people whose setting for `topic` (volunteer_digest, group_digest, coordinator_summary) is
  // `frequency` (daily, weekly); for group_digest only people in at least one active group. Ordered by id.
  StatusOr<std::vector<DigestRecipient>> Recipients(const std::string& topic, const std::string& frequency);
  // Each person's active groups.
  StatusOr<std::map<int64_t, std::vector<DigestGroup>>> MemberGroups();

  // Open tickets nobody holds, opened in the window, oldest first.
  StatusOr<std::vector<DigestTicket>> UnclaimedOpenedIn(int64_t since, int64_t until);
  // Open tickets not waiting on their group whose group has been waiting for a public answer of a volunteer
  // since before `before` (opened and never answered, or replied to and not answered since), oldest first.
  StatusOr<std::vector<DigestTicket>> WaitingForAnswerSince(int64_t before);
  // Open tickets never answered publicly that were opened before their urgency's deadline (`opened_before`:
  // urgency -> now minus its first-answer target; an urgency not named is never late), oldest first.
  StatusOr<std::vector<DigestTicket>> LateForFirstAnswer(const std::map<std::string, int64_t>& opened_before);
  // Public replies and status changes in the window on the tickets `volunteer` holds, by anyone else.
  StatusOr<std::vector<DigestActivity>> ActivityOnHeldTickets(int64_t volunteer, int64_t since, int64_t until);
  // Every open ticket, by group (for the group digest).
  StatusOr<std::map<int64_t, std::vector<DigestTicket>>> OpenTicketsByGroup();

  // Published articles in `lang` ("" for every language) imported (new or changed) in the window.
  StatusOr<std::vector<DigestArticle>> ArticlesChanged(const std::string& lang, int64_t since, int64_t until);

  // The coordinator summary's figures.
  StatusOr<int64_t> CountOpened(int64_t since, int64_t until);
  StatusOr<int64_t> CountResolved(int64_t since, int64_t until);
  // Seconds from opening to the first public answer, for tickets first answered in the window.
  StatusOr<std::vector<int64_t>> FirstAnswerDelays(int64_t since, int64_t until);
  StatusOr<std::vector<DigestTicket>> OldestOpen(int limit);
  StatusOr<std::vector<CategoryCount>> BusiestCategories(int64_t since, int64_t until, int limit);
  // Articles (distinct language and slug) with a revision drafted from a solved ticket in the window (origin
  // 'ticket'), and how many of those have a published revision now.
  struct DraftedCounts {
    int64_t drafted = 0, published = 0;
  };
  StatusOr<DraftedCounts> DraftedFromTickets(int64_t since, int64_t until);

  // Whether a message with this dedupe key was ever queued.
  StatusOr<bool> Queued(const std::string& dedupe_key);
  // Inserts the message unless its dedupe_key is taken: true when it was inserted.
  StatusOr<bool> QueueOnce(const OutboxMessage& m);

 private:
  StatusOr<std::vector<DigestTicket>> Tickets(const std::string& where, int64_t a, int64_t b, int limit);
  static std::string TicketsSql(const std::string& where);
  Database& db_;
};

}  // namespace entraide::store
