// InsightsRepository: the SQL of issue #19's insights: article feedback (counted once per client hash, article
// and day), the search log (counts per normalised query, language and day), saved replies, and the figures of
// the coordinators' dashboard. Borrows a Database (one per thread). Statuses: kUnavailable when the database is
// busy, kInternal otherwise.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/insights.h"
#include "store/database.h"

namespace entraide::store {

class InsightsRepository {
 public:
  explicit InsightsRepository(Database& db) : db_(db) {}

  // ---- feedback ----
  // True when this client's answer for the article and day is new (false: already counted that day).
  StatusOr<bool> AddFeedback(const std::string& key, const std::string& lang, const std::string& day,
                             const std::string& client, bool helpful, int64_t now);
  // Sets the comment of this client's No of that day, once (true when one was set).
  StatusOr<bool> SetFeedbackComment(const std::string& key, const std::string& day, const std::string& client,
                                    const std::string& comment);
  // Forgets the client hashes of days before `day` (their secret is gone already; nothing to link any more).
  StatusOr<int64_t> ForgetClientsBefore(const std::string& day);
  // Yes and No per article over [from, to), with the titles in `lang`, and the citations by tickets linked in
  // that period that were not resolved by them: answered No ("did the help work?"), or still open
  // `settle_s` seconds after the link (as of `now`). Every article with an answer or such a citation.
  StatusOr<std::vector<model::ArticleScore>> ArticleScores(int64_t from, int64_t to, const std::string& lang,
                                                           int64_t now, int64_t settle_s);
  // The newest comments of the period (at most `limit`).
  StatusOr<std::vector<model::FeedbackComment>> RecentComments(int64_t from, int64_t to, int limit);

  // ---- search log ----
  // Adds the counts to their rows (created when new).
  Status AddSearchCounts(const std::vector<model::SearchCount>& counts);
  StatusOr<int64_t> PurgeSearchLogBefore(const std::string& day);
  // Over days [from_day, to_day], in one read of the log: the queries by searches that found nothing
  // (no_result > 0), most first; and those that found something but whose results were never followed, most
  // searched first. At most `limit` of each.
  struct Gaps {
    std::vector<model::QueryGap> no_result, no_click;
  };
  StatusOr<Gaps> SearchGaps(const std::string& from_day, const std::string& to_day, int limit);

  // ---- saved replies ----
  StatusOr<std::vector<model::SavedReply>> ListSavedReplies();
  StatusOr<std::optional<model::SavedReply>> FindSavedReply(int64_t id);
  StatusOr<int64_t> CreateSavedReply(const model::SavedReply& r);
  Status UpdateSavedReply(const model::SavedReply& r);  // kNotFound when it does not exist
  Status DeleteSavedReply(int64_t id);                  // kNotFound when it does not exist

  // ---- dashboard ----
  StatusOr<std::vector<model::TicketFigureRow>> TicketsOpened(int64_t from, int64_t to);
  // Resolution times (resolved_at) of tickets resolved in [from, to), whenever opened.
  StatusOr<std::vector<int64_t>> ResolvedTimes(int64_t from, int64_t to);
  StatusOr<std::vector<model::OpenCount>> OpenTickets();
  // The names of these groups (counted by the caller from TicketsOpened: one read of the period), by id.
  StatusOr<std::vector<model::NamedCount>> GroupNames(const std::vector<int64_t>& ids);
  // People by tickets they answered publicly in [from, to) (distinct tickets), most first.
  StatusOr<std::vector<model::NamedCount>> AnsweredByVolunteer(int64_t from, int64_t to, int limit);

 private:
  Database& db_;
};

}  // namespace entraide::store
