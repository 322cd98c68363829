#include "tickets/ticket_service.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "auth/policy.h"
#include "core/clock.h"
#include "core/json_writer.h"
#include "core/sha256.h"
#include "core/strings.h"
#include "markdown/markdown.h"
#include "store/account_repo.h"
#include "store/article_repo.h"
#include "store/pool.h"
#include "store/take_link_repo.h"
#include "store/ticket_repo.h"
#include "tickets/filename.h"
#include "tickets/workflow.h"

namespace entraide::tickets {
namespace fs = std::filesystem;
using Event = model::TicketEvent;

namespace {

// The catalog has sentences for the subject and the body (the forms people fill in); the other texts are
// written by volunteers, who read the English message.
std::string TextKey(const std::string& field, bool missing) {
  if (field == "subject") return missing ? "error_subject_required" : "error_subject_too_long";
  if (field == "body") return missing ? "error_body_required" : "error_body_too_long";
  return "";
}

core::Status CheckText(const std::string& text, const std::string& field, size_t max) {
  if (core::Trim(text).empty()) return core::InvalidField(field, "required").WithKey(TextKey(field, true));
  if (text.size() > max)
    return core::TooLarge(field + ": " + std::to_string(text.size()) + " bytes; the limit is " + std::to_string(max))
        .For(field)
        .WithKey(TextKey(field, false));
  if (!core::IsValidUtf8(text)) return core::InvalidField(field, "not valid UTF-8");
  return core::Status::Ok();
}

std::string Excerpt(const std::string& text) {
  std::string t(core::Trim(text));
  if (t.size() <= 280) return t;
  return std::string(core::Utf8Prefix(t, 280)) + "…";
}

int YearOf(int64_t epoch) { return std::stoi(core::FormatIso8601Utc(epoch).substr(0, 4)); }

// The refusal of a person's hourly limit on `what` ("60 replies"), saying how long until `oldest`, the first
// thing counted, leaves the hour; `key` is the catalog's sentence, which says it in minutes.
core::Status OverHourlyLimit(const std::string& what, const char* key, int64_t oldest, int64_t now,
                             int64_t* retry_after_s) {
  int64_t wait = oldest > 0 ? std::clamp<int64_t>(oldest + 3600 - now, 1, 3600) : 3600;
  if (retry_after_s) *retry_after_s = wait;
  std::string minutes = std::to_string(wait / 60 + 1);
  return core::ResourceExhausted("at most " + what + " an hour; try again in " + minutes + " minutes")
      .WithKey(key, {{"minutes", minutes}});
}

core::Status UnknownCategory(const std::string& slug) {
  return core::InvalidField("category", "unknown category '" + slug + "'").WithKey("error_category_unknown");
}

std::string Mib(int64_t bytes) { return std::to_string(bytes / (1024 * 1024)) + " MiB"; }

// Moves a ticket to `to` and records it (the caller has checked the move).
core::Status MoveTo(store::TicketRepository& repo, std::optional<int64_t> actor, const Ticket& t, TicketStatus to,
                    int64_t now) {
  ENTRAIDE_RETURN_IF_ERROR(repo.SetStatus(t.id, to, now));
  auto ev = repo.AddEvent(Event::Of(t.id, "status", now).By(actor).Change(t.status, to));
  return ev.ok() ? core::Status::Ok() : ev.status();
}

// May `who` move `t` to `to`? The group closes and reopens its tickets; every other move is the volunteers'.
core::Status CheckStatusChange(const auth::Principal& who, const Ticket& t, TicketStatus to) {
  bool close_or_reopen = to == TicketStatus::kClosed || (to == TicketStatus::kTriaged && !IsOpen(t.status));
  bool group_side = close_or_reopen && who.InGroup(t.group_id);
  if (!group_side) ENTRAIDE_RETURN_IF_ERROR(auth::Require(&who, auth::Action::kTriage));
  return CheckMove(t.status, to, group_side ? Side::kGroup : Side::kVolunteer);
}

std::string SafeContentType(const std::string& type) {
  std::string t = core::ToLowerAscii(core::Trim(type.substr(0, type.find(';'))));
  size_t slash = t.find('/');
  if (slash == std::string::npos || t.size() > 100) return "application/octet-stream";
  for (char c : t)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '-' || c == '+' || c == '.'))
      return "application/octet-stream";
  return t;
}

}  // namespace

TicketService::TicketService(store::Pool& pool, const core::Clock& clock, std::string attachments_dir,
                             std::string base_url, Limits limits)
    : pool_(pool),
      clock_(clock),
      attachments_dir_(std::move(attachments_dir)),
      base_url_(std::move(base_url)),
      limits_(limits) {}

