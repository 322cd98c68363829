// TicketService: the help desk. Every call is authorized through auth::Policy with the ticket in hand;
// a ticket the caller may not see is kNotFound (ids reveal nothing). Text people type is rendered once,
// when written, through markdown::RenderBounded. Emails are outbox rows written in the same transaction
// (tickets/notifications.h says who is told); files go through its AttachmentStore. Beside it in tickets/:
// TakeLinkService (a digest's "I'll take it" links) and QuestionService (publishing an answered ticket).
// Thread-safe (each call takes its own connection).
//
// Statuses: kUnauthenticated (nobody signed in); kNotFound; kPermissionDenied (visible but not allowed,
// e.g. a member opening the queue); kConflict (a move the workflow refuses, a lost claim);
// kInvalidArgument naming the field; kTooLarge naming the field (a body or a file over its limit, a ticket
// whose files would pass 100 MiB); kResourceExhausted (a person's hourly limit of tickets, replies or files;
// retry_after_s says how long). Hourly limits and the ticket's total are counted in the transaction that
// writes, so simultaneous requests cannot all slip through.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/principal.h"
#include "core/clock.h"
#include "core/status.h"
#include "model/ticket.h"
#include "tickets/attachment_store.h"
#include "tickets/notifications.h"
#include "tickets/response_targets.h"
#include "tickets/rules.h"

namespace entraide::store {
class Pool;
class Database;
class TicketRepository;
}  // namespace entraide::store

namespace entraide::tickets {

using Ticket = model::Ticket;
using TicketEvent = model::TicketEvent;
using Attachment = model::Attachment;
using Question = model::Question;
using TicketFilter = model::TicketFilter;

struct Limits {
  TextLimits text;            // a description, a reply or a note
  AttachmentLimits files;     // per ticket or reply, per ticket, per person and hour
  int tickets_per_hour = 20;  // per person
  int replies_per_hour = 60;  // per person: replies and internal notes
  int64_t auto_close_after_s = 14 * 24 * 3600;
};

struct NewTicket {
  std::string subject, body, category, urgency = "normal";
  int64_t group_id = 0;  // 0: the person's only group
  std::string lang = "fr";
  std::vector<Upload> uploads;
};

struct ReplyRequest {
  std::string body;
  bool internal = false;   // an internal note (volunteers only)
  bool ask_group = false;  // a public reply that asks the group something -> waiting_on_group
  bool resolve = false;    // a public reply that resolves the ticket
  std::vector<Upload> uploads;
};

// A PATCH: the fields present are changed, all or none.
struct TicketChanges {
  std::optional<std::string> status, urgency, category;
  std::optional<std::optional<int64_t>> assignee;  // present: assign to that volunteer, or to nobody (nullopt)
};

struct TicketView {
  Ticket ticket;
  std::vector<TicketEvent> events;      // without internal notes for the group
  std::vector<Attachment> attachments;  // without the files of internal notes for the group
  std::vector<std::string> linked_article_keys;
  std::optional<Question> question;
  bool can_triage = false;  // the caller is a volunteer here
  bool group_side = false;  // the caller acts for the ticket's group
};

struct VolunteerRef {
  int64_t id = 0;
  std::string name;
};

class TicketService {
 public:
  TicketService(store::Pool& pool, const core::Clock& clock, std::string attachments_dir, std::string base_url,
                Limits limits = {});

  core::StatusOr<Ticket> Create(const auth::Principal* who, NewTicket t, int64_t* retry_after_s);
  // Members: their groups' tickets; volunteers: every ticket (filters apply).
  core::StatusOr<std::vector<Ticket>> List(const auth::Principal* who, TicketFilter filter);
  // The triage queue (volunteers): new and unassigned first, then urgency, then age.
  core::StatusOr<std::vector<Ticket>> Queue(const auth::Principal* who, TicketFilter filter);
  // The first-answer targets (helpdesk.first_answer_hours) the queue marks tickets by; set once by app/ at start.
  void SetResponseTargets(const ResponseTargets& targets) { targets_ = targets; }
  const ResponseTargets& response_targets() const { return targets_; }
  // Called after a change that may have queued mail is committed (a new ticket: its acknowledgement and alerts; a
  // reply; a status change), so that serve's sender delivers it at once rather than at its next poll. Set once by
  // app/ at start; it must be quick and thread-safe (MailWorker::Poke).
  void SetMailQueuedHook(std::function<void()> hook) { mail_queued_ = std::move(hook); }
  core::StatusOr<TicketView> Get(const auth::Principal* who, int64_t id);

  // kResourceExhausted past replies_per_hour or the hourly files limits (retry_after_s set). `event_id`, when
  // given, receives the new event's id.
  core::Status Reply(const auth::Principal* who, int64_t id, ReplyRequest reply, int64_t* retry_after_s = nullptr,
                     int64_t* event_id = nullptr);
  // Checks every field of `changes` (known values, the caller's rights, a move the workflow allows, an active
  // volunteer) before changing any, then makes them all, with their events and emails, in one transaction.
  // The first refusal is returned, in the order status, urgency, category, assignee.
  core::Status Update(const auth::Principal* who, int64_t id, const TicketChanges& changes);
  core::Status ChangeStatus(const auth::Principal* who, int64_t id, std::string_view to);  // a status word
  core::Status Claim(const auth::Principal* who, int64_t id);
  core::Status Assign(const auth::Principal* who, int64_t id, std::optional<int64_t> volunteer);
  core::Status SetUrgency(const auth::Principal* who, int64_t id, const std::string& urgency);
  core::Status SetCategory(const auth::Principal* who, int64_t id, const std::string& category);
  core::Status LinkArticle(const auth::Principal* who, int64_t id, const std::string& article_key);
  core::Status Close(const auth::Principal* who, int64_t id);
  core::Status Reopen(const auth::Principal* who, int64_t id);
  core::Status Helpful(const auth::Principal* who, int64_t id, bool helpful, const std::string& comment);

  // The files of tickets and replies: their limits, where they are kept, a download (AttachmentStore::Get).
  const AttachmentStore& attachments() const { return attachments_; }

  core::StatusOr<std::vector<VolunteerRef>> Volunteers();
  core::StatusOr<std::pair<int64_t, int64_t>> HelpfulCounts(const auth::Principal* who);
  // Closes resolved tickets after 14 days (called before reads, and by serve's worker).
  core::Status AutoClose();

  const Limits& limits() const { return limits_; }

 private:
  ResponseTargets targets_;
  std::function<void()> mail_queued_;
  core::Status MailQueued(core::Status st) const;  // calls mail_queued_ when st is ok, returns st
  template <typename Fn>
  core::Status WithTicket(const auth::Principal* who, int64_t id, Fn&& fn);
  core::Status ApplyChanges(store::Database& db, store::TicketRepository& repo, const auth::Principal& who,
                            const Ticket& t, const TicketChanges& changes, int64_t now);

  store::Pool& pool_;
  const core::Clock& clock_;
  Limits limits_;
  AttachmentStore attachments_;
  Notifier notifier_;
};

}  // namespace entraide::tickets
