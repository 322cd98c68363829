#include "http/take_pages.h"

#include <string>

#include "core/log.h"
#include "http/presenter.h"
#include "http/session.h"
#include "http/status_map.h"
#include "i18n/catalog.h"

namespace entraide::http {
namespace {

using Result = tickets::TakeOutcome::Result;

Response TakePage(const Services& s, Visitor& v, const Request& req, view::Value d, int status) {
  std::string lang = req.Param("lang");
  const auto& t = s.catalogs.For(lang);
  view::Value data =
      PageData(s, lang, t.Get("take_title"), "/" + i18n::OtherLang(lang) + "/take/" + req.Param("token"), "queue", &v);
  for (const auto& [k, val] : d.object()) data.Set(k, val);
  Response r = RenderPage(s, "take", lang, data, status);
  r.Header("Cache-Control", "no-store");
  v.Apply(r);
  return r;
}

Response Present(const Services& s, Visitor& v, const Request& req, const core::StatusOr<tickets::TakeOutcome>& o) {
  std::string lang = req.Param("lang");
  const auto& t = s.catalogs.For(lang);
  view::Value d = view::Value::Object();
  if (!o.ok()) {
    if (o.status().code() != core::StatusCode::kUnauthenticated) {
      LogServiceError(o.status());
      return ErrorPage(s, req, 503);
    }
    d.Set("error", t.Get("take_invalid")).Set("queue_url", "/" + lang + "/queue");
    return TakePage(s, v, req, d, 404);
  }
  std::string ticket_url = "/" + lang + "/tickets/" + std::to_string(o->ticket_id);
  if (o->result == Result::kTaken) {
    Response r = Response::Redirect(303, ticket_url);
    v.Apply(r);
    return r;
  }
  d.Set("ref", o->ref).Set("subject", o->subject).Set("volunteer", o->volunteer_name);
  d.Set("ticket_url", ticket_url).Set("queue_url", "/" + lang + "/queue");
  int status = 200;
  switch (o->result) {
    case Result::kReady:
      d.Set("ready", true).Set("action", "/" + lang + "/take/" + req.Param("token"));
      break;
    case Result::kAlreadyYours:
      d.Set("notice", t.Get("take_already_yours"));
      break;
    case Result::kTakenByOther:
      d.Set("error", t.Get("take_taken_by_other")).Set("holder", t.PersonName(o->holder_name));
      status = 409;
      break;
    case Result::kNotOpen:
      d.Set("error", t.Get("take_not_open"));
      status = 409;
      break;
    case Result::kUsed:
      d.Set("error", t.Get("take_used"));
      status = 410;
      break;
    case Result::kExpired:
      d.Set("error", t.Get("take_expired"));
      status = 410;
      break;
    case Result::kTaken:
      break;
  }
  return TakePage(s, v, req, d, status);
}

Response TakeGet(const Services& s, const Request& req) {
  Visitor v(s, req);
  auto check = s.take_links.Check(req.Param("token"));
  // One click for the volunteer in their own signed-in browser; a scanner or another browser only looks.
  if (check.ok() && check->result == Result::kReady && v.who() && v.who()->user_id == check->volunteer_id)
    return Present(s, v, req, s.take_links.Take(req.Param("token")));
  return Present(s, v, req, check);
}

Response TakePost(const Services& s, const Request& req) {
  Visitor v(s, req);
  return Present(s, v, req, s.take_links.Take(req.Param("token")));
}

}  // namespace

void RegisterTakeLinks(Router& router, const Services& services) {
  auto page = [&services](Response (*fn)(const Services&, const Request&)) { return LangPage(services, fn); };
  router.Add("GET", "/{lang}/take/{token}", page(TakeGet));
  router.Add("POST", "/{lang}/take/{token}", page(TakePost));
}

}  // namespace entraide::http