core::StatusOr<std::string> TicketService::Render(const std::string& text, const std::string& field) {
  markdown::Limits l;
  l.max_bytes = limits_.max_text_bytes;
  l.budget_ms = limits_.render_budget_ms;
  markdown::Options o;
  o.min_heading_level = 3;  // under the page's h1 and h2
  auto r = markdown::RenderBounded(text, l, o);
  if (!r.ok()) {
    // CheckText has refused a text too long or not UTF-8: what is left is formatted HTML over its cap.
    core::Status st = core::Status(r.status().code(), field + ": " + r.status().message()).For(field);
    if (field != "body" || st.code() != core::StatusCode::kInvalidArgument) return st;
    return std::move(st).WithKey("error_body_formatted_too_large");
  }
  return r->html;
}

// Runs `fn` in one write transaction with the ticket loaded; kNotFound when the caller may not see it.
template <typename Fn>
core::Status TicketService::WithTicket(const auth::Principal* who, int64_t id, Fn&& fn) {
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::TicketRepository repo(**db);
  int64_t now = clock_.NowSeconds();
  return store::InTransaction(**db, [&]() -> core::Status {
    auto t = LoadVisible(repo, who, id);
    if (!t.ok()) return t.status();
    return fn(**db, repo, *t, now);
  });
}

core::StatusOr<Ticket> TicketService::LoadVisible(store::TicketRepository& repo, const auth::Principal* who,
                                                  int64_t id) {
  if (!who) return core::Unauthenticated("sign in first");
  auto t = repo.Find(id);
  if (!t.ok()) return t.status();
  // Not visible is the same answer as not there: ids reveal nothing.
  if (!*t || !auth::Allows(who, auth::Action::kReadGroupItem, (*t)->group_id)) return core::NotFound("no such ticket");
  return **t;
}

core::Status TicketService::Notify(store::Database& db, const Ticket& t, const std::string& kind,
                                   const std::string& excerpt, const auth::Principal& actor, bool to_group) {
  store::AccountRepository accounts(db);
  std::vector<model::User> recipients;
  if (to_group) {
    auto members = accounts.MembersOf(t.group_id);
    if (!members.ok()) return members.status();
    recipients = std::move(members).value();
  } else if (t.assignee_id) {
    auto a = accounts.FindUserById(*t.assignee_id);
    if (!a.ok()) return a.status();
    if (*a) recipients.push_back(**a);
  }
  int64_t now = clock_.NowSeconds();
  for (const auto& u : recipients) {
    if (!u.active || u.id == actor.user_id) continue;
    core::JsonWriter w;
    w.BeginObject().Field("ticket_id", t.id).Field("ref", t.ref).Field("subject", t.subject);
    w.Field("url", base_url_ + "/" + u.lang + "/tickets/" + std::to_string(t.id)).Field("excerpt", excerpt);
    w.Field("actor", actor.name).Field("name", u.name).Field("thread", "ticket-" + std::to_string(t.id)).EndObject();
    auto m = store::OutboxMessage::To(kind, u.id, u.email, u.name, u.lang, w.Take(), now);
    m.thread_key = "ticket:" + std::to_string(t.id);  // one thread per ticket in the reader's mailbox
    auto id = accounts.EnqueueMail(m);
    if (!id.ok()) return id.status();
  }
  return core::Status::Ok();
}

