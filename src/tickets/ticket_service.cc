#include "tickets/ticket_service.h"

#include <algorithm>

#include "auth/policy.h"
#include "core/clock.h"
#include "core/strings.h"
#include "store/account_repo.h"
#include "store/article_repo.h"
#include "store/pool.h"
#include "store/ticket_repo.h"
#include "tickets/filename.h"
#include "tickets/workflow.h"

namespace entraide::tickets {
using Event = model::TicketEvent;

namespace {

int YearOf(int64_t epoch) { return std::stoi(core::FormatIso8601Utc(epoch).substr(0, 4)); }

core::Status UnknownCategory(const std::string& slug) {
  return core::InvalidField("category", "unknown category '" + slug + "'").WithKey("error_category_unknown");
}

// May `who` move `t` to `to`? The group closes and reopens its tickets; every other move is the volunteers'.
core::Status CheckStatusChange(const auth::Principal& who, const Ticket& t, TicketStatus to) {
  bool close_or_reopen = to == TicketStatus::kClosed || (to == TicketStatus::kTriaged && !IsOpen(t.status));
  bool group_side = close_or_reopen && who.InGroup(t.group_id);
  if (!group_side) ENTRAIDE_RETURN_IF_ERROR(auth::Require(&who, auth::Action::kTriage));
  return CheckMove(t.status, to, group_side ? Side::kGroup : Side::kVolunteer);
}

}  // namespace

TicketService::TicketService(store::Pool& pool, const core::Clock& clock, std::string attachments_dir,
                             std::string base_url, Limits limits)
    : pool_(pool),
      clock_(clock),
      limits_(limits),
      attachments_(pool, std::move(attachments_dir), limits.files),
      notifier_(std::move(base_url)) {}

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
  ENTRAIDE_RETURN_IF_ERROR(CheckText(t.body, "body", limits_.text.max_bytes));
  if (!IsUrgency(t.urgency)) return core::InvalidField("urgency", "must be low, normal, high or blocking");
  ENTRAIDE_RETURN_IF_ERROR(attachments_.Check(t.uploads));
  auto html = RenderText(t.body, "body", limits_.text);  // once, now, bounded: never per view
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
    ENTRAIDE_RETURN_IF_ERROR(attachments_.Store(repo, *who, *id, *ev, t.uploads, now, retry_after_s));
    auto loaded = repo.Find(*id);
    if (!loaded.ok()) return loaded.status();
    created = **loaded;
    return notifier_.NotifyOpened(**db, created, targets_, now);  // the acknowledgement and the alerts
  }));
  if (mail_queued_) mail_queued_();
  return created;
}

core::Status TicketService::MailQueued(core::Status st) const {
  if (st.ok() && mail_queued_) mail_queued_();
  return st;
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

core::Status TicketService::Reply(const auth::Principal* who, int64_t id, ReplyRequest reply, int64_t* retry_after_s,
                                  int64_t* event_id) {
  ENTRAIDE_RETURN_IF_ERROR(CheckText(reply.body, "body", limits_.text.max_bytes));
  ENTRAIDE_RETURN_IF_ERROR(attachments_.Check(reply.uploads));
  auto html = RenderText(reply.body, "body", limits_.text);
  if (!html.ok()) return html.status();
  return MailQueued(WithTicket(
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
          ENTRAIDE_RETURN_IF_ERROR(attachments_.Store(repo, *who, id, *ev, reply.uploads, now, retry_after_s));
          return repo.Touch(id, now);
        }
        auto ev = repo.AddEvent(Event::Of(id, "reply", now).By(who->user_id).Text(reply.body, *html));
        if (!ev.ok()) return ev.status();
        if (event_id) *event_id = *ev;
        ENTRAIDE_RETURN_IF_ERROR(attachments_.Store(repo, *who, id, *ev, reply.uploads, now, retry_after_s));
        ENTRAIDE_RETURN_IF_ERROR(repo.Touch(id, now));
        using enum TicketStatus;
        std::optional<TicketStatus> next;
        if (group_side) {
          // The group answers: a question asked of it is answered; a finished ticket is reopened.
          if (t.status == kWaitingOnGroup)
            next = kInProgress;
          else if (IsFinished(t.status))
            next = kTriaged;
          ENTRAIDE_RETURN_IF_ERROR(
              notifier_.Notify(db, t, model::MailKind::kTicketGroupReply, Excerpt(reply.body), *who, false, now));
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
          ENTRAIDE_RETURN_IF_ERROR(
              notifier_.Notify(db, t, VolunteerReplyKind(next), Excerpt(reply.body), *who, true, now));
        }
        if (next && *next != t.status) return MoveTo(repo, who->user_id, t, *next, now);
        return core::Status::Ok();
      }));
}

core::Status TicketService::Update(const auth::Principal* who, int64_t id, const TicketChanges& changes) {
  return MailQueued(
      WithTicket(who, id, [&](store::Database& db, store::TicketRepository& repo, const Ticket& t, int64_t now) {
        return ApplyChanges(db, repo, *who, t, changes, now);
      }));
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
    if (!*u || !(*u)->active || !model::IsVolunteerOrMore((*u)->role))
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
    if (*to == TicketStatus::kResolved)
      ENTRAIDE_RETURN_IF_ERROR(notifier_.Notify(db, t, model::MailKind::kTicketResolved, "", who, true, now));
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

core::Status TicketService::Claim(const auth::Principal* who, int64_t id) {
  return WithTicket(who, id,
                    [&](store::Database& /*db*/, store::TicketRepository& repo, const Ticket& t,
                        int64_t now) -> core::Status { return ClaimLoaded(repo, *who, t, now); });
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
