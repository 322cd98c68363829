#include "http/mail_in_pages.h"

#include <string>

#include "http/forms.h"
#include "http/presenter.h"
#include "http/session.h"
#include "http/status_map.h"
#include "i18n/catalog.h"

namespace entraide::http {
namespace {

Response ByMailPage(const Services& s, Visitor& v, const Request& req, view::Value d, int status) {
  std::string lang = req.Param("lang");
  const auto& t = s.catalogs.For(lang);
  view::Value data = PageData(s, lang, t.Get("by_mail_title"),
                              "/" + i18n::OtherLang(lang) + "/tickets/by-mail/" + req.Param("token"), "tickets", &v);
  for (const auto& [k, val] : d.object()) data.Set(k, val);
  Response r = RenderPage(s, "ticket_by_mail", lang, data, status);
  r.Header("Cache-Control", "no-store");
  v.Apply(r);
  return r;
}

Response Invalid(const Services& s, Visitor& v, const Request& req, const core::Status& st) {
  if (st.code() != core::StatusCode::kNotFound) {
    LogServiceError(st);
    return ErrorPage(s, req, 503);
  }
  view::Value d = view::Value::Object();
  d.Set("error", s.catalogs.For(req.Param("lang")).Get("by_mail_invalid"));
  return ByMailPage(s, v, req, d, 404);
}

Response Show(const Services& s, Visitor& v, const Request& req, const std::string& error, int status) {
  if (!s.receiver) return ErrorPage(s, req, 404);
  auto p = s.receiver->Pending(req.Param("token"));
  if (!p.ok()) return Invalid(s, v, req, p.status());
  view::Value d = view::Value::Object();
  d.Set("subject", p->subject).Set("body", p->body);
  d.Set("action", "/" + req.Param("lang") + "/tickets/by-mail/" + req.Param("token"));
  view::Value groups = view::Value::List();
  for (const auto& g : p->groups) groups.Push(view::Value::Object().Set("id", g.id).Set("name", g.name));
  d.Set("choose_group", p->groups.size() > 1).Set("groups", std::move(groups));
  if (!error.empty()) d.Set("error", error);
  return ByMailPage(s, v, req, d, status);
}

Response ByMailGet(const Services& s, const Request& req) {
  Visitor v(s, req);
  return Show(s, v, req, "", 200);
}

Response ByMailPost(const Services& s, const Request& req) {
  Visitor v(s, req);
  if (!s.receiver) return ErrorPage(s, req, 404);
  auto f = FormFields(req);
  int64_t group = 0;
  if (auto g = f.find("group"); g != f.end()) group = PositiveId(g->second);
  auto t = s.receiver->Confirm(req.Param("token"), group);
  const auto& tr = s.catalogs.For(req.Param("lang"));
  if (!t.ok()) {
    if (t.status().code() == core::StatusCode::kInvalidArgument)
      return Show(s, v, req, tr.Get("by_mail_choose_group"), 400);
    if (t.status().code() == core::StatusCode::kResourceExhausted) return Show(s, v, req, tr.Get("by_mail_limit"), 429);
    return Invalid(s, v, req, t.status());
  }
  view::Value d = view::Value::Object();
  d.Set("done", true).Set("ref", t->ref).Set("subject", t->subject);
  d.Set("ticket_url", "/" + req.Param("lang") + "/tickets/" + std::to_string(t->id));
  return ByMailPage(s, v, req, d, 200);
}

}  // namespace

void RegisterMailIn(Router& router, const Services& services) {
  auto page = [&services](Response (*fn)(const Services&, const Request&)) { return LangPage(services, fn); };
  router.Add("GET", "/{lang}/tickets/by-mail/{token}", page(ByMailGet));
  router.Add("POST", "/{lang}/tickets/by-mail/{token}", page(ByMailPost));
}

}  // namespace entraide::http