core::Status TicketService::StoreUploads(store::TicketRepository& repo, const auth::Principal& who, int64_t ticket_id,
                                         std::optional<int64_t> event_id, const std::vector<Upload>& uploads,
                                         int64_t now, int64_t* retry_after_s) {
  if (uploads.empty()) return core::Status::Ok();
  int64_t adding = 0;
  for (const auto& u : uploads) adding += u.size;
  auto recent = repo.CountUploadsSince(who.user_id, now - 3600);
  if (!recent.ok()) return recent.status();
  if (recent->files + static_cast<int64_t>(uploads.size()) > limits_.files_per_hour)
    return OverHourlyLimit(std::to_string(limits_.files_per_hour) + " files", "error_too_many_files", recent->oldest,
                           now, retry_after_s);
  if (recent->bytes + adding > limits_.file_bytes_per_hour)
    return OverHourlyLimit(Mib(limits_.file_bytes_per_hour) + " of files", "error_too_many_files", recent->oldest, now,
                           retry_after_s);
  auto held = repo.AttachmentBytes(ticket_id);
  if (!held.ok()) return held.status();
  if (*held + adding > limits_.max_ticket_bytes)
    return core::TooLarge("attachments: a ticket holds at most " + Mib(limits_.max_ticket_bytes) +
                          " of files; this one has " + Mib(std::max<int64_t>(0, limits_.max_ticket_bytes - *held)) +
                          " left")
        .For("attachments")
        .WithKey("error_ticket_files_full");
  for (const auto& u : uploads) {
    if (u.sha256.size() != 64) return core::Internal("upload without a hash");
    fs::path dir = fs::path(attachments_dir_) / u.sha256.substr(0, 2);
    std::error_code ec;
    fs::create_directories(dir, ec);
    fs::path dest = dir / u.sha256;
    // Content-addressed: the same file uploaded twice is stored once.
    if (!fs::exists(dest, ec)) {
      fs::rename(u.temp_path, dest, ec);
      if (ec) {
        fs::copy_file(u.temp_path, dest, fs::copy_options::overwrite_existing, ec);
        if (ec) return core::Unavailable("cannot store the attachment: " + ec.message());
      }
    }
    model::Attachment a;
    a.ticket_id = ticket_id;
    a.event_id = event_id;
    a.filename = SafeFilename(u.filename);
    a.content_type = SafeContentType(u.content_type);
    a.size = u.size;
    a.sha256 = u.sha256;
    a.uploaded_by = who.user_id;
    a.created_at = now;
    auto id = repo.AddAttachment(a);
    if (!id.ok()) return id.status();
  }
  return core::Status::Ok();
}

namespace {
core::Status CheckUploads(const std::vector<Upload>& uploads, const Limits& limits) {
  if (static_cast<int>(uploads.size()) > limits.max_files)
    return core::InvalidField("attachments", "at most " + std::to_string(limits.max_files) + " files")
        .WithKey("error_attachments_count");
  for (const auto& u : uploads)
    if (u.size > limits.max_file_bytes)
      return core::TooLarge("attachments: " + SafeFilename(u.filename) + " is over the limit of " +
                            Mib(limits.max_file_bytes))
          .For("attachments")
          .WithKey("error_attachment_too_large");
  return core::Status::Ok();
}
}  // namespace

core::StatusOr<Ticket> TicketService::Create(const auth::Principal* who, NewTicket t, int64_t* retry_after_s) {
  if (!who) return core::Unauthenticated("sign in first");
  if (t.group_id == 0) {
    if (who->groups.size() != 1)
      return who->groups.empty()
                 ? core::InvalidField("group", "you are not a member of any group").WithKey("ticket_no_group")
                 : core::InvalidField("group", "choose the group this ticket is for").WithKey("error_group_choose");
    t.group_id = who->groups[0].id;
  }
  ENTRAIDE_RETURN_IF_ERROR(auth::Require(who, auth::Action::kActForGroup, t.group_id));
  t.subject = std::string(core::Trim(t.subject));
  ENTRAIDE_RETURN_IF_ERROR(CheckText(t.subject, "subject", 200));
  for (char c : t.subject)
    if (c == '\n' || c == '\r') return core::InvalidField("subject", "one line only").WithKey("error_subject_one_line");
  ENTRAIDE_RETURN_IF_ERROR(CheckText(t.body, "body", limits_.max_text_bytes));
  if (!IsUrgency(t.urgency)) return core::InvalidField("urgency", "must be low, normal, high or blocking");
  ENTRAIDE_RETURN_IF_ERROR(CheckUploads(t.uploads, limits_));
  auto html = Render(t.body, "body");  // once, now, bounded: never per view
  if (!html.ok()) return html.status();

  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::TicketRepository repo(**db);
  store::AccountRepository accounts(**db);
  auto cats = accounts.TicketCategories(false);
  if (!cats.ok()) return cats.status();
  bool known = false;
  for (const auto& c : *cats) known = known || c.slug == t.category;
  if (!known) return UnknownCategory(t.category);

  int64_t now = clock_.NowSeconds();
  Ticket created;
  ENTRAIDE_RETURN_IF_ERROR(store::InTransaction(**db, [&]() -> core::Status {
    // Counted inside the write transaction: simultaneous requests from one person cannot all slip through.
    auto recent = repo.CountOpenedSince(who->user_id, now - 3600);
    if (!recent.ok()) return recent.status();
    if (*recent >= limits_.tickets_per_hour) {
      auto oldest = repo.OldestOpenedSince(who->user_id, now - 3600);
      if (!oldest.ok()) return oldest.status();
      return OverHourlyLimit(std::to_string(limits_.tickets_per_hour) + " tickets", "error_too_many_tickets", *oldest,
                             now, retry_after_s);
    }
    auto ref = repo.NextRef(YearOf(now));
    if (!ref.ok()) return ref.status();
    Ticket r;
    r.ref = *ref;
    r.group_id = t.group_id;
    r.opened_by = who->user_id;
    r.subject = t.subject;
    r.body = t.body;
    r.body_html = *html;
    r.category = t.category;
    r.urgency = t.urgency;
    r.status = TicketStatus::kNew;
    r.lang = t.lang == "en" ? "en" : "fr";
    r.created_at = r.updated_at = now;
    auto id = repo.Create(r);
    if (!id.ok()) return id.status();
    auto ev = repo.AddEvent(
        Event::Of(*id, "created", now).By(who->user_id).Change("", std::string(ToString(TicketStatus::kNew))));
    if (!ev.ok()) return ev.status();
    ENTRAIDE_RETURN_IF_ERROR(StoreUploads(repo, *who, *id, *ev, t.uploads, now, retry_after_s));
    auto loaded = repo.Find(*id);
    if (!loaded.ok()) return loaded.status();
    created = **loaded;
    return core::Status::Ok();
  }));
  return created;
}

