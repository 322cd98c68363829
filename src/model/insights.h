// What the coordinators' dashboard and the insights service hand out: search counts and gaps, article feedback
// scores, saved replies, weekly ticket figures, named counts.
// Plain values (std only, no SQLite, no Xapian): store/ fills them, services hand them to http/ and app/. See
// docs/ARCHITECTURE.md, "model/".
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace entraide::model {

struct SearchCount {
  std::string day, lang, query;
  int64_t searches = 0, no_result = 0, clicks = 0;
};

struct QueryGap {
  std::string lang, query;
  int64_t searches = 0, no_result = 0, clicks = 0;
};

struct ArticleScore {
  std::string key, title, slug;  // title and slug in the asked language when it exists, else the other
  std::string lang;              // the language of title and slug
  int64_t yes = 0, no = 0;
  int64_t unresolved_citations = 0;  // tickets that cited it in the period and were not resolved by it
};

struct FeedbackComment {
  std::string key, lang, comment, day;
};

struct SavedReply {
  int64_t id = 0;
  std::string title_fr, title_en, body_fr, body_en;
  int64_t created_by = 0, created_at = 0, updated_at = 0;
};

// A ticket opened in the period, as the dashboard counts it (no text).
struct TicketFigureRow {
  int64_t created_at = 0;
  std::optional<int64_t> first_response_at;
  std::string status, urgency;
  int64_t group_id = 0;
};

struct NamedCount {
  int64_t id = 0;
  std::string name;
  int64_t count = 0;
};

struct OpenCount {
  std::string status, urgency, category, category_name_fr, category_name_en;
  int64_t count = 0;
};

}  // namespace entraide::model
