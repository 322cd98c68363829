#include "http/ticket_pages.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "auth/policy.h"
#include "core/clock.h"
#include "core/escape.h"
#include "core/json_writer.h"
#include "core/log.h"
#include "core/strings.h"
#include "http/forms.h"
#include "http/presenter.h"
#include "http/queue_filter.h"
#include "http/return_to.h"
#include "http/saved_reply_pages.h"
#include "http/session.h"
#include "http/status_map.h"
#include "i18n/catalog.h"
#include "i18n/wording.h"
#include "kb/article_lookup.h"
#include "tickets/response_targets.h"
#include "tickets/workflow.h"

namespace entraide::http {
namespace {

// A status as its word: in URLs, CSS classes, the API and catalog keys ("status_" + word).
std::string StatusWord(model::TicketStatus s) { return std::string(model::ToString(s)); }

using forms::SignInFirst;
using tickets::Ticket;

std::vector<tickets::Upload> Uploads(const Request& req) {
  std::vector<tickets::Upload> out;
  for (const auto& u : req.uploads) out.push_back({u.filename, u.content_type, u.path, u.sha256, u.size});
  return out;
}

view::Value TicketSummary(const Services& s, const Ticket& t, const std::string& lang, int64_t now) {
  const auto& tr = s.catalogs.For(lang);
  view::Value v = view::Value::Object();
  v.Set("id", t.id)
      .Set("ref", t.ref)
      .Set("subject", t.subject)
      .Set("url", "/" + lang + "/tickets/" + std::to_string(t.id));
  v.Set("ticket_lang", t.lang);  // the subject and description are in the language the ticket was written in
  v.Set("status", StatusWord(t.status)).Set("status_label", tr.Get("status_" + StatusWord(t.status)));
  v.Set("urgency", t.urgency).Set("urgency_label", tr.Get("urgency_" + t.urgency));
  v.Set("group", t.group_name).Set("assignee", tr.PersonName(t.assignee_name)).Set("unassigned", !t.assignee_id);
  v.Set("age", i18n::Ago(tr, now - t.created_at)).Set("updated", i18n::Ago(tr, now - t.updated_at));
  v.Set("created_iso", core::FormatIso8601Utc(t.created_at));
  return v;
}

// The queue's table rows (50 a page), written here rather than through the template engine: converting and
// rendering ~15 fields a row through kainjow was a third of the page's cost. Every text is escaped; the
// columns match the header in views/pages/queue.mustache.
std::string QueueRowsHtml(const Services& s, const std::vector<Ticket>& list, const std::string& lang, int64_t now) {
  const auto& tr = s.catalogs.For(lang);
  std::string out;
  out.reserve(list.size() * 400);
  auto text = [&out](std::string_view v) { core::AppendHtmlEscaped(out, v); };
  for (const auto& t : list) {
    out += "<tr><td>";
    text(t.ref);
    out += "</td><td lang=\"";
    text(t.lang);  // the subject is in the language the ticket was written in
    out += "\"><a href=\"/";
    text(lang);
    out += "/tickets/" + std::to_string(t.id) + "\">";
    text(t.subject);
    out += "</a></td><td><span class=\"urgency urgency-";
    text(t.urgency);
    out += "\">";
    text(tr.Get("urgency_" + t.urgency));
    out += "</span>";
    // Late or nearly late for its first public answer (helpdesk.first_answer_hours): a word, not a colour.
    auto late = tickets::LatenessOf(s.tickets.response_targets(), t.urgency, t.created_at, t.first_response_at, now);
    if (late != tickets::Lateness::kOnTime) {
      bool is_late = late == tickets::Lateness::kLate;
      out += is_late ? " <strong class=\"late\">⏰ " : " <strong class=\"late nearly\">⌛ ";
      text(tr.Get(is_late ? "queue_late" : "queue_nearly_late"));
      out += "</strong>";
    }
    out += "</td><td><span class=\"status status-";
    text(StatusWord(t.status));
    out += "\">";
    text(tr.Get("status_" + StatusWord(t.status)));
    out += "</span></td><td>";
    text(t.group_name);
    out += "</td><td><time datetime=\"" + core::FormatIso8601Utc(t.created_at) + "\">";
    text(i18n::Ago(tr, now - t.created_at));
    out += "</time></td><td>";
    if (t.assignee_id)
      text(tr.PersonName(t.assignee_name));
    else
      out += "—";
    out += "</td></tr>\n";
  }
  return out;
}

view::Value CategoryOptions(const Services& s, const std::string& lang, const std::string& selected) {
  view::Value list = view::Value::List();
  auto cats = s.categories.List(false);
  if (!cats.ok()) return list;
  for (const auto& c : *cats)
    list.Push(view::Value::Object()
                  .Set("value", c.slug)
                  .Set("label", lang == "fr" ? c.name_fr : c.name_en)
                  .Set("selected", c.slug == selected));
  return list;
}

view::Value Options(const Services& s, const std::string& lang, const std::string& prefix,
                    const std::vector<std::string>& values, const std::string& selected) {
  view::Value list = view::Value::List();
  for (const auto& v : values)
    list.Push(view::Value::Object()
                  .Set("value", v)
                  .Set("label", s.catalogs.For(lang).Get(prefix + v))
                  .Set("selected", v == selected));
  return list;
}

const std::vector<std::string> kUrgencies = {"low", "normal", "high", "blocking"};

Response Render(const Services& s, Visitor& v, const std::string& lang, const std::string& tmpl,
                const std::string& title, view::Value extra, int status, const std::string& alt_path,
                const std::string& nav = "tickets") {
  return forms::Page(s, v, lang, tmpl, title, std::move(extra), status, alt_path, nav);
}

// ---- pages ----

Response NewTicketForm(const Services& s, const Request& req, Visitor& v, const std::map<std::string, std::string>& f,
                       const std::optional<PeopleMessage>& error, int status) {
  std::string lang = req.Param("lang");
  const auto& t = s.catalogs.For(lang);
  const auth::Principal* p = v.who();
  view::Value d = view::Value::Object();
  auto get = [&](const std::string& k, const std::string& def = "") {
    auto it = f.find(k);
    return it == f.end() ? def : it->second;
  };
  d.Set("subject", get("subject", req.Query("subject"))).Set("body", get("body"));
  d.Set("categories", CategoryOptions(s, lang, get("category", "other")));
  d.Set("urgencies", Options(s, lang, "urgency_", kUrgencies, get("urgency", "normal")));
  view::Value groups = view::Value::List();
  for (const auto& g : p->groups)
    groups.Push(view::Value::Object()
                    .Set("id", g.id)
                    .Set("name", g.name)
                    .Set("selected", std::to_string(g.id) == get("group")));
  d.Set("groups", std::move(groups)).Set("many_groups", p->groups.size() > 1).Set("no_group", p->groups.empty());
  if (error) SetError(d, *error);
  return Render(s, v, lang, "ticket_new", t.Get("ticket_new_title"), d, status, "/tickets/new");
}

Response NewTicket(const Services& s, const Request& req) {
  std::string lang = req.Param("lang");
  Visitor v(s, req);
  if (!v.signed_in()) return SignInFirst(v, lang);
  return NewTicketForm(s, req, v, {}, std::nullopt, 200);
}

Response CreateTicket(const Services& s, const Request& req) {
  std::string lang = req.Param("lang");
  Visitor v(s, req);
  if (!v.signed_in()) return SignInFirst(v, lang);
  auto f = FormFields(req);
  if (!v.CsrfOk(f["csrf"])) return ErrorPage(s, req, 403);
  tickets::NewTicket nt;
  nt.subject = f["subject"];
  nt.body = f["body"];
  nt.category = f["category"];
  nt.urgency = f["urgency"].empty() ? "normal" : f["urgency"];
  nt.group_id = PositiveId(f["group"]);
  nt.lang = lang;
  nt.uploads = Uploads(req);
  int64_t retry = 0;
  auto created = s.tickets.Create(v.who(), std::move(nt), &retry);
  if (!created.ok()) {
    int code = HttpStatusFor(created.status());
    Response r = NewTicketForm(s, req, v, f, ForPeople(s.catalogs.For(lang), created.status()), code);
    if (retry > 0) r.Header("Retry-After", std::to_string(retry));
    return r;
  }
  Response r = Response::Redirect(303, "/" + lang + "/tickets/" + std::to_string(created->id));
  v.Apply(r);
  return r;
}

Response TicketList(const Services& s, const Request& req) {
  std::string lang = req.Param("lang");
  Visitor v(s, req);
  if (!v.signed_in()) return SignInFirst(v, lang);
  tickets::TicketFilter f;
  f.status = model::StatusFilter::Parse(req.Query("status")).value_or(model::StatusFilter::Any());
  if (!v.who()->IsVolunteer() || !v.who()->groups.empty()) {
    // People in groups see their groups' tickets here; volunteers work from the queue.
    for (const auto& g : v.who()->groups) f.group_ids.push_back(g.id);
  }
  std::vector<Ticket> list;
  if (!f.group_ids.empty()) {
    auto r = s.tickets.List(v.who(), f);
    if (!r.ok()) return ErrorPage(s, req, HttpStatusFor(r.status()));
    list = std::move(r).value();
  }
  int64_t now = core::SystemClock().NowSeconds();
  view::Value items = view::Value::List();
  for (const auto& t : list) items.Push(TicketSummary(s, t, lang, now));
  view::Value d = view::Value::Object();
  d.Set("tickets", std::move(items)).Set("empty", list.empty()).Set("is_volunteer", v.who()->IsVolunteer());
  return Render(s, v, lang, "tickets", s.catalogs.For(lang).Get("tickets_title"), d, 200, "/tickets");
}

constexpr int kQueuePageSize = 50;

Response QueuePage(const Services& s, const Request& req) {
  std::string lang = req.Param("lang");
  Visitor v(s, req);
  if (!v.signed_in()) return SignInFirst(v, lang);
  if (!auth::Allows(v.who(), auth::Action::kTriage)) return ErrorPage(s, req, 403);
  // A filter the page cannot read is said on the page (400), with the queue unfiltered under it.
  auto parsed = ParseQueueQuery(req, v.who()->user_id, "ticket_lang", kQueuePageSize);
  std::optional<PeopleMessage> refused;
  if (!parsed.ok()) refused = ForPeople(s.catalogs.For(lang), parsed.status());
  QueueQuery query = parsed.ok() ? *parsed : QueueQuery();
  tickets::TicketFilter& f = query.filter;
  const std::string& assignee = query.assignee;
  int page = query.page;
  f.limit = kQueuePageSize + 1;  // one more row than shown: is there a next page?
  auto list = s.tickets.Queue(v.who(), f);
  if (!list.ok()) return ErrorPage(s, req, HttpStatusFor(list.status()));
  bool more = static_cast<int>(list->size()) > kQueuePageSize;
  if (more) list->pop_back();
  view::Value d = view::Value::Object();
  d.Set("rows_html", QueueRowsHtml(s, *list, lang, core::SystemClock().NowSeconds())).Set("empty", list->empty());
  d.Set("from", static_cast<int64_t>(f.offset + 1)).Set("to", static_cast<int64_t>(f.offset + list->size()));
  // The page links keep the filters: the query string with another page number.
  auto page_url = [&](int n) {
    std::vector<std::pair<std::string, std::string>> p;
    for (const char* k : {"status", "category", "urgency", "assignee", "group", "ticket_lang"})
      p.emplace_back(k, req.Query(k));
    p.emplace_back("page", std::to_string(n));
    return core::UrlWithQuery("/" + lang + "/queue", p);
  };
  if (page > 1) d.Set("prev_url", page_url(page - 1));
  if (more) d.Set("next_url", page_url(page + 1));
  d.Set("paged", page > 1 || more);
  std::vector<std::string> statuses = {"open"};
  for (auto st : model::kTicketStatuses) statuses.push_back(StatusWord(st));
  d.Set("statuses",
        Options(s, lang, "status_", statuses,
                f.status.scope == model::StatusFilter::Scope::kAny ? "open" : std::string(f.status.Word())));
  d.Set("categories", CategoryOptions(s, lang, f.category));
  d.Set("urgencies", Options(s, lang, "urgency_", kUrgencies, f.urgency));
  d.Set("assignee_me", assignee == "me").Set("assignee_none", assignee == "none");
  // Every group is an <option> (400 in the help desk benchmark): written here, escaped, rather than through the
  // template engine, whose per-field lookups made them most of the page's cost.
  auto groups = s.directory.ListGroups();
  std::string options;
  if (groups.ok())
    for (const auto& g : *groups) {
      options += "<option value=\"" + std::to_string(g.id) + "\"";
      if (f.group_id && *f.group_id == g.id) options += " selected";
      options += ">";
      core::AppendHtmlEscaped(options, g.name);
      options += "</option>";
    }
  d.Set("group_options_html", options);
  d.Set("lang_en", f.lang == "en").Set("lang_fr", f.lang == "fr");
  if (refused) SetError(d, *refused);
  return Render(s, v, lang, "queue", s.catalogs.For(lang).Get("queue_title"), d, refused ? 400 : 200, "/queue",
                "queue");
}

// `error`: a refused action, and `form` the fields it was sent with: a refused reply keeps its text and kind,
// so nothing typed is lost and a note is not sent again as a public reply by mistake.
Response TicketPage(const Services& s, const Request& req, Visitor& v, const std::optional<PeopleMessage>& error,
                    int status, const std::map<std::string, std::string>& form = {}) {
  std::string lang = req.Param("lang");
  const auto& tr = s.catalogs.For(lang);
  auto view_r = s.tickets.Get(v.who(), PositiveId(req.Param("id")));
  if (!view_r.ok()) return ErrorPage(s, req, HttpStatusFor(view_r.status()));
  const auto& tv = *view_r;
  const Ticket& t = tv.ticket;
  int64_t now = core::SystemClock().NowSeconds();
  view::Value d = TicketSummary(s, t, lang, now);
  d.Set("body_html", t.body_html).Set("opened_by", tr.PersonName(t.opened_by_name));
  d.Set("redacted", t.redacted_at.has_value());
  d.Set("category_label", t.category);
  auto cats = s.categories.List(true);
  if (cats.ok())
    for (const auto& c : *cats)
      if (c.slug == t.category) d.Set("category_label", lang == "fr" ? c.name_fr : c.name_en);
  // Volunteers may download the original of a message received by mail (never rendered: an .eml file).
  std::map<int64_t, std::string> originals;  // event id (0: the ticket's creation) -> its original's address
  if (tv.can_triage && s.receiver)
    if (auto list = s.receiver->Originals(v.who(), t.id); list.ok())
      for (const auto& o : *list)
        originals.emplace(o.event_id.value_or(0),
                          "/" + lang + "/tickets/" + std::to_string(t.id) + "/mail/" + std::to_string(o.id));
  view::Value events = view::Value::List();
  for (const auto& e : tv.events) {
    view::Value ev = view::Value::Object();
    if (auto o = originals.find(e.kind == "created" ? 0 : e.id); o != originals.end())
      ev.Set("mail_original_url", o->second);
    ev.Set("actor", e.actor_id ? tr.PersonName(e.actor_name) : tr.Get("ticket_system"));
    ev.Set("when", i18n::Ago(tr, now - e.created_at)).Set("when_iso", core::FormatIso8601Utc(e.created_at));
    ev.Set("is_" + e.kind, true).Set("internal", e.internal).Set("body_html", e.body_html);
    // The "created" event has no text of its own: the description is the ticket's.
    if (e.kind == "created") ev.Set("body_html", t.body_html);
    if (e.kind == "status") {
      ev.Set("old", tr.Get("status_" + e.old_value)).Set("new", tr.Get("status_" + e.new_value));
    } else if (e.kind == "urgency") {
      ev.Set("old", tr.Get("urgency_" + e.old_value)).Set("new", tr.Get("urgency_" + e.new_value));
    } else if (e.kind == "assign") {  // names recorded when it happened; empty: nobody
      auto holder = [&](const std::string& name) {
        return name.empty() ? tr.Get("ticket_nobody") : tr.PersonName(name);
      };
      ev.Set("old", holder(e.old_value)).Set("new", holder(e.new_value));
    } else if (e.kind == "link") {  // the article's title in the reader's language, not its key
      auto article = kb::ArticleForKey(s.articles, e.new_value, lang);
      ev.Set("new", article ? article->title : e.new_value);
      if (article)
        ev.Set("link_url", article->path).Set("link_lang", article->lang).Set("link_other_lang", article->lang != lang);
    } else {
      ev.Set("old", e.old_value).Set("new", e.new_value);
    }
    ev.Set("comment", e.body);
    view::Value files = view::Value::List();
    for (const auto& a : tv.attachments)
      if (a.event_id && *a.event_id == e.id)
        files.Push(
            view::Value::Object()
                .Set("name", a.filename)
                .Set("size", std::to_string((a.size + 1023) / 1024) + " KiB")
                .Set("url", "/" + lang + "/tickets/" + std::to_string(t.id) + "/attachments/" + std::to_string(a.id)));
    ev.Set("has_files", !files.list().empty()).Set("files", std::move(files));
    events.Push(std::move(ev));
  }
  d.Set("events", std::move(events));
  // "This may help": articles linked by volunteers, in the visitor's language when it exists.
  view::Value links = view::Value::List();
  for (const auto& key : tv.linked_article_keys) {
    auto versions = s.articles.Translations(key);
    if (!versions.ok() || versions->empty()) continue;
    const auto* best = &versions->front();
    for (const auto& a : *versions)
      if (a.lang == lang) best = &a;
    links.Push(view::Value::Object()
                   .Set("title", best->title)
                   .Set("url", "/" + best->lang + "/articles/" + best->slug)
                   .Set("lang", best->lang)
                   .Set("other_lang", best->lang != lang));
  }
  d.Set("has_links", !links.list().empty()).Set("links", std::move(links));
  bool open = tickets::IsOpen(t.status);
  bool finished = model::IsFinished(t.status);
  d.Set("is_open", open).Set("is_finished", finished).Set("is_resolved", t.status == model::TicketStatus::kResolved);
  d.Set("can_triage", tv.can_triage).Set("group_side", tv.group_side);
  d.Set("can_reply", tv.group_side || tv.can_triage);
  d.Set("ask_helpful", tv.group_side && finished && !t.helpful);
  if (t.helpful)
    d.Set("helpful_answer", *t.helpful ? tr.Get("helpful_yes") : tr.Get("helpful_no"))
        .Set("helpful_comment", t.helpful_comment);
  d.Set("show_helpful", tv.can_triage && t.helpful.has_value());
  if (tv.question) d.Set("question_url", "/" + tv.question->lang + "/questions/" + tv.question->slug);
  d.Set("can_publish", tv.can_triage && finished && !tv.question);
  // A solved ticket becomes a draft article (editorial::DraftFromTicket, behind /{lang}/articles/new?ticket=).
  if (finished && !t.redacted_at && auth::Allows(v.who(), auth::Action::kWriteArticle)) {
    std::string query = "/articles/new?ticket=" + std::to_string(t.id);
    d.Set("can_draft_article", true).Set("draft_fr_url", "/fr" + query).Set("draft_en_url", "/en" + query);
  }
  if (tv.can_triage) {
    // The menu starts on the current status (saving it changes nothing), then the allowed moves.
    std::vector<std::string> moves;
    for (auto st : model::kTicketStatuses)
      if (st == t.status || tickets::CheckMove(t.status, st, tickets::Side::kVolunteer).ok())
        moves.push_back(StatusWord(st));
    d.Set("moves", Options(s, lang, "status_", moves, StatusWord(t.status)));
    if (moves.size() == 1) moves.clear();  // only where it is: no menu
    d.Set("has_moves", !moves.empty());
    d.Set("urgencies", Options(s, lang, "urgency_", kUrgencies, t.urgency));
    d.Set("categories", CategoryOptions(s, lang, t.category));
    auto vols = s.tickets.Volunteers();
    view::Value vl = view::Value::List();
    if (vols.ok())
      for (const auto& vol : *vols)
        vl.Push(view::Value::Object()
                    .Set("id", vol.id)
                    .Set("name", vol.name)
                    .Set("selected", t.assignee_id && *t.assignee_id == vol.id));
    d.Set("volunteers", std::move(vl));
    d.Set("mine", t.assignee_id && *t.assignee_id == v.who()->user_id);
  }
  if (error) SetError(d, *error);
  if (auto body = form.find("body"); body != form.end()) d.Set("reply_body", body->second);
  if (tv.can_triage) AddSavedReplies(s, req, v.who(), t.lang, form.count("body") > 0, d);
  auto mode = form.find("mode");
  std::string kept_mode = mode == form.end() || mode->second.empty() ? "public" : mode->second;
  for (const char* m : {"public", "ask", "resolve", "internal"}) d.Set(std::string("mode_") + m, kept_mode == m);
  d.Set("action_base", "/" + lang + "/tickets/" + std::to_string(t.id));
  return Render(s, v, lang, "ticket", t.ref + " — " + t.subject, d, status, "/tickets/" + std::to_string(t.id));
}

Response ShowTicket(const Services& s, const Request& req) {
  std::string lang = req.Param("lang");
  Visitor v(s, req);
  if (!v.signed_in()) return SignInFirst(v, lang);
  return TicketPage(s, req, v, std::nullopt, 200);
}

// Runs a form action on a ticket: signed in and CSRF checked; errors re-render the ticket with the message
// (and Retry-After when `fn` was refused by an hourly limit and set *retry_after_s).
template <typename Fn>
Response TicketAction(const Services& s, const Request& req, Fn fn, const int64_t* retry_after_s = nullptr) {
  std::string lang = req.Param("lang");
  Visitor v(s, req);
  if (!v.signed_in()) return SignInFirst(v, lang);
  auto f = FormFields(req);
  if (!v.CsrfOk(f["csrf"])) return ErrorPage(s, req, 403);
  int64_t id = PositiveId(req.Param("id"));
  core::Status st = fn(v.who(), id, f);
  if (!st.ok()) {
    if (st.code() == core::StatusCode::kNotFound) return ErrorPage(s, req, 404);
    int64_t retry = retry_after_s ? *retry_after_s : 0;
    Response r = TicketPage(s, req, v, ForPeople(s.catalogs.For(lang), st), HttpStatusFor(st), f);
    if (retry > 0) r.Header("Retry-After", std::to_string(retry));
    return r;
  }
  Response r = Response::Redirect(303, "/" + lang + "/tickets/" + std::to_string(id));
  v.Apply(r);
  return r;
}

// The file at `path` as a download named `filename`: never rendered by the browser, whatever the file claims to
// be (application/octet-stream, Content-Disposition: attachment), never cached.
Response Download(const Services& s, const Request& req, const std::string& path, const std::string& filename) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return ErrorPage(s, req, 404);
  std::stringstream ss;
  ss << in.rdbuf();
  Response r;
  r.status = 200;
  r.content_type = "application/octet-stream";
  r.compressible = false;
  r.body = ss.str();
  std::string ascii;
  for (char c : filename) ascii += (static_cast<unsigned char>(c) < 0x80 && c != '"' && c != '\\') ? c : '_';
  r.Header("Content-Disposition",
           "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + core::UrlEncodeComponent(filename));
  r.Header("Cache-Control", "private, no-store");
  return r;
}

Response DownloadAttachment(const Services& s, const Request& req) {
  Visitor v(s, req);
  if (!v.signed_in()) return ErrorPage(s, req, 404);
  auto a = s.tickets.attachments().Get(v.who(), PositiveId(req.Param("id")), PositiveId(req.Param("aid")));
  if (!a.ok()) return ErrorPage(s, req, HttpStatusFor(a.status()));
  return Download(s, req, a->path, a->record.filename);
}

// The original of a message received by mail, for volunteers.
Response DownloadOriginal(const Services& s, const Request& req) {
  Visitor v(s, req);
  if (!v.signed_in() || !s.receiver) return ErrorPage(s, req, 404);
  auto o = s.receiver->OriginalOf(v.who(), PositiveId(req.Param("id")), PositiveId(req.Param("mid")));
  if (!o.ok()) return ErrorPage(s, req, HttpStatusFor(o.status()));
  return Download(s, req, o->path, "message-" + std::to_string(o->id) + ".eml");
}

Response PublishForm(const Services& s, const Request& req) {
  std::string lang = req.Param("lang");
  Visitor v(s, req);
  if (!v.signed_in()) return SignInFirst(v, lang);
  auto tv = s.tickets.Get(v.who(), PositiveId(req.Param("id")));
  if (!tv.ok()) return ErrorPage(s, req, HttpStatusFor(tv.status()));
  if (!tv->can_triage) return ErrorPage(s, req, 403);
  std::string answer;
  for (const auto& e : tv->events)
    if (e.kind == "reply" && !e.internal) answer = e.body;  // the last public reply, to edit (never a note)
  view::Value d = view::Value::Object();
  d.Set("title", tv->ticket.subject).Set("question", tv->ticket.body).Set("answer", answer);
  d.Set("action", "/" + lang + "/tickets/" + req.Param("id") + "/publish").Set("ref", tv->ticket.ref);
  return Render(s, v, lang, "publish", s.catalogs.For(lang).Get("publish_title"), d, 200, "/tickets");
}

Response QuestionPage(const Services& s, const Request& req) {
  std::string lang = req.Param("lang");
  Visitor v(s, req);
  auto q = s.questions.Find(lang, req.Param("slug"));
  if (!q.ok()) return ErrorPage(s, req, 503);
  if (!*q) return ErrorPage(s, req, 404);
  view::Value d = view::Value::Object();
  d.Set("question_title", (*q)->title).Set("question_html", (*q)->question_html).Set("answer_html", (*q)->answer_html);
  return Render(s, v, lang, "question", (*q)->title, d, 200, "/", "articles");
}

// ---- API ----

}  // namespace

void RegisterTickets(Router& router, const Services& services) {
  const Services* s = &services;
  auto page = [&services](Response (*fn)(const Services&, const Request&)) { return LangPage(services, fn); };
  router.Add("GET", "/{lang}/tickets", page(TicketList));
  router.Add("POST", "/{lang}/tickets", page(CreateTicket));
  router.Add("GET", "/{lang}/tickets/new", page(NewTicket));
  router.Add("GET", "/{lang}/tickets/{id}", page(ShowTicket));
  router.Add("GET", "/{lang}/queue", page(QueuePage));
  router.Add("GET", "/{lang}/questions/{slug}", page(QuestionPage));
  router.Add("GET", "/{lang}/tickets/{id}/publish", page(PublishForm));
  router.Add("GET", "/{lang}/tickets/{id}/attachments/{aid}", page(DownloadAttachment));
  router.Add("GET", "/{lang}/tickets/{id}/mail/{mid}", page(DownloadOriginal));

  using F = std::map<std::string, std::string>;
  auto action = [s](auto fn) {
    return [s, fn](Request& req) {
      if (!i18n::IsSupportedLang(req.Param("lang"))) return ErrorPage(*s, req, 404);
      return TicketAction(*s, req,
                          [&](const auth::Principal* who, int64_t id, F& f) { return fn(*s, req, who, id, f); });
    };
  };
  router.Add("POST", "/{lang}/tickets/{id}/reply", [s](Request& req) {
    if (!i18n::IsSupportedLang(req.Param("lang"))) return ErrorPage(*s, req, 404);
    int64_t retry = 0;
    auto reply = [&](const auth::Principal* who, int64_t id, F& f) {
      tickets::ReplyRequest r;
      r.body = f["body"];
      std::string mode = f["mode"];
      r.internal = mode == "internal";
      r.ask_group = mode == "ask";
      r.resolve = mode == "resolve";
      r.uploads = Uploads(req);
      return s->tickets.Reply(who, id, std::move(r), &retry);
    };
    return TicketAction(*s, req, reply, &retry);
  });
  router.Add("POST", "/{lang}/tickets/{id}/claim",
             action([](const Services& sv, const Request&, const auth::Principal* who, int64_t id, F&) {
               return sv.tickets.Claim(who, id);
             }));
  router.Add("POST", "/{lang}/tickets/{id}/assign",
             action([](const Services& sv, const Request&, const auth::Principal* who, int64_t id, F& f) {
               std::optional<int64_t> a;
               if (PositiveId(f["assignee"])) a = PositiveId(f["assignee"]);
               return sv.tickets.Assign(who, id, a);
             }));
  router.Add("POST", "/{lang}/tickets/{id}/status",
             action([](const Services& sv, const Request&, const auth::Principal* who, int64_t id, F& f) {
               if (!f["current"].empty() && f["status"] == f["current"]) return core::Status::Ok();  // unchanged
               return sv.tickets.ChangeStatus(who, id, f["status"]);
             }));
  router.Add("POST", "/{lang}/tickets/{id}/urgency",
             action([](const Services& sv, const Request&, const auth::Principal* who, int64_t id, F& f) {
               return sv.tickets.SetUrgency(who, id, f["urgency"]);
             }));
  router.Add("POST", "/{lang}/tickets/{id}/category",
             action([](const Services& sv, const Request&, const auth::Principal* who, int64_t id, F& f) {
               return sv.tickets.SetCategory(who, id, f["category"]);
             }));
  router.Add("POST", "/{lang}/tickets/{id}/link",
             action([](const Services& sv, const Request& req, const auth::Principal* who, int64_t id, F& f) {
               // Its address, slug, title or key: whichever the volunteer has at hand.
               auto key = kb::ResolveArticleKey(sv.articles, f["article"], req.Param("lang"));
               if (!key.ok()) return key.status();
               return sv.tickets.LinkArticle(who, id, *key);
             }));
  router.Add("POST", "/{lang}/tickets/{id}/close",
             action([](const Services& sv, const Request&, const auth::Principal* who, int64_t id, F&) {
               return sv.tickets.Close(who, id);
             }));
  router.Add("POST", "/{lang}/tickets/{id}/reopen",
             action([](const Services& sv, const Request&, const auth::Principal* who, int64_t id, F&) {
               return sv.tickets.Reopen(who, id);
             }));
  router.Add("POST", "/{lang}/tickets/{id}/helpful",
             action([](const Services& sv, const Request&, const auth::Principal* who, int64_t id, F& f) {
               return sv.tickets.Helpful(who, id, f["helpful"] == "yes", f["comment"]);
             }));
  router.Add("POST", "/{lang}/tickets/{id}/publish",
             action([](const Services& sv, const Request&, const auth::Principal* who, int64_t id, F& f) {
               auto q = sv.questions.Publish(who, id, f["title"], f["question"], f["answer"]);
               return q.ok() ? core::Status::Ok() : q.status();
             }));
}

}  // namespace entraide::http