core::Status TicketService::AutoClose() {
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::TicketRepository repo(**db);
  int64_t now = clock_.NowSeconds();
  // Most reads find nothing to close: check without taking the write lock.
  auto due = repo.AnyResolvedBefore(now - limits_.auto_close_after_s);
  if (!due.ok()) return due.status();
  if (!*due) return core::Status::Ok();
  return store::InTransaction(**db, [&]() -> core::Status {
    auto ids = repo.CloseResolvedBefore(now - limits_.auto_close_after_s, now);
    if (!ids.ok()) return ids.status();
    for (int64_t id : *ids) {
      auto ev = repo.AddEvent(Event::Of(id, "status", now).Change(TicketStatus::kResolved, TicketStatus::kClosed));
      if (!ev.ok()) return ev.status();
    }
    return core::Status::Ok();
  });
}

core::StatusOr<std::vector<Ticket>> TicketService::List(const auth::Principal* who, TicketFilter filter) {
  if (!who) return core::Unauthenticated("sign in first");
  (void)AutoClose();
  if (!who->IsVolunteer()) {
    filter.group_ids.clear();
    for (const auto& g : who->groups) filter.group_ids.push_back(g.id);
    if (filter.group_ids.empty()) return std::vector<Ticket>{};
    if (filter.group_id && !who->InGroup(*filter.group_id)) return std::vector<Ticket>{};
  }
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  return store::TicketRepository(**db).List(filter);
}

core::StatusOr<std::vector<Ticket>> TicketService::Queue(const auth::Principal* who, TicketFilter filter) {
  ENTRAIDE_RETURN_IF_ERROR(auth::Require(who, auth::Action::kTriage));
  (void)AutoClose();
  if (filter.status.scope == model::StatusFilter::Scope::kAny) filter.status = model::StatusFilter::Open();
  filter.queue_order = true;
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  return store::TicketRepository(**db).List(filter);
}

core::StatusOr<TicketView> TicketService::Get(const auth::Principal* who, int64_t id) {
  (void)AutoClose();
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::TicketRepository repo(**db);
  auto t = LoadVisible(repo, who, id);
  if (!t.ok()) return t.status();
  TicketView v;
  v.ticket = std::move(t).value();
  v.group_side = who->InGroup(v.ticket.group_id);
  v.can_triage = auth::Allows(who, auth::Action::kTriage);
  auto events = repo.Events(id, v.can_triage);  // internal notes never reach the group
  if (!events.ok()) return events.status();
  v.events = std::move(events).value();
  auto atts = repo.Attachments(id, v.can_triage);  // nor the files of internal notes
  if (!atts.ok()) return atts.status();
  v.attachments = std::move(atts).value();
  for (auto& a : v.attachments) a.filename = SafeFilename(a.filename);  // files stored before the names were cleaned
  auto links = repo.LinkedArticles(id);
  if (!links.ok()) return links.status();
  v.linked_article_keys = std::move(links).value();
  auto q = repo.QuestionOfTicket(id);
  if (!q.ok()) return q.status();
  v.question = *q;
  return v;
}

