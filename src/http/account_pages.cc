#include "http/account_pages.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <filesystem>

#include "auth/policy.h"
#include "core/clock.h"
#include "core/json_writer.h"
#include "core/log.h"
#include "core/strings.h"
#include "http/forms.h"
#include "http/presenter.h"
#include "http/return_to.h"
#include "http/session.h"
#include "http/status_map.h"
#include "i18n/catalog.h"

namespace entraide::http {
namespace forms {

Response Page(const Services& s, Visitor& v, const std::string& lang, const std::string& name, const std::string& title,
              view::Value extra, int status, const std::string& alt_path, const std::string& nav) {
  view::Value data = PageData(s, lang, title, "/" + i18n::OtherLang(lang) + alt_path, nav, &v);
  data.Set("form_csrf", v.FormToken());
  for (const auto& [k, val] : extra.object()) data.Set(k, val);
  Response r = RenderPage(s, name, lang, data, status);
  v.Apply(r);
  return r;
}

Response SeeOther(Visitor& v, const std::string& to) {
  Response r = Response::Redirect(303, to);
  v.Apply(r);
  return r;
}

view::Value Msg(const std::string& error, const std::string& notice) {
  view::Value m = view::Value::Object();
  if (!error.empty()) m.Set("error", error);
  if (!notice.empty()) m.Set("notice", notice);
  return m;
}

view::Value Msg(const PeopleMessage& error, const std::string& notice) {
  view::Value m = Msg("", notice);
  if (!error.text.empty()) SetError(m, error);
  return m;
}

// A status from AuthService as a message for people (in the page's language when the catalog has it),
// and the page's HTTP status.
std::pair<PeopleMessage, int> Explain(const Services& s, const std::string& lang, const core::Status& st) {
  const auto& t = s.catalogs.For(lang);
  switch (st.code()) {
    case core::StatusCode::kUnauthenticated:
      return {ForPeople(t, st), 401};
    case core::StatusCode::kResourceExhausted:
      return {Said(t.Get("auth_rate_limited")), 429};
    case core::StatusCode::kInvalidArgument:
      return {ForPeople(t, st), 422};
    case core::StatusCode::kAlreadyExists:
      return {ForPeople(t, st), 409};
    case core::StatusCode::kPermissionDenied:
      return {Said(t.Get("auth_forbidden")), 403};
    case core::StatusCode::kNotFound:
      return {ForPeople(t, st), 404};
    case core::StatusCode::kUnavailable:
      if (st.key() == "auth_busy") return {Said(t.Get("auth_busy")), 503};  // the hash gate
      [[fallthrough]];
    default:
      return {ForPeople(t, st), 503};  // logged there, with the request id people see
  }
}

Response CsrfFailure(const Services& s, Visitor& v, const std::string& lang) {
  return Page(s, v, lang, "message", s.catalogs.For(lang).Get("auth_csrf_title"),
              Msg(s.catalogs.For(lang).Get("auth_csrf_text")), 403);
}

}  // namespace forms

namespace {

using forms::CsrfFailure;
using forms::Explain;
using forms::Msg;
using forms::Page;
using forms::SeeOther;

// Retry-After on a refusal: the service's wait (429), or the hash gate's when it was busy (503).
void SetRetryAfter(const Services& s, Response& r, const core::Status& st, int64_t retry) {
  if (retry <= 0 && st.code() == core::StatusCode::kUnavailable) retry = s.auth.busy_retry_after_s();
  if (retry > 0) r.Header("Retry-After", std::to_string(retry));
}

// ---- sign in / out ----

Response SignInForm(const Services& s, const Request& req) {
  std::string lang = req.Param("lang");
  Visitor v(s, req);
  std::string next = SafeReturnPath(req.Query("next"));
  if (v.signed_in()) return SeeOther(v, next.empty() ? "/" + lang + "/account" : next);
  view::Value d = Msg("");
  d.Set("email", req.Query("email"));
  if (!next.empty()) d.Set("next", next);  // (an empty string would still open {{#next}})
  SetAccountContact(d, s.site);
  return Page(s, v, lang, "signin", s.catalogs.For(lang).Get("auth_signin_title"), d, 200, "/signin");
}

Response SignInPost(const Services& s, const Request& req) {
  std::string lang = req.Param("lang");
  Visitor v(s, req);
  auto f = FormFields(req);
  if (!v.CsrfOk(f["csrf"])) return CsrfFailure(s, v, lang);
  auth::Throttle throttle;
  auto grant = s.auth.SignIn(f["email"], f["password"], req.remote_addr, req.Cookie(kSessionCookie), &throttle);
  if (!grant.ok()) {
    auto [msg, code] = Explain(s, lang, grant.status());
    view::Value d = Msg(msg);
    d.Set("email", f["email"]);
    if (std::string next = SafeReturnPath(f["next"]); !next.empty()) d.Set("next", next);
    SetAccountContact(d, s.site);
    Response r = Page(s, v, lang, "signin", s.catalogs.For(lang).Get("auth_signin_title"), d, code, "/signin");
    SetRetryAfter(s, r, grant.status(), throttle.retry_after_s);
    r.delay_ms = throttle.delay_ms;
    return r;
  }
  v.SignedIn(*grant);
  Response r = SeeOther(v, AfterSignIn(lang, f["next"], grant->principal));  // same-site paths only
  r.delay_ms = throttle.delay_ms;  // under attack, the right password is slowed too (and still signs in)
  return r;
}

Response SignOutPost(const Services& s, const Request& req) {
  std::string lang = req.Param("lang");
  Visitor v(s, req);
  auto f = FormFields(req);
  if (v.signed_in() && !v.CsrfOk(f["csrf"])) return CsrfFailure(s, v, lang);
  (void)s.auth.SignOut(req.Cookie(kSessionCookie));
  v.SignedOut();
  return SeeOther(v, "/" + lang + "/");
}

Response LinkForm(const Services& s, const Request& req) {
  std::string lang = req.Param("lang");
  Visitor v(s, req);
  return Page(s, v, lang, "signin_link", s.catalogs.For(lang).Get("auth_link_title"), Msg(""), 200, "/signin/link");
}

Response LinkPost(const Services& s, const Request& req) {
  std::string lang = req.Param("lang");
  Visitor v(s, req);
  auto f = FormFields(req);
  if (!v.CsrfOk(f["csrf"])) return CsrfFailure(s, v, lang);
  int64_t retry = 0;
  core::Status st = s.auth.RequestSignInLink(f["email"], lang, req.remote_addr, &retry);
  const auto& t = s.catalogs.For(lang);
  if (!st.ok()) {
    auto [msg, code] = Explain(s, lang, st);
    Response r = Page(s, v, lang, "signin_link", t.Get("auth_link_title"), Msg(msg), code, "/signin/link");
    SetRetryAfter(s, r, st, retry);
    return r;
  }
  // The same answer whether or not the address has an account.
  return Page(s, v, lang, "message", t.Get("auth_link_title"), Msg("", t.Get("auth_link_sent")));
}

Response LinkConfirm(const Services& s, const Request& req) {
  std::string lang = req.Param("lang");
  Visitor v(s, req);
  // A GET never uses the link (mail scanners open links): the person confirms with a button.
  view::Value d = Msg("");
  d.Set("action", "/" + lang + "/signin/link/" + req.Param("token"));
  return Page(s, v, lang, "confirm", s.catalogs.For(lang).Get("auth_link_title"), d);
}

Response LinkUse(const Services& s, const Request& req) {
  std::string lang = req.Param("lang");
  Visitor v(s, req);
  auto f = FormFields(req);
  if (!v.CsrfOk(f["csrf"])) return CsrfFailure(s, v, lang);
  auto grant = s.auth.ConsumeSignInLink(req.Param("token"));
  if (!grant.ok()) {
    auto [msg, code] = Explain(s, lang, grant.status());
    return Page(s, v, lang, "message", s.catalogs.For(lang).Get("auth_link_title"), Msg(msg), code);
  }
  v.SignedIn(*grant);
  return SeeOther(v, "/" + lang + "/account");
}

// ---- password reset ----

Response ForgotForm(const Services& s, const Request& req) {
  std::string lang = req.Param("lang");
  Visitor v(s, req);
  return Page(s, v, lang, "forgot", s.catalogs.For(lang).Get("auth_forgot_title"), Msg(""), 200, "/password/forgot");
}

Response ForgotPost(const Services& s, const Request& req) {
  std::string lang = req.Param("lang");
  Visitor v(s, req);
  auto f = FormFields(req);
  if (!v.CsrfOk(f["csrf"])) return CsrfFailure(s, v, lang);
  int64_t retry = 0;
  core::Status st = s.auth.RequestPasswordReset(f["email"], lang, req.remote_addr, &retry);
  const auto& t = s.catalogs.For(lang);
  if (!st.ok()) {
    auto [msg, code] = Explain(s, lang, st);
    Response r = Page(s, v, lang, "forgot", t.Get("auth_forgot_title"), Msg(msg), code, "/password/forgot");
    SetRetryAfter(s, r, st, retry);
    return r;
  }
  return Page(s, v, lang, "message", t.Get("auth_forgot_title"), Msg("", t.Get("auth_reset_sent")));
}

Response ResetForm(const Services& s, const Request& req) {
  std::string lang = req.Param("lang");
  Visitor v(s, req);
  const auto& t = s.catalogs.For(lang);
  core::Status st = s.auth.CheckResetToken(req.Param("token"));
  if (!st.ok()) {
    auto [msg, code] = Explain(s, lang, st);
    return Page(s, v, lang, "message", t.Get("auth_reset_title"), Msg(msg), code);
  }
  view::Value d = Msg("");
  d.Set("action", "/" + lang + "/password/reset/" + req.Param("token"));
  return Page(s, v, lang, "reset", t.Get("auth_reset_title"), d);
}

Response ResetPost(const Services& s, const Request& req) {
  std::string lang = req.Param("lang");
  Visitor v(s, req);
  auto f = FormFields(req);
  if (!v.CsrfOk(f["csrf"])) return CsrfFailure(s, v, lang);
  const auto& t = s.catalogs.For(lang);
  auto grant = s.auth.ResetPassword(req.Param("token"), f["password"]);
  if (!grant.ok()) {
    auto [msg, code] = Explain(s, lang, grant.status());
    view::Value d = Msg(msg);
    d.Set("action", "/" + lang + "/password/reset/" + req.Param("token"));
    Response r = Page(s, v, lang, code == 422 ? "reset" : "message", t.Get("auth_reset_title"), d, code);
    SetRetryAfter(s, r, grant.status(), 0);
    return r;
  }
  v.SignedIn(*grant);
  return SeeOther(v, "/" + lang + "/account");
}

// ---- invitations ----

Response InvitationForm(const Services& s, const Request& req) {
  std::string lang = req.Param("lang");
  Visitor v(s, req);
  const auto& t = s.catalogs.For(lang);
  auto info = s.auth.PeekInvitation(req.Param("token"));
  if (!info.ok()) {
    auto [msg, code] = Explain(s, lang, info.status());
    return Page(s, v, lang, "message", t.Get("auth_invitation_title"), Msg(msg), code);
  }
  view::Value d = Msg("");
  d.Set("email", info->email).Set("name", info->name);
  d.Set("action", "/" + lang + "/invitation/" + req.Param("token"));
  return Page(s, v, lang, "invitation", t.Get("auth_invitation_title"), d);
}

Response InvitationPost(const Services& s, const Request& req) {
  std::string lang = req.Param("lang");
  Visitor v(s, req);
  auto f = FormFields(req);
  if (!v.CsrfOk(f["csrf"])) return CsrfFailure(s, v, lang);
  const auto& t = s.catalogs.For(lang);
  auto grant = s.auth.AcceptInvitation(req.Param("token"), f["name"], f["password"]);
  if (!grant.ok()) {
    auto [msg, code] = Explain(s, lang, grant.status());
    view::Value d = Msg(msg);
    d.Set("name", f["name"]).Set("action", "/" + lang + "/invitation/" + req.Param("token"));
    Response r = Page(s, v, lang, code == 422 ? "invitation" : "message", t.Get("auth_invitation_title"), d, code);
    SetRetryAfter(s, r, grant.status(), 0);
    return r;
  }
  v.SignedIn(*grant);
  return SeeOther(v, "/" + lang + "/account");
}

// ---- account ----

Response AccountPage(const Services& s, const Request& req, Visitor& v, const PeopleMessage& error,
                     const std::string& notice, int status) {
  std::string lang = req.Param("lang");
  const auto& t = s.catalogs.For(lang);
  const auth::Principal* p = v.who();
  view::Value d = Msg(error, notice);
  d.Set("name", p->name).Set("email", p->email).Set("role", t.Get("role_" + p->role));
  d.Set("lang_en", p->lang == "en").Set("lang_fr", p->lang == "fr");
  view::Value groups = view::Value::List();
  for (const auto& g : p->groups) groups.Push(view::Value::Object().Set("name", g.name));
  d.Set("has_groups", !p->groups.empty());
  d.Set("groups", std::move(groups));
  return Page(s, v, lang, "account", t.Get("account_title"), d, status, "/account");
}

Response AccountGet(const Services& s, const Request& req) {
  std::string lang = req.Param("lang");
  Visitor v(s, req);
  if (!v.signed_in()) return SeeOther(v, "/" + lang + "/signin");
  return AccountPage(s, req, v, {}, req.HasQuery("saved") ? s.catalogs.For(lang).Get("account_saved") : "", 200);
}

Response AccountPost(const Services& s, const Request& req) {
  std::string lang = req.Param("lang");
  Visitor v(s, req);
  if (!v.signed_in()) return SeeOther(v, "/" + lang + "/signin");
  auto f = FormFields(req);
  if (!v.CsrfOk(f["csrf"])) return CsrfFailure(s, v, lang);
  core::Status st = s.auth.UpdateProfile(*v.who(), f["name"], f["lang"]);
  if (!st.ok()) {
    auto [msg, code] = Explain(s, lang, st);
    return AccountPage(s, req, v, msg, "", code);
  }
  return SeeOther(v, "/" + f["lang"] + "/account?saved=1");
}

// The person's own data as a ZIP (data.json and their files), made in a temp file and streamed from it.
Response ExportPost(const Services& s, const Request& req) {
  std::string lang = req.Param("lang");
  Visitor v(s, req);
  if (!v.signed_in()) return SeeOther(v, "/" + lang + "/signin");
  auto f = FormFields(req);
  if (!v.CsrfOk(f["csrf"])) return CsrfFailure(s, v, lang);
  if (!s.privacy) return ErrorPage(s, req, 404);
  int64_t retry = 0;
  auto made = s.privacy->ExportOwnData(*v.who(), &retry);
  if (!made.ok()) {
    if (made.status().code() != core::StatusCode::kResourceExhausted) {
      auto [msg, code] = Explain(s, lang, made.status());
      return AccountPage(s, req, v, msg, "", code);
    }
    const std::string& text = s.catalogs.For(lang).Get("account_data_limit");
    Response r =
        AccountPage(s, req, v, Said(core::ReplaceAll(text, "{minutes}", std::to_string(retry / 60 + 1))), "", 429);
    SetRetryAfter(s, r, made.status(), retry);
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

Response PasswordPost(const Services& s, const Request& req) {
  std::string lang = req.Param("lang");
  Visitor v(s, req);
  if (!v.signed_in()) return SeeOther(v, "/" + lang + "/signin");
  auto f = FormFields(req);
  if (!v.CsrfOk(f["csrf"])) return CsrfFailure(s, v, lang);
  int64_t retry = 0;
  core::Status st =
      s.auth.ChangePassword(*v.who(), f["current_password"], f["password"], req.Cookie(kSessionCookie), &retry);
  if (!st.ok()) {
    auto [msg, code] = Explain(s, lang, st);
    Response r = AccountPage(s, req, v, msg, "", code);
    SetRetryAfter(s, r, st, retry);
    return r;
  }
  return SeeOther(v, "/" + lang + "/account?saved=1");
}

// ---- API ----

Response UserJson(const auth::Principal& p, int status = 200) {
  core::JsonWriter w;
  w.BeginObject().Key("user").BeginObject();
  w.Field("id", p.user_id).Field("name", p.name).Field("email", p.email).Field("role", p.role).Field("lang", p.lang);
  w.Key("groups").BeginArray();
  for (const auto& g : p.groups)
    w.BeginObject().Field("id", g.id).Field("slug", g.slug).Field("name", g.name).EndObject();
  w.EndArray().EndObject().EndObject();
  return Response::Json(status, w.Take());
}

Response ApiSignIn(const Services& s, const Request& req) {
  // A browser always sends Origin on a cross-site POST: refuse any other origin (login CSRF).
  if (!req.Header("origin").empty() && !SameOrigin(req, s.site))
    return JsonError(403, "forbidden", "this request must come from the site itself");
  std::string email, password;
  try {
    Poco::JSON::Parser parser;
    auto obj = parser.parse(req.body).extract<Poco::JSON::Object::Ptr>();
    if (!obj) return JsonError(400, "bad_request", "the body must be a JSON object");
    email = obj->optValue<std::string>("email", "");
    password = obj->optValue<std::string>("password", "");
  } catch (const std::exception&) {
    return JsonError(400, "bad_request", "the body is not valid JSON");
  }
  auth::Throttle throttle;
  auto grant = s.auth.SignIn(email, password, req.remote_addr, req.Cookie(kSessionCookie), &throttle);
  if (!grant.ok()) {
    bool busy = grant.status().key() == "auth_busy";
    Response r = busy ? JsonError(503, "unavailable", "too many sign-ins at once; try again in a few seconds")
                      : JsonError(grant.status());
    SetRetryAfter(s, r, grant.status(), throttle.retry_after_s);
    r.delay_ms = throttle.delay_ms;
    return r;
  }
  Response r = UserJson(grant->principal);
  r.delay_ms = throttle.delay_ms;
  r.Header("Set-Cookie", SessionCookieHeader(grant->cookie, s.site, s.auth.options().session_idle_s));
  r.Header("X-CSRF-Token", grant->csrf);
  r.Header("Cache-Control", "no-store");
  return r;
}

Response ApiSession(const Services& s, const Request& req) {
  auto a = s.auth.Authenticate(req.Cookie(kSessionCookie));
  if (!a.ok()) return JsonError(401, "unauthenticated", "not signed in");
  Response r = UserJson(a->principal);
  r.Header("X-CSRF-Token", a->csrf);
  r.Header("Cache-Control", "no-store");
  return r;
}

Response ApiSignOut(const Services& s, const Request& req) {
  auto a = s.auth.Authenticate(req.Cookie(kSessionCookie));
  if (!a.ok()) return JsonError(401, "unauthenticated", "not signed in");
  bool token_ok = core::ConstantTimeEquals(req.Header("x-csrf-token"), a->csrf);
  if (!token_ok && !SameOrigin(req, s.site))
    return JsonError(403, "forbidden", "send the X-CSRF-Token header or use the site itself");
  (void)s.auth.SignOut(req.Cookie(kSessionCookie));
  Response r = Response::Json(200, "{\"signed_out\":true}");
  r.Header("Set-Cookie", SessionCookieHeader("", s.site, 0));
  return r;
}

}  // namespace

void RegisterAccounts(Router& router, const Services& services) {
  const Services* s = &services;
  auto page = [&services](Response (*fn)(const Services&, const Request&)) { return LangPage(services, fn); };
  router.Add("GET", "/{lang}/signin", page(SignInForm));
  router.Add("POST", "/{lang}/signin", page(SignInPost));
  router.Add("POST", "/{lang}/signout", page(SignOutPost));
  router.Add("GET", "/{lang}/signin/link", page(LinkForm));
  router.Add("POST", "/{lang}/signin/link", page(LinkPost));
  router.Add("GET", "/{lang}/signin/link/{token}", page(LinkConfirm));
  router.Add("POST", "/{lang}/signin/link/{token}", page(LinkUse));
  router.Add("GET", "/{lang}/password/forgot", page(ForgotForm));
  router.Add("POST", "/{lang}/password/forgot", page(ForgotPost));
  router.Add("GET", "/{lang}/password/reset/{token}", page(ResetForm));
  router.Add("POST", "/{lang}/password/reset/{token}", page(ResetPost));
  router.Add("GET", "/{lang}/invitation/{token}", page(InvitationForm));
  router.Add("POST", "/{lang}/invitation/{token}", page(InvitationPost));
  router.Add("GET", "/{lang}/account", page(AccountGet));
  router.Add("POST", "/{lang}/account", page(AccountPost));
  router.Add("POST", "/{lang}/account/password", page(PasswordPost));
  router.Add("POST", "/{lang}/account/export", page(ExportPost));
  router.Add("POST", "/api/v1/session", [s](Request& req) { return ApiSignIn(*s, req); });
  router.Add("GET", "/api/v1/session", [s](Request& req) { return ApiSession(*s, req); });
  router.Add("DELETE", "/api/v1/session", [s](Request& req) { return ApiSignOut(*s, req); });
}

}  // namespace entraide::http
