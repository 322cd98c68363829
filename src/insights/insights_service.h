// InsightsService: what coordinators learn from the help desk and the library (issue #19), and the saved
// replies volunteers share.
//
//  - Article feedback: "Did this answer your question?" from anyone, counted once per client address, article
//    and UTC day. The address is never stored: only HMAC-SHA-256(day secret, address), where the day secret is
//    32 random bytes held in this object's memory and replaced when the UTC day changes (a restart also makes a
//    new one). Without the secret a hash cannot be tested against the 2^32 IPv4 addresses, and once the day is
//    over Maintain() sets the hashes to NULL, so a row says only "an answer about this article that day".
//  - Search gaps: each search of the search page is counted in memory under its normalised query (rules.h),
//    language and UTC day, with whether it found nothing, and each result followed from the page as a click;
//    Maintain() (serve's periodic worker, every minute) writes the counts and deletes days older than
//    search_log_days. Counts of the last minute are lost if the process is killed.
//  - The dashboard's figures for a period of whole weeks ending now, and the needs-revision list. Reading them
//    scans the period's tickets, replies, citations, answers and searches (tens of milliseconds for a year of a
//    100,000-ticket history), so each (period, language) is computed at most once every kDashboardMaxAgeS and
//    the figures are shared meanwhile (the policy is checked on every call).
//  - Saved replies: a title and a text in French and in English, shared by volunteers and coordinators.
//
// Thread-safe (a mutex guards the day secret and the counts in memory). Statuses: kPermissionDenied /
// kUnauthenticated from auth::Policy, kInvalidArgument naming the field, kNotFound, kUnavailable.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "auth/principal.h"
#include "core/clock.h"
#include "core/status.h"
#include "insights/rules.h"
#include "model/insights.h"
#include "tickets/response_targets.h"

namespace entraide::store {
class Pool;
}  // namespace entraide::store

namespace entraide::insights {

struct Options {
  int search_log_days = 90;               // insights.search_log_days
  tickets::ResponseTargets targets;       // helpdesk.first_answer_hours
  RevisionRule revision;                  // the needs-revision thresholds
  int64_t citation_settle_s = 7 * 86400;  // a cited ticket still open this long after the link: not resolved by it
};

inline constexpr size_t kMaxFeedbackComment = 500;  // bytes
inline constexpr size_t kMaxReplyTitle = 120;       // bytes
inline constexpr size_t kMaxReplyBody = 20000;      // bytes

struct WeekFigures {
  int64_t start = 0;  // epoch s; the week is [start, start + 7 days)
  int64_t opened = 0, resolved = 0;
};

struct TargetFigures {
  std::string urgency;
  int64_t target_hours = 0;
  int64_t due = 0;      // tickets of the period answered, or still waiting past their target
  int64_t in_time = 0;  // answered within the target
};

struct ArticleFigures {
  model::ArticleScore score;
  RevisionReason revision = RevisionReason::kNone;
};

struct Dashboard {
  int weeks = 12;
  int64_t from = 0, to = 0;
  std::vector<WeekFigures> per_week;  // oldest first
  int64_t opened = 0, answered = 0;
  std::optional<int64_t> median_first_answer_s;
  std::vector<TargetFigures> targets;  // blocking, high, normal, low
  std::vector<model::OpenCount> open;
  std::vector<model::NamedCount> groups;      // most tickets opened in the period first (10)
  std::vector<model::NamedCount> volunteers;  // most tickets answered in the period first (20)
  std::vector<ArticleFigures> articles;       // needs revision first, then by answers
  std::vector<model::FeedbackComment> comments;
  std::vector<model::QueryGap> no_result, no_click;  // 20 each
};

// How long the dashboard's figures of one period and language are reused before they are read again (seconds).
inline constexpr int64_t kDashboardMaxAgeS = 60;

// The periods the dashboard offers, in weeks.
inline constexpr int kDashboardWeeks[] = {4, 12, 26, 52};
bool IsDashboardPeriod(int weeks);

struct SavedReplyInput {
  std::string title_fr, title_en, body_fr, body_en;
};

class InsightsService {
 public:
  InsightsService(store::Pool& pool, const core::Clock& clock, Options options);

  const Options& options() const { return options_; }

  // ---- feedback (anyone) ----
  // Counts a Yes or a No for the article `key` read in `lang` from `client_address`. False when that address
  // already answered about this article today (nothing changes).
  core::StatusOr<bool> RecordFeedback(const std::string& key, const std::string& lang,
                                      const std::string& client_address, bool helpful);
  // The comment of that address's No of today about `key` (at most kMaxFeedbackComment bytes; kInvalidArgument
  // "comment" beyond). False when there is no such No or it has a comment already.
  core::StatusOr<bool> AddFeedbackComment(const std::string& key, const std::string& client_address,
                                          const std::string& comment);

  // ---- search gaps (in memory until Maintain) ----
  void CountSearch(const std::string& lang, const std::string& query, bool found);
  void CountClick(const std::string& lang, const std::string& query);
  // Writes the counts, deletes search days older than search_log_days and forgets the client hashes of past
  // days. serve runs it every minute; kUnavailable when the database is busy (the counts are kept for next time).
  core::Status Maintain();

  // ---- dashboard (coordinators) ----
  core::StatusOr<Dashboard> GetDashboard(const auth::Principal* who, int weeks, const std::string& lang);

  // ---- saved replies (volunteers and coordinators) ----
  core::StatusOr<std::vector<model::SavedReply>> SavedReplies(const auth::Principal* who);
  core::StatusOr<model::SavedReply> SavedReply(const auth::Principal* who, int64_t id);
  core::StatusOr<int64_t> CreateSavedReply(const auth::Principal* who, const SavedReplyInput& in);
  core::Status UpdateSavedReply(const auth::Principal* who, int64_t id, const SavedReplyInput& in);
  core::Status DeleteSavedReply(const auth::Principal* who, int64_t id);

  // "2027-01-01": the UTC day of `epoch_s`.
  static std::string DayOf(int64_t epoch_s);

 private:
  std::string ClientHash(const std::string& client_address, const std::string& day);
  core::Status CheckSavedReply(const SavedReplyInput& in) const;
  core::StatusOr<Dashboard> ComputeDashboard(int weeks, const std::string& lang);
  // Adds to the in-memory counts of the normalised `query` today (nothing when it normalises to nothing).
  void Count(const std::string& lang, const std::string& query, int64_t searches, int64_t no_result, int64_t clicks);

  store::Pool& pool_;
  const core::Clock& clock_;
  Options options_;
  std::mutex mu_;
  std::string secret_day_, secret_;
  std::map<std::tuple<std::string, std::string, std::string>, model::SearchCount> counts_;  // (day, lang, query)
  std::map<std::pair<int, std::string>, Dashboard> dashboards_;  // (weeks, lang): the latest figures (d.to: when)
};

}  // namespace entraide::insights