core::Status TicketService::Reply(const auth::Principal* who, int64_t id, ReplyRequest reply, int64_t* retry_after_s) {
  ENTRAIDE_RETURN_IF_ERROR(CheckText(reply.body, "body", limits_.max_text_bytes));
  ENTRAIDE_RETURN_IF_ERROR(CheckUploads(reply.uploads, limits_));
  auto html = Render(reply.body, "body");
  if (!html.ok()) return html.status();
  return WithTicket(
      who, id, [&](store::Database& db, store::TicketRepository& repo, const Ticket& t, int64_t now) -> core::Status {
        bool group_side = who->InGroup(t.group_id);
        bool volunteer = !group_side && auth::Allows(who, auth::Action::kTriage);
        if (!group_side && !volunteer) return core::PermissionDenied("not allowed");
        if (reply.internal && !auth::Allows(who, auth::Action::kTriage))
          return core::PermissionDenied("internal notes are for volunteers");
        auto recent = repo.CountRepliesSince(who->user_id, now - 3600);
        if (!recent.ok()) return recent.status();
        if (recent->first >= limits_.replies_per_hour)
          return OverHourlyLimit(std::to_string(limits_.replies_per_hour) + " replies", "error_too_many_replies",
                                 recent->second, now, retry_after_s);
        if (reply.internal) {
          auto ev = repo.AddEvent(Event::Of(id, "note", now).By(who->user_id).Text(reply.body, *html, true));
          if (!ev.ok()) return ev.status();
          ENTRAIDE_RETURN_IF_ERROR(StoreUploads(repo, *who, id, *ev, reply.uploads, now, retry_after_s));
          return repo.Touch(id, now);
        }
        auto ev = repo.AddEvent(Event::Of(id, "reply", now).By(who->user_id).Text(reply.body, *html));
        if (!ev.ok()) return ev.status();
        ENTRAIDE_RETURN_IF_ERROR(StoreUploads(repo, *who, id, *ev, reply.uploads, now, retry_after_s));
        ENTRAIDE_RETURN_IF_ERROR(repo.Touch(id, now));
        using enum TicketStatus;
        std::optional<TicketStatus> next;
        if (group_side) {
          // The group answers: a question asked of it is answered; a finished ticket is reopened.
          if (t.status == kWaitingOnGroup)
            next = kInProgress;
          else if (IsFinished(t.status))
            next = kTriaged;
          ENTRAIDE_RETURN_IF_ERROR(Notify(db, t, "ticket_group_reply", Excerpt(reply.body), *who, false));
        } else {
          ENTRAIDE_RETURN_IF_ERROR(repo.MarkFirstResponse(id, now));
          if (reply.resolve)
            next = kResolved;
          else if (reply.ask_group)
            next = kWaitingOnGroup;
          else if (t.status == kNew || t.status == kTriaged)
            next = kInProgress;
          if (next && *next != t.status && !IsFinished(t.status))
            ENTRAIDE_RETURN_IF_ERROR(CheckMove(t.status, *next, Side::kVolunteer));
          if (IsFinished(t.status)) next.reset();  // replying does not reopen for volunteers
          std::string kind = next == kResolved         ? "ticket_resolved"
                             : next == kWaitingOnGroup ? "ticket_question"
                                                       : "ticket_reply";
          ENTRAIDE_RETURN_IF_ERROR(Notify(db, t, kind, Excerpt(reply.body), *who, true));
        }
        if (next && *next != t.status) return MoveTo(repo, who->user_id, t, *next, now);
        return core::Status::Ok();
      });
}

core::Status TicketService::Update(const auth::Principal* who, int64_t id, const TicketChanges& changes) {
  return WithTicket(who, id, [&](store::Database& db, store::TicketRepository& repo, const Ticket& t, int64_t now) {
    return ApplyChanges(db, repo, *who, t, changes, now);
  });
}

