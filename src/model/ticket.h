// A ticket of the help desk, its history (events), attached files, answered questions, and the filter of a queue.
// Plain values (std only, no SQLite, no Xapian): store/ and search/ fill them, services hand them to
// http/ and app/. See docs/ARCHITECTURE.md, "model/".
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace entraide::model {

// A ticket's status (tickets/workflow.h says which moves are allowed). The words are the database's, the URLs'
// and the API's, and the catalogs' ("status_" + word); ToString and ParseTicketStatus are the one place that
// turns one into the other.
enum class TicketStatus { kNew, kTriaged, kInProgress, kWaitingOnGroup, kResolved, kClosed };

inline constexpr std::array<TicketStatus, 6> kTicketStatuses = {
    TicketStatus::kNew,      TicketStatus::kTriaged, TicketStatus::kInProgress, TicketStatus::kWaitingOnGroup,
    TicketStatus::kResolved, TicketStatus::kClosed};

constexpr std::string_view ToString(TicketStatus s) {
  switch (s) {
    case TicketStatus::kNew:
      return "new";
    case TicketStatus::kTriaged:
      return "triaged";
    case TicketStatus::kInProgress:
      return "in_progress";
    case TicketStatus::kWaitingOnGroup:
      return "waiting_on_group";
    case TicketStatus::kResolved:
      return "resolved";
    case TicketStatus::kClosed:
      return "closed";
  }
  return "new";
}

constexpr std::optional<TicketStatus> ParseTicketStatus(std::string_view word) {
  for (TicketStatus s : kTicketStatuses)
    if (ToString(s) == word) return s;
  return std::nullopt;
}

// Open: someone still has something to do (new, triaged, in_progress, waiting_on_group). Finished: resolved or closed.
constexpr bool IsOpen(TicketStatus s) { return s != TicketStatus::kResolved && s != TicketStatus::kClosed; }
constexpr bool IsFinished(TicketStatus s) { return !IsOpen(s); }

// Which statuses a list shows: every one, the open ones ("open" in URLs), or one status.
struct StatusFilter {
  enum class Scope { kAny, kOpen, kOne };
  Scope scope = Scope::kAny;
  TicketStatus one = TicketStatus::kNew;

  static StatusFilter Any() { return {}; }
  static StatusFilter Open() { return {Scope::kOpen, TicketStatus::kNew}; }
  static StatusFilter Only(TicketStatus s) { return {Scope::kOne, s}; }
  // "" (any), "open" or a status word; nullopt for anything else.
  static std::optional<StatusFilter> Parse(std::string_view word) {
    if (word.empty()) return Any();
    if (word == "open") return Open();
    if (auto s = ParseTicketStatus(word)) return Only(*s);
    return std::nullopt;
  }
  std::string_view Word() const { return scope == Scope::kAny ? "" : scope == Scope::kOpen ? "open" : ToString(one); }
  bool Is(TicketStatus s) const { return scope == Scope::kOne && one == s; }
};

struct Ticket {
  int64_t id = 0;
  std::string ref;
  int64_t group_id = 0;
  std::string group_name, group_slug;
  int64_t opened_by = 0;
  std::string opened_by_name;
  std::string subject, body, body_html, category, urgency;
  TicketStatus status = TicketStatus::kNew;
  std::string lang;
  std::optional<int64_t> assignee_id;
  std::string assignee_name;
  int64_t created_at = 0, updated_at = 0;
  std::optional<int64_t> first_response_at, resolved_at, closed_at;
  std::optional<int> helpful;
  std::string helpful_comment;
  std::optional<int64_t> redacted_at;  // its text and files were removed (privacy.closed_ticket_retention_days)
};

struct TicketEvent {
  int64_t id = 0, ticket_id = 0;
  std::optional<int64_t> actor_id;
  std::string actor_name;
  std::string kind, body, body_html;
  bool internal = false;
  std::string old_value, new_value;
  int64_t created_at = 0;

  // Named construction of a new event (for AddEvent; id and actor_name are filled when read):
  //   TicketEvent::Of(ticket_id, "status", now).By(user_id).Change("resolved", "closed")
  static TicketEvent Of(int64_t ticket_id, std::string kind, int64_t at) {
    TicketEvent e;
    e.ticket_id = ticket_id;
    e.kind = std::move(kind);
    e.created_at = at;
    return e;
  }
  TicketEvent&& By(std::optional<int64_t> actor) && {
    actor_id = actor;
    return std::move(*this);
  }
  TicketEvent&& Text(std::string text, std::string html = "", bool is_internal = false) && {
    body = std::move(text);
    body_html = std::move(html);
    internal = is_internal;
    return std::move(*this);
  }
  TicketEvent&& Change(TicketStatus from, TicketStatus to) && {
    return std::move(*this).Change(std::string(ToString(from)), std::string(ToString(to)));
  }
  TicketEvent&& Change(std::string from, std::string to) && {
    old_value = std::move(from);
    new_value = std::move(to);
    return std::move(*this);
  }
};

struct Attachment {
  int64_t id = 0, ticket_id = 0;
  std::optional<int64_t> event_id;
  std::string filename, content_type, sha256;
  int64_t size = 0, uploaded_by = 0, created_at = 0;
};

struct Question {
  int64_t id = 0, ticket_id = 0;
  std::string lang, slug, title, question, answer, question_html, answer_html, category;
  int64_t published_by = 0, created_at = 0;
  bool published = true;
};

struct TicketFilter {
  std::vector<int64_t> group_ids;  // empty: every group (volunteers)
  StatusFilter status;
  std::string category, urgency, lang;
  std::optional<int64_t> assignee;  // 0: unassigned
  std::optional<int64_t> group_id;
  int limit = 200;
  int offset = 0;
  bool queue_order = false;  // new and unassigned first, then urgency, then age (resolved and closed tickets:
                             // the most recently resolved first)
};

}  // namespace entraide::model
