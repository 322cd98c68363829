// A ticket of the help desk, its history (events), attached files, answered questions, and the filter of a queue.
// Plain values (std only, no SQLite, no Xapian): store/ and search/ fill them, services hand them to
// http/ and app/. See docs/ARCHITECTURE.md, "model/".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace entraide::model {

struct Ticket {
  int64_t id = 0;
  std::string ref;
  int64_t group_id = 0;
  std::string group_name, group_slug;
  int64_t opened_by = 0;
  std::string opened_by_name;
  std::string subject, body, body_html, category, urgency, status, lang;
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
  std::string status;              // "", a status, "open" (any open status)
  std::string category, urgency, lang;
  std::optional<int64_t> assignee;  // 0: unassigned
  std::optional<int64_t> group_id;
  int limit = 200;
  int offset = 0;
  bool queue_order = false;  // new and unassigned first, then urgency, then age (resolved and closed tickets:
                             // the most recently resolved first)
};

}  // namespace entraide::model
