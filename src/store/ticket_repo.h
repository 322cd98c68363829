// TicketRepository: the SQL of the help desk (tickets, events, attachments, linked articles, answered
// questions). Borrows a Database; not thread-safe (one per thread). Authorization is not done here:
// tickets/ checks the Policy before calling.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/ticket.h"
#include "store/database.h"

namespace entraide::store {

class TicketRepository {
 public:
  explicit TicketRepository(Database& db) : db_(db) {}

  // The next reference of `year`: ENT-2026-0001, ENT-2026-0002... (call inside the creating transaction).
  StatusOr<std::string> NextRef(int year);
  StatusOr<int64_t> Create(const model::Ticket& t);
  StatusOr<std::optional<model::Ticket>> Find(int64_t id);
  // The id of the ticket with reference `ref` ("ENT-2026-0042", case aside); nullopt when there is none.
  StatusOr<std::optional<int64_t>> IdOfRef(const std::string& ref);
  StatusOr<std::vector<model::Ticket>> List(const model::TicketFilter& f);
  StatusOr<int64_t> CountOpenedSince(int64_t user_id, int64_t since);
  StatusOr<int64_t> OldestOpenedSince(int64_t user_id, int64_t since);

  Status SetStatus(int64_t id, model::TicketStatus status, int64_t now);
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

  StatusOr<int64_t> AddEvent(const model::TicketEvent& e);
  StatusOr<std::vector<model::TicketEvent>> Events(int64_t ticket_id, bool include_internal);
  // Every event `user_id` wrote, on any ticket, internal notes included, oldest first (their data export).
  StatusOr<std::vector<model::TicketEvent>> EventsBy(int64_t user_id);

  // Replies and internal notes `user_id` wrote after `since`, and the oldest one's time (0 when none).
  StatusOr<std::pair<int64_t, int64_t>> CountRepliesSince(int64_t user_id, int64_t since);

  StatusOr<int64_t> AddAttachment(const model::Attachment& a);
  // A ticket's attachments; those of internal notes only with `include_internal` (an attachment is as private
  // as the event it came with).
  StatusOr<std::vector<model::Attachment>> Attachments(int64_t ticket_id, bool include_internal);
  // Attachment `id` of `ticket_id`, under the same rule; nullopt when it is not there or not visible.
  StatusOr<std::optional<model::Attachment>> FindAttachment(int64_t ticket_id, int64_t id, bool include_internal);
  // Every file `user_id` attached, on any ticket, oldest first (their data export).
  StatusOr<std::vector<model::Attachment>> AttachmentsBy(int64_t user_id);
  // The total size of a ticket's attachments, in bytes.
  StatusOr<int64_t> AttachmentBytes(int64_t ticket_id);
  struct UploadsSince {
    int64_t files = 0, bytes = 0, oldest = 0;  // oldest: the first one's time (0 when none)
  };
  // What `user_id` attached after `since`, on every ticket.
  StatusOr<UploadsSince> CountUploadsSince(int64_t user_id, int64_t since);

  Status LinkArticle(int64_t ticket_id, const std::string& key, int64_t by, int64_t now);
  StatusOr<std::vector<std::string>> LinkedArticles(int64_t ticket_id);

  StatusOr<int64_t> CreateQuestion(const model::Question& q);
  StatusOr<std::optional<model::Question>> FindQuestion(const std::string& lang, const std::string& slug);
  StatusOr<std::optional<model::Question>> FindQuestionById(int64_t id);
  StatusOr<std::optional<model::Question>> QuestionOfTicket(int64_t ticket_id);
  StatusOr<std::vector<int64_t>> PublishedQuestionIds();

  // For coordinators: how groups judged the help they got.
  StatusOr<std::pair<int64_t, int64_t>> HelpfulCounts();  // (yes, no)

 private:
  Database& db_;
};

}  // namespace entraide::store
