#include "http/account_pages.h"

#include <filesystem>
#include <map>
#include <string>

#include "core/clock.h"
#include "core/strings.h"
#include "http/forms.h"
#include "http/presenter.h"
#include "http/session.h"
#include "http/status_map.h"
#include "i18n/catalog.h"

namespace entraide::http {
namespace {

using Fields = std::map<std::string, std::string>;

Response AccountPage(const Services& s, const Request& req, Visitor& v, const PeopleMessage& error,
                     const std::string& notice, int status) {
  std::string lang = req.Param("lang");
  const auto& t = s.catalogs.For(lang);
  const auth::Principal* p = v.who();
  view::Value d = forms::Msg(error, notice);
  d.Set("name", p->name).Set("email", p->email).Set("role", t.Get("role_" + std::string(model::ToString(p->role))));
  d.Set("lang_en", p->lang == "en").Set("lang_fr", p->lang == "fr");
  view::Value groups = view::Value::List();
  for (const auto& g : p->groups) groups.Push(view::Value::Object().Set("name", g.name));
  d.Set("has_groups", !p->groups.empty());
  d.Set("groups", std::move(groups));
  return forms::Page(s, v, lang, "account", t.Get("account_title"), d, status, "/account");
}

Response AccountGet(const Services& s, const Request& req) {
  std::string lang = req.Param("lang");
  Visitor v(s, req);
  if (!v.signed_in()) return forms::SignInFirst(v, lang);
  return AccountPage(s, req, v, {}, req.HasQuery("saved") ? s.catalogs.For(lang).Get("account_saved") : "", 200);
}

// A form of the account page: the signed-in visitor (else to sign in) and the form's CSRF token first, then
// `fn(v, fields)`.
template <typename Fn>
Response AccountForm(const Services& s, const Request& req, Fn fn) {
  std::string lang = req.Param("lang");
  Visitor v(s, req);
  if (!v.signed_in()) return forms::SignInFirst(v, lang);
  Fields f = FormFields(req);
  if (!v.CsrfOk(f["csrf"])) return forms::CsrfFailure(s, v, lang);
  return fn(v, f);
}

// The account page again with the refusal `st` (and Retry-After when it says when to come back).
Response Refused(const Services& s, const Request& req, Visitor& v, const core::Status& st, int64_t retry = 0) {
  auto [msg, code] = forms::Explain(s, req.Param("lang"), st);
  Response r = AccountPage(s, req, v, msg, "", code);
  forms::SetRetryAfter(s, r, st, retry);
  return r;
}

Response AccountPost(const Services& s, const Request& req) {
  return AccountForm(s, req, [&](Visitor& v, Fields& f) {
    core::Status st = s.directory.UpdateProfile(*v.who(), f["name"], f["lang"]);
    if (!st.ok()) return Refused(s, req, v, st);
    return forms::SeeOther(v, "/" + f["lang"] + "/account?saved=1");
  });
}

// The person's own data as a ZIP (data.json and their files), made in a temp file and streamed from it.
Response Export(const Services& s, const Request& req, Visitor& v) {
  if (!s.privacy) return ErrorPage(s, req, 404);
  int64_t retry = 0;
  auto made = s.privacy->ExportOwnData(*v.who(), &retry);
  if (!made.ok()) {
    if (made.status().code() != core::StatusCode::kResourceExhausted) return Refused(s, req, v, made.status());
    const std::string& text = s.catalogs.For(req.Param("lang")).Get("account_data_limit");
    Response r =
        AccountPage(s, req, v, Said(core::ReplaceAll(text, "{minutes}", std::to_string(retry / 60 + 1))), "", 429);
    forms::SetRetryAfter(s, r, made.status(), retry);
    return r;
  }
  auto file = BodyFile::Open(made->path);
  std::error_code ec;
  std::filesystem::remove(made->path, ec);  // the open descriptor keeps it readable until it is sent
  if (!file.ok()) return ErrorPage(s, req, 503);
  Response r;
  r.content_type = "application/zip";
  r.compressible = false;
  r.file = *file;
  std::string date = core::FormatIso8601Utc(core::SystemClock().NowSeconds()).substr(0, 10);
  r.Header("Content-Disposition", "attachment; filename=\"entraide-" + date + ".zip\"");
  v.Apply(r);  // signed in: private, no-store
  return r;
}

Response ExportPost(const Services& s, const Request& req) {
  return AccountForm(s, req, [&](Visitor& v, Fields&) { return Export(s, req, v); });
}

Response PasswordPost(const Services& s, const Request& req) {
  return AccountForm(s, req, [&](Visitor& v, Fields& f) {
    int64_t retry = 0;
    core::Status st =
        s.sessions.ChangePassword(*v.who(), f["current_password"], f["password"], req.Cookie(kSessionCookie), &retry);
    if (!st.ok()) return Refused(s, req, v, st, retry);
    return forms::SeeOther(v, "/" + req.Param("lang") + "/account?saved=1");
  });
}

}  // namespace

void RegisterAccounts(Router& router, const Services& services) {
  auto page = [&services](Response (*fn)(const Services&, const Request&)) { return LangPage(services, fn); };
  router.Add("GET", "/{lang}/account", page(AccountGet));
  router.Add("POST", "/{lang}/account", page(AccountPost));
  router.Add("POST", "/{lang}/account/password", page(PasswordPost));
  router.Add("POST", "/{lang}/account/export", page(ExportPost));
}

}  // namespace entraide::http
