// TicketRepository: the SQL of the help desk (tickets, events, attachments, linked articles, answered
// questions). Borrows a Database; not thread-safe (one per thread). Authorization is not done here:
// tickets/ checks the Policy before calling.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/database.h"

namespace entraide::store {

struct TicketRecord {
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

struct TicketEventRecord {
  int64_t id = 0, ticket_id = 0;
  std::optional<int64_t> actor_id;
  std::string actor_name;
  std::string kind, body, body_html;
  bool internal = false;
  std::string old_value, new_value;
  int64_t created_at = 0;

  // Named construction of a new event (for AddEvent; id and actor_name are filled when read):
  //   TicketEventRecord::Of(ticket_id, "status", now).By(user_id).Change("resolved", "closed")
  static TicketEventRecord Of(int64_t ticket_id, std::string kind, int64_t at) {
    TicketEventRecord e;
    e.ticket_id = ticket_id;
    e.kind = std::move(kind);
    e.created_at = at;
    return e;
  }
  TicketEventRecord&& By(std::optional<int64_t> actor) && {
    actor_id = actor;
    return std::move(*this);
  }
  TicketEventRecord&& Text(std::string text, std::string html = "", bool is_internal = false) && {
    body = std::move(text);
    body_html = std::move(html);
    internal = is_internal;
    return std::move(*this);
  }
  TicketEventRecord&& Change(std::string from, std::string to) && {
    old_value = std::move(from);
    new_value = std::move(to);
    return std::move(*this);
  }
};

struct AttachmentRecord {
  int64_t id = 0, ticket_id = 0;
  std::optional<int64_t> event_id;
  std::string filename, content_type, sha256;
  int64_t size = 0, uploaded_by = 0, created_at = 0;
};

struct QuestionRecord {
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

class TicketRepository {
 public:
  explicit TicketRepository(Database& db) : db_(db) {}

  // The next reference of `year`: ENT-2026-0001, ENT-2026-0002... (call inside the creating transaction).
  StatusOr<std::string> NextRef(int year);
  StatusOr<int64_t> Create(const TicketRecord& t);
  StatusOr<std::optional<TicketRecord>> Find(int64_t id);
  StatusOr<std::vector<TicketRecord>> List(const TicketFilter& f);
  StatusOr<int64_t> CountOpenedSince(int64_t user_id, int64_t since);
  StatusOr<int64_t> OldestOpenedSince(int64_t user_id, int64_t since);

  Status SetStatus(int64_t id, const std::string& status, int64_t now);
  // Takes the ticket for `volunteer` when nobody else holds it. False when someone else does.
  StatusOr<bool> Claim(int64_t id, int64_t volunteer, int64_t now);
  Status SetAssignee(int64_t id, std::optional<int64_t> assignee, int64_t now);
  Status SetField(int64_t id, const std::string& column, const std::string& value, int64_t now);  // urgency, category
  Status MarkFirstResponse(int64_t id, int64_t now);
  Status SetHelpful(int64_t id, bool helpful, const std::string& comment, int64_t now);
  Status Touch(int64_t id, int64_t now);
  // Whether any resolved ticket is older than `cutoff` (a read: no write lock when there is nothing to do).
  StatusOr<bool> AnyResolvedBefore(int64_t cutoff);
  // Resolved tickets older than `cutoff` become closed; returns their ids.
  StatusOr<std::vector<int64_t>> CloseResolvedBefore(int64_t cutoff, int64_t now);

  StatusOr<int64_t> AddEvent(const TicketEventRecord& e);
  StatusOr<std::vector<TicketEventRecord>> Events(int64_t ticket_id, bool include_internal);
  // Every event `user_id` wrote, on any ticket, internal notes included, oldest first (their data export).
  StatusOr<std::vector<TicketEventRecord>> EventsBy(int64_t user_id);

  // Replies and internal notes `user_id` wrote after `since`, and the oldest one's time (0 when none).
  StatusOr<std::pair<int64_t, int64_t>> CountRepliesSince(int64_t user_id, int64_t since);

  StatusOr<int64_t> AddAttachment(const AttachmentRecord& a);
  // A ticket's attachments; those of internal notes only with `include_internal` (an attachment is as private
  // as the event it came with).
  StatusOr<std::vector<AttachmentRecord>> Attachments(int64_t ticket_id, bool include_internal);
  // Attachment `id` of `ticket_id`, under the same rule; nullopt when it is not there or not visible.
  StatusOr<std::optional<AttachmentRecord>> FindAttachment(int64_t ticket_id, int64_t id, bool include_internal);
  // Every file `user_id` attached, on any ticket, oldest first (their data export).
  StatusOr<std::vector<AttachmentRecord>> AttachmentsBy(int64_t user_id);
  // The total size of a ticket's attachments, in bytes.
  StatusOr<int64_t> AttachmentBytes(int64_t ticket_id);
  struct UploadsSince {
    int64_t files = 0, bytes = 0, oldest = 0;  // oldest: the first one's time (0 when none)
  };
  // What `user_id` attached after `since`, on every ticket.
  StatusOr<UploadsSince> CountUploadsSince(int64_t user_id, int64_t since);

  Status LinkArticle(int64_t ticket_id, const std::string& key, int64_t by, int64_t now);
  StatusOr<std::vector<std::string>> LinkedArticles(int64_t ticket_id);

  StatusOr<int64_t> CreateQuestion(const QuestionRecord& q);
  StatusOr<std::optional<QuestionRecord>> FindQuestion(const std::string& lang, const std::string& slug);
  StatusOr<std::optional<QuestionRecord>> FindQuestionById(int64_t id);
  StatusOr<std::optional<QuestionRecord>> QuestionOfTicket(int64_t ticket_id);
  StatusOr<std::vector<int64_t>> PublishedQuestionIds();

  // For coordinators: how groups judged the help they got.
  StatusOr<std::pair<int64_t, int64_t>> HelpfulCounts();  // (yes, no)

 private:
  Database& db_;
};

}  // namespace entraide::store