core::Status TicketService::ApplyChanges(store::Database& db, store::TicketRepository& repo, const auth::Principal& who,
                                         const Ticket& t, const TicketChanges& changes, int64_t now) {
  // Every change is checked before any is made: a refused one leaves the ticket and its history as they were.
  store::AccountRepository accounts(db);
  std::optional<TicketStatus> to;
  if (changes.status) {
    auto parsed = ParseStatusField(*changes.status);
    if (!parsed.ok()) return parsed.status();
    to = *parsed;
    ENTRAIDE_RETURN_IF_ERROR(CheckStatusChange(who, t, *to));
  }
  if (changes.urgency || changes.category || changes.assignee)
    ENTRAIDE_RETURN_IF_ERROR(auth::Require(&who, auth::Action::kTriage));
  if (changes.urgency && !IsUrgency(*changes.urgency))
    return core::InvalidField("urgency", "must be low, normal, high or blocking");
  if (changes.category) {
    auto cats = accounts.TicketCategories(false);
    if (!cats.ok()) return cats.status();
    if (std::none_of(cats->begin(), cats->end(), [&](const auto& c) { return c.slug == *changes.category; }))
      return UnknownCategory(*changes.category);
  }
  std::string assignee_name;
  if (changes.assignee && *changes.assignee) {
    auto u = accounts.FindUserById(**changes.assignee);
    if (!u.ok()) return u.status();
    if (!*u || !(*u)->active || ((*u)->role != model::Role::kVolunteer && (*u)->role != model::Role::kCoordinator))
      return core::InvalidField("assignee", "not an active volunteer");
    assignee_name = (*u)->name;
  }

  // Then all of them, with their events and emails, in the caller's transaction.
  auto record = [&](const std::string& kind, const std::string& old_value, const std::string& new_value) {
    auto ev = repo.AddEvent(Event::Of(t.id, kind, now).By(who.user_id).Change(old_value, new_value));
    return ev.ok() ? core::Status::Ok() : ev.status();
  };
  if (to) {
    ENTRAIDE_RETURN_IF_ERROR(MoveTo(repo, who.user_id, t, *to, now));
    if (*to == TicketStatus::kResolved) ENTRAIDE_RETURN_IF_ERROR(Notify(db, t, "ticket_resolved", "", who, true));
  }
  if (changes.urgency && *changes.urgency != t.urgency) {
    ENTRAIDE_RETURN_IF_ERROR(repo.SetField(t.id, "urgency", *changes.urgency, now));
    ENTRAIDE_RETURN_IF_ERROR(record("urgency", t.urgency, *changes.urgency));
  }
  if (changes.category && *changes.category != t.category) {
    ENTRAIDE_RETURN_IF_ERROR(repo.SetField(t.id, "category", *changes.category, now));
    ENTRAIDE_RETURN_IF_ERROR(record("category", t.category, *changes.category));
  }
  if (changes.assignee && *changes.assignee != t.assignee_id) {
    ENTRAIDE_RETURN_IF_ERROR(repo.SetAssignee(t.id, *changes.assignee, now));
    ENTRAIDE_RETURN_IF_ERROR(record("assign", t.assignee_name, assignee_name));
  }
  return core::Status::Ok();
}

core::Status TicketService::ChangeStatus(const auth::Principal* who, int64_t id, std::string_view to) {
  TicketChanges c;
  c.status = std::string(to);
  return Update(who, id, c);
}

core::Status TicketService::ClaimLoaded(store::TicketRepository& repo, const auth::Principal& who, const Ticket& t,
                                        int64_t now) {
  ENTRAIDE_RETURN_IF_ERROR(auth::Require(&who, auth::Action::kTriage));
  if (!IsOpen(t.status)) return core::Conflict("only an open ticket can be claimed");
  auto won = repo.Claim(t.id, who.user_id, now);
  if (!won.ok()) return won.status();
  if (!*won) return core::Conflict(t.assignee_name + " already holds this ticket");
  if (t.assignee_id && t.assignee_id == who.user_id) return core::Status::Ok();  // already mine
  auto ev = repo.AddEvent(Event::Of(t.id, "assign", now).By(who.user_id).Change(t.assignee_name, who.name));
  if (!ev.ok()) return ev.status();
  if (t.status == TicketStatus::kNew || t.status == TicketStatus::kTriaged)
    return MoveTo(repo, who.user_id, t, TicketStatus::kInProgress, now);
  return core::Status::Ok();
}

core::Status TicketService::Claim(const auth::Principal* who, int64_t id) {
  return WithTicket(who, id,
                    [&](store::Database& /*db*/, store::TicketRepository& repo, const Ticket& t,
                        int64_t now) -> core::Status { return ClaimLoaded(repo, *who, t, now); });
}

core::StatusOr<TakeOutcome> TicketService::CheckTakeLink(const std::string& token) {
  return FollowTakeLink(token, false);
}

core::StatusOr<TakeOutcome> TicketService::TakeWithLink(const std::string& token) {
  return FollowTakeLink(token, true);
}

