#include "http/ticket_api.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <optional>
#include <string>

#include "core/clock.h"
#include "core/json_writer.h"
#include "core/strings.h"
#include "http/presenter.h"
#include "http/queue_filter.h"
#include "http/session.h"
#include "http/status_map.h"
#include "i18n/catalog.h"

namespace entraide::http {
namespace {

using tickets::Ticket;

// The status of a service error as an HTTP status, with Retry-After when rate limited.
Response ApiFailure(const core::Status& st, int64_t retry = 0) {
  Response r = JsonError(st);  // logs a 5xx's detail
  if (retry > 0) r.Header("Retry-After", std::to_string(retry));
  return r;
}

// Writes the ticket's fields as an object; `close` false leaves it open for more fields.
void WriteTicket(core::JsonWriter& w, const Ticket& t, const SiteInfo& site, const i18n::Catalog& tr,
                 bool close = true) {
  w.BeginObject()
      .Field("id", t.id)
      .Field("ref", t.ref)
      .Field("subject", t.subject)
      .Field("status", model::ToString(t.status));
  w.Field("urgency", t.urgency).Field("category", t.category).Field("lang", t.lang);
  w.Key("group")
      .BeginObject()
      .Field("id", t.group_id)
      .Field("slug", t.group_slug)
      .Field("name", t.group_name)
      .EndObject();
  w.Key("assignee");
  if (t.assignee_id)
    w.BeginObject().Field("id", *t.assignee_id).Field("name", tr.PersonName(t.assignee_name)).EndObject();
  else
    w.Null();
  w.Field("created_at", core::FormatIso8601Utc(t.created_at)).Field("updated_at", core::FormatIso8601Utc(t.updated_at));
  w.Field("url", site.base_url + "/" + t.lang + "/tickets/" + std::to_string(t.id));
  if (close) w.EndObject();
}

// The API's names of people (an erased person is "a former member") in the caller's language.
const i18n::Catalog& ApiCatalog(const Services& s, const auth::Authenticated& who) {
  return s.catalogs.For(i18n::IsSupportedLang(who.principal.lang) ? who.principal.lang : s.site.default_lang);
}

// API writes: a session, and the site's own Origin/Referer or the session's token in X-CSRF-Token.
std::optional<Response> ApiGuard(const Services& s, const Request& req, std::optional<auth::Authenticated>& who,
                                 bool write) {
  auto a = s.sessions.Authenticate(req.Cookie(kSessionCookie));
  if (!a.ok()) return JsonError(401, "unauthenticated", "sign in first");
  if (write && !core::ConstantTimeEquals(req.Header("x-csrf-token"), a->csrf) && !SameOrigin(req, s.site))
    return JsonError(403, "forbidden", "send the X-CSRF-Token header or use the site itself");
  who = std::move(a).value();
  return std::nullopt;
}

Poco::JSON::Object::Ptr JsonBody(const Request& req, std::optional<Response>& error) {
  try {
    Poco::JSON::Parser parser;
    auto result = parser.parse(req.body);
    auto obj = result.extract<Poco::JSON::Object::Ptr>();
    if (obj) return obj;
  } catch (const std::exception&) {
  }
  error = JsonError(400, "bad_request", "the body must be a JSON object");
  return nullptr;
}

std::string Str(const Poco::JSON::Object::Ptr& o, const std::string& k) {
  if (!o->has(k) || o->isNull(k)) return "";
  try {
    return o->getValue<std::string>(k);
  } catch (...) {
    return "";
  }
}

// {"tickets": [...], "total": N} of a list or a queue, or the service's refusal.
Response TicketsJson(const Services& s, const auth::Authenticated& who,
                     const core::StatusOr<std::vector<Ticket>>& list) {
  if (!list.ok()) return ApiFailure(list.status());
  core::JsonWriter w;
  w.BeginObject().Key("tickets").BeginArray();
  for (const auto& t : *list) WriteTicket(w, t, s.site, ApiCatalog(s, who));
  w.EndArray().Field("total", static_cast<int64_t>(list->size())).EndObject();
  return Response::Json(200, w.Take());
}

Response ApiList(const Services& s, const Request& req) {
  std::optional<auth::Authenticated> who;
  if (auto e = ApiGuard(s, req, who, false)) return *e;
  tickets::TicketFilter f;
  auto status = model::StatusFilter::Parse(req.Query("status"));
  if (!status) return JsonError(core::InvalidField("status", "unknown status"));
  f.status = *status;
  auto list = s.tickets.List(&who->principal, f);
  return TicketsJson(s, *who, list);
}

Response ApiQueue(const Services& s, const Request& req) {
  std::optional<auth::Authenticated> who;
  if (auto e = ApiGuard(s, req, who, false)) return *e;
  auto parsed = ParseQueueQuery(req, who->principal.user_id, "lang", tickets::TicketFilter().limit);
  if (!parsed.ok()) return JsonError(parsed.status());
  const tickets::TicketFilter& f = parsed->filter;
  auto list = s.tickets.Queue(&who->principal, f);
  return TicketsJson(s, *who, list);
}

Response ApiCreate(const Services& s, const Request& req) {
  std::optional<auth::Authenticated> who;
  if (auto e = ApiGuard(s, req, who, true)) return *e;
  std::optional<Response> error;
  auto o = JsonBody(req, error);
  if (!o) return *error;
  tickets::NewTicket nt;
  nt.subject = Str(o, "subject");
  nt.body = Str(o, "body");
  nt.category = Str(o, "category");
  nt.urgency = Str(o, "urgency").empty() ? "normal" : Str(o, "urgency");
  nt.lang = Str(o, "lang") == "en" ? "en" : who->principal.lang;
  if (o->has("group")) nt.group_id = PositiveId(Str(o, "group"));
  int64_t retry = 0;
  auto t = s.tickets.Create(&who->principal, std::move(nt), &retry);
  if (!t.ok()) return ApiFailure(t.status(), retry);
  core::JsonWriter w;
  w.BeginObject().Key("ticket");
  WriteTicket(w, *t, s.site, ApiCatalog(s, *who));
  w.EndObject();
  Response r = Response::Json(201, w.Take());
  r.Header("Location", "/api/v1/tickets/" + std::to_string(t->id));
  return r;
}

Response ApiGet(const Services& s, const Request& req) {
  std::optional<auth::Authenticated> who;
  if (auto e = ApiGuard(s, req, who, false)) return *e;
  auto tv = s.tickets.Get(&who->principal, PositiveId(req.Param("id")));
  if (!tv.ok()) return ApiFailure(tv.status());
  core::JsonWriter w;
  w.BeginObject().Key("ticket");
  const i18n::Catalog& tr = ApiCatalog(s, *who);
  WriteTicket(w, tv->ticket, s.site, tr, false);
  w.Key("body").String(tv->ticket.body).Key("body_html").String(tv->ticket.body_html);
  w.Field("text_removed", tv->ticket.redacted_at.has_value());  // privacy.closed_ticket_retention_days
  w.Key("events").BeginArray();
  for (const auto& e : tv->events) {
    bool names = e.kind == "assign";  // "now held by" events recorded names
    w.BeginObject().Field("id", e.id).Field("kind", e.kind).Field("actor", tr.PersonName(e.actor_name));
    w.Field("internal", e.internal).Field("body", e.body).Field("body_html", e.body_html);
    w.Field("old", names ? tr.PersonName(e.old_value) : e.old_value);
    w.Field("new", names ? tr.PersonName(e.new_value) : e.new_value);
    w.Field("at", core::FormatIso8601Utc(e.created_at)).EndObject();
  }
  w.EndArray();
  w.Key("attachments").BeginArray();
  for (const auto& a : tv->attachments)
    w.BeginObject().Field("id", a.id).Field("filename", a.filename).Field("size", a.size).EndObject();
  w.EndArray().EndObject().EndObject();
  return Response::Json(200, w.Take());
}

Response ApiPatch(const Services& s, const Request& req) {
  std::optional<auth::Authenticated> who;
  if (auto e = ApiGuard(s, req, who, true)) return *e;
  std::optional<Response> error;
  auto o = JsonBody(req, error);
  if (!o) return *error;
  tickets::TicketChanges c;
  if (o->has("status")) c.status = Str(o, "status");
  if (o->has("urgency")) c.urgency = Str(o, "urgency");
  if (o->has("category")) c.category = Str(o, "category");
  if (o->has("assignee"))
    c.assignee = o->isNull("assignee") ? std::nullopt : std::optional<int64_t>(PositiveId(Str(o, "assignee")));
  // All or nothing: the service checks every field before it changes any.
  core::Status st = s.tickets.Update(&who->principal, PositiveId(req.Param("id")), c);
  if (!st.ok()) return ApiFailure(st);
  return ApiGet(s, req);
}

Response ApiReply(const Services& s, const Request& req) {
  std::optional<auth::Authenticated> who;
  if (auto e = ApiGuard(s, req, who, true)) return *e;
  std::optional<Response> error;
  auto o = JsonBody(req, error);
  if (!o) return *error;
  tickets::ReplyRequest r;
  r.body = Str(o, "body");
  try {
    r.internal = o->has("internal") && o->getValue<bool>("internal");
  } catch (...) {
    return JsonError(core::InvalidField("internal", "must be true or false"));
  }
  int64_t retry = 0;
  core::Status st = s.tickets.Reply(&who->principal, PositiveId(req.Param("id")), std::move(r), &retry);
  if (!st.ok()) return ApiFailure(st, retry);
  return Response::Json(201, "{\"ok\":true}");
}

Response ApiClaim(const Services& s, const Request& req) {
  std::optional<auth::Authenticated> who;
  if (auto e = ApiGuard(s, req, who, true)) return *e;
  core::Status st = s.tickets.Claim(&who->principal, PositiveId(req.Param("id")));
  if (!st.ok()) return ApiFailure(st);
  return ApiGet(s, req);
}

}  // namespace

void RegisterTicketApi(Router& router, const Services& services) {
  const Services* s = &services;
  router.Add("GET", "/api/v1/tickets", [s](Request& req) { return ApiList(*s, req); });
  router.Add("POST", "/api/v1/tickets", [s](Request& req) { return ApiCreate(*s, req); });
  router.Add("GET", "/api/v1/tickets/{id}", [s](Request& req) { return ApiGet(*s, req); });
  router.Add("PATCH", "/api/v1/tickets/{id}", [s](Request& req) { return ApiPatch(*s, req); });
  router.Add("POST", "/api/v1/tickets/{id}/replies", [s](Request& req) { return ApiReply(*s, req); });
  router.Add("POST", "/api/v1/tickets/{id}/claim", [s](Request& req) { return ApiClaim(*s, req); });
  router.Add("GET", "/api/v1/queue", [s](Request& req) { return ApiQueue(*s, req); });
}

}  // namespace entraide::http