core::StatusOr<TakeOutcome> TicketService::FollowTakeLink(const std::string& token, bool use) {
  core::Status bad = core::Unauthenticated("this link is not valid");
  if (token.size() != 64 ||
      !std::all_of(token.begin(), token.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }))
    return bad;
  std::string hash = core::Sha256Hex(token);
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::TicketRepository repo(**db);
  store::TakeLinkRepository links(**db);
  int64_t now = clock_.NowSeconds();
  TakeOutcome out;
  // A write transaction even to look: the link, the ticket and the claim are read and changed together.
  core::Status st = store::InTransaction(**db, [&]() -> core::Status {
    auto link = links.Find(hash);
    if (!link.ok()) return link.status();
    if (!*link) return bad;
    auto user = store::AccountRepository(**db).FindUserById((*link)->user_id);
    if (!user.ok()) return user.status();
    if (!*user || !(*user)->active ||
        ((*user)->role != model::Role::kVolunteer && (*user)->role != model::Role::kCoordinator))
      return bad;
    auto ticket = repo.Find((*link)->ticket_id);
    if (!ticket.ok()) return ticket.status();
    if (!*ticket) return bad;
    const Ticket& t = **ticket;
    const model::User& u = **user;
    out.ticket_id = t.id;
    out.ref = t.ref;
    out.subject = t.subject;
    out.volunteer_id = u.id;
    out.volunteer_name = u.name;
    out.holder_name = t.assignee_name;
    bool mine = t.assignee_id && *t.assignee_id == u.id;
    using R = TakeOutcome::Result;
    if ((*link)->used_at) {
      out.result = mine ? R::kAlreadyYours : t.assignee_id ? R::kTakenByOther : R::kUsed;
    } else if (now >= (*link)->expires_at) {
      out.result = R::kExpired;
    } else if (mine) {
      out.result = R::kAlreadyYours;
      if (use) {
        auto used = links.Use(hash, now);
        if (!used.ok()) return used.status();
      }
    } else if (t.assignee_id) {
      out.result = R::kTakenByOther;
    } else if (!IsOpen(t.status)) {
      out.result = R::kNotOpen;
    } else if (!use) {
      out.result = R::kReady;
    } else {
      auto used = links.Use(hash, now);
      if (!used.ok()) return used.status();
      if (!*used) return core::Unavailable("this link is being used: try again");
      auth::Principal who{u.id, u.email, u.name, u.role, u.lang, {}};
      ENTRAIDE_RETURN_IF_ERROR(ClaimLoaded(repo, who, t, now));
      out.result = R::kTaken;
      out.holder_name = u.name;
    }
    return core::Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

core::Status TicketService::Assign(const auth::Principal* who, int64_t id, std::optional<int64_t> volunteer) {
  TicketChanges c;
  c.assignee = volunteer;
  return Update(who, id, c);
}

core::Status TicketService::SetUrgency(const auth::Principal* who, int64_t id, const std::string& urgency) {
  TicketChanges c;
  c.urgency = urgency;
  return Update(who, id, c);
}

core::Status TicketService::SetCategory(const auth::Principal* who, int64_t id, const std::string& category) {
  TicketChanges c;
  c.category = category;
  return Update(who, id, c);
}

core::Status TicketService::LinkArticle(const auth::Principal* who, int64_t id, const std::string& article_key) {
  return WithTicket(
      who, id,
      [&](store::Database& db, store::TicketRepository& repo, const Ticket& /*t*/, int64_t now) -> core::Status {
        ENTRAIDE_RETURN_IF_ERROR(auth::Require(who, auth::Action::kTriage));
        auto versions = store::ArticleRepository(db).ServedByKey(article_key);
        if (!versions.ok()) return versions.status();
        if (versions->empty())
          return core::InvalidField("article", "no article with key '" + article_key + "'")
              .WithKey("error_article_unknown");
        ENTRAIDE_RETURN_IF_ERROR(repo.LinkArticle(id, article_key, who->user_id, now));
        auto ev = repo.AddEvent(Event::Of(id, "link", now).By(who->user_id).Change("", article_key));
        return ev.ok() ? core::Status::Ok() : ev.status();
      });
}

core::Status TicketService::Close(const auth::Principal* who, int64_t id) {
  return ChangeStatus(who, id, ToString(TicketStatus::kClosed));
}

core::Status TicketService::Reopen(const auth::Principal* who, int64_t id) {
  return WithTicket(
      who, id, [&](store::Database& db, store::TicketRepository& repo, const Ticket& t, int64_t now) -> core::Status {
        if (IsOpen(t.status)) return core::Conflict("only a resolved or closed ticket can be reopened");
        TicketChanges c;
        c.status = std::string(ToString(TicketStatus::kTriaged));
        return ApplyChanges(db, repo, *who, t, c, now);
      });
}

core::Status TicketService::Helpful(const auth::Principal* who, int64_t id, bool helpful, const std::string& comment) {
  if (comment.size() > 2000) return core::TooLarge("comment: at most 2000 characters").For("comment");
  if (!core::IsValidUtf8(comment)) return core::InvalidField("comment", "not valid UTF-8");
  return WithTicket(
      who, id,
      [&](store::Database& /*db*/, store::TicketRepository& repo, const Ticket& t, int64_t now) -> core::Status {
        ENTRAIDE_RETURN_IF_ERROR(auth::Require(who, auth::Action::kActForGroup, t.group_id));
        if (!IsFinished(t.status))
          return core::Conflict("you can say whether the help worked once the ticket is resolved");
        ENTRAIDE_RETURN_IF_ERROR(repo.SetHelpful(id, helpful, std::string(core::Trim(comment)), now));
        auto ev = repo.AddEvent(Event::Of(id, "helpful", now)
                                    .By(who->user_id)
                                    .Text(std::string(core::Trim(comment)))
                                    .Change("", helpful ? "yes" : "no"));
        return ev.ok() ? core::Status::Ok() : ev.status();
      });
}

core::StatusOr<Question> TicketService::Publish(const auth::Principal* who, int64_t id, const std::string& title,
                                                const std::string& question, const std::string& answer) {
  ENTRAIDE_RETURN_IF_ERROR(CheckText(title, "title", 200));
  ENTRAIDE_RETURN_IF_ERROR(CheckText(question, "question", limits_.max_text_bytes));
  ENTRAIDE_RETURN_IF_ERROR(CheckText(answer, "answer", limits_.max_text_bytes));
  auto qhtml = Render(question, "question");
  if (!qhtml.ok()) return qhtml.status();
  auto ahtml = Render(answer, "answer");
  if (!ahtml.ok()) return ahtml.status();
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::TicketRepository repo(**db);
  int64_t now = clock_.NowSeconds();
  Question q;
  ENTRAIDE_RETURN_IF_ERROR(store::InTransaction(**db, [&]() -> core::Status {
    auto t = LoadVisible(repo, who, id);
    if (!t.ok()) return t.status();
    ENTRAIDE_RETURN_IF_ERROR(auth::Require(who, auth::Action::kTriage));
    if (!IsFinished(t->status))
      return core::Conflict("only a resolved ticket can be published as an answered question");
    auto existing = repo.QuestionOfTicket(id);
    if (!existing.ok()) return existing.status();
    if (*existing) return core::Conflict("this ticket is already published");
    q.ticket_id = id;
    q.lang = t->lang;
    std::string base = core::Slugify(title);
    if (base.empty()) base = "question";
    q.slug = base + "-" + std::to_string(id);
    q.title = std::string(core::Trim(title));
    q.question = question;
    q.answer = answer;
    q.question_html = *qhtml;
    q.answer_html = *ahtml;
    q.category = t->category;
    q.published_by = who->user_id;
    q.created_at = now;
    auto qid = repo.CreateQuestion(q);
    if (!qid.ok()) return qid.status();
    q.id = *qid;
    // The search index follows the store: queued in the same transaction.
    ENTRAIDE_RETURN_IF_ERROR(store::IndexQueue(**db).Enqueue("question", q.id));
    auto ev = repo.AddEvent(Event::Of(id, "published", now).By(who->user_id).Change("", q.slug));
    return ev.ok() ? core::Status::Ok() : ev.status();
  }));
  return q;
}

core::StatusOr<TicketService::AttachmentFile> TicketService::GetAttachment(const auth::Principal* who,
                                                                           int64_t ticket_id, int64_t attachment_id) {
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::TicketRepository repo(**db);
  auto t = LoadVisible(repo, who, ticket_id);
  if (!t.ok()) return t.status();
  // An attachment of an internal note is as private as the note: not there for the group.
  auto a = repo.FindAttachment(ticket_id, attachment_id, auth::Allows(who, auth::Action::kTriage));
  if (!a.ok()) return a.status();
  if (!*a) return core::NotFound("no such attachment");
  AttachmentFile file{**a, attachments_dir_ + "/" + (*a)->sha256.substr(0, 2) + "/" + (*a)->sha256};
  file.record.filename = SafeFilename(file.record.filename);
  return file;
}

core::StatusOr<std::optional<Question>> TicketService::FindQuestion(const std::string& lang, const std::string& slug) {
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  return store::TicketRepository(**db).FindQuestion(lang, slug);
}

core::StatusOr<std::vector<VolunteerRef>> TicketService::Volunteers() {
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  auto users = store::AccountRepository(**db).ListActiveVolunteers();
  if (!users.ok()) return users.status();
  std::vector<VolunteerRef> out;
  for (const auto& u : *users) out.push_back({u.id, u.name});
  return out;
}

core::StatusOr<std::pair<int64_t, int64_t>> TicketService::HelpfulCounts(const auth::Principal* who) {
  ENTRAIDE_RETURN_IF_ERROR(auth::Require(who, auth::Action::kAdminister));
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  return store::TicketRepository(**db).HelpfulCounts();
}

}  // namespace entraide::tickets
