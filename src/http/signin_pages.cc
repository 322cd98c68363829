#include "http/signin_pages.h"

#include "http/forms.h"
#include "http/presenter.h"
#include "http/return_to.h"
#include "http/session.h"
#include "i18n/catalog.h"

namespace entraide::http {
namespace {

using forms::CsrfFailure;
using forms::Explain;
using forms::Msg;
using forms::Page;
using forms::SeeOther;
using forms::SetRetryAfter;

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
  auto grant = s.sessions.SignIn(f["email"], f["password"], req.remote_addr, req.Cookie(kSessionCookie), &throttle);
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
  (void)s.sessions.SignOut(req.Cookie(kSessionCookie));
  v.SignedOut();
  return SeeOther(v, "/" + lang + "/");
}

// The two forms that email a link, to sign in or to choose a new password: the same answer whether or not the
// address has an account.
struct LinkRequest {
  const char* view;      // pages/<view>
  const char* title;     // its title's catalog key
  const char* alt_path;  // its path after /{lang}
  const char* sent;      // the answer's catalog key
  core::Status (auth::SessionService::*request)(const std::string& email, const std::string& lang,
                                                const std::string& ip, int64_t* retry_after_s);
};
constexpr LinkRequest kSignInLink{"signin_link", "auth_link_title", "/signin/link", "auth_link_sent",
                                  &auth::SessionService::RequestSignInLink};
constexpr LinkRequest kPasswordReset{"forgot", "auth_forgot_title", "/password/forgot", "auth_reset_sent",
                                     &auth::SessionService::RequestPasswordReset};

template <const LinkRequest& kind>
Response LinkRequestForm(const Services& s, const Request& req) {
  std::string lang = req.Param("lang");
  Visitor v(s, req);
  return Page(s, v, lang, kind.view, s.catalogs.For(lang).Get(kind.title), Msg(""), 200, kind.alt_path);
}

template <const LinkRequest& kind>
Response LinkRequestPost(const Services& s, const Request& req) {
  std::string lang = req.Param("lang");
  Visitor v(s, req);
  auto f = FormFields(req);
  if (!v.CsrfOk(f["csrf"])) return CsrfFailure(s, v, lang);
  int64_t retry = 0;
  core::Status st = (s.sessions.*kind.request)(f["email"], lang, req.remote_addr, &retry);
  const auto& t = s.catalogs.For(lang);
  if (!st.ok()) {
    auto [msg, code] = Explain(s, lang, st);
    Response r = Page(s, v, lang, kind.view, t.Get(kind.title), Msg(msg), code, kind.alt_path);
    SetRetryAfter(s, r, st, retry);
    return r;
  }
  return Page(s, v, lang, "message", t.Get(kind.title), Msg("", t.Get(kind.sent)));
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
  auto grant = s.sessions.ConsumeSignInLink(req.Param("token"));
  if (!grant.ok()) {
    auto [msg, code] = Explain(s, lang, grant.status());
    return Page(s, v, lang, "message", s.catalogs.For(lang).Get("auth_link_title"), Msg(msg), code);
  }
  v.SignedIn(*grant);
  return SeeOther(v, "/" + lang + "/account");
}

// ---- password reset ----

Response ResetForm(const Services& s, const Request& req) {
  std::string lang = req.Param("lang");
  Visitor v(s, req);
  const auto& t = s.catalogs.For(lang);
  core::Status st = s.sessions.CheckResetToken(req.Param("token"));
  if (!st.ok()) {
    auto [msg, code] = Explain(s, lang, st);
    return Page(s, v, lang, "message", t.Get("auth_reset_title"), Msg(msg), code);
  }
  view::Value d = Msg("");
  d.Set("action", "/" + lang + "/password/reset/" + req.Param("token"));
  return Page(s, v, lang, "reset", t.Get("auth_reset_title"), d);
}

// A link's form was sent (reset, invitation): signed in and on to the account page, or the refusal, on `form`
// again when it is about a field (`d` holds what the form shows again), else on a message page.
Response SignedInOr(const Services& s, Visitor& v, const std::string& lang,
                    const core::StatusOr<auth::SessionGrant>& grant, const char* form, const char* title,
                    view::Value d) {
  if (grant.ok()) {
    v.SignedIn(*grant);
    return SeeOther(v, "/" + lang + "/account");
  }
  auto [msg, code] = Explain(s, lang, grant.status());
  if (!msg.text.empty()) SetError(d, msg);
  Response r = Page(s, v, lang, code == 422 ? form : "message", s.catalogs.For(lang).Get(title), d, code);
  SetRetryAfter(s, r, grant.status(), 0);
  return r;
}

Response ResetPost(const Services& s, const Request& req) {
  std::string lang = req.Param("lang");
  Visitor v(s, req);
  auto f = FormFields(req);
  if (!v.CsrfOk(f["csrf"])) return CsrfFailure(s, v, lang);
  auto grant = s.sessions.ResetPassword(req.Param("token"), f["password"]);
  view::Value d = view::Value::Object().Set("action", "/" + lang + "/password/reset/" + req.Param("token"));
  return SignedInOr(s, v, lang, grant, "reset", "auth_reset_title", std::move(d));
}

// ---- invitations ----

Response InvitationForm(const Services& s, const Request& req) {
  std::string lang = req.Param("lang");
  Visitor v(s, req);
  const auto& t = s.catalogs.For(lang);
  auto info = s.sessions.PeekInvitation(req.Param("token"));
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
  auto grant = s.sessions.AcceptInvitation(req.Param("token"), f["name"], f["password"]);
  view::Value d = view::Value::Object().Set("name", f["name"]);
  d.Set("action", "/" + lang + "/invitation/" + req.Param("token"));
  return SignedInOr(s, v, lang, grant, "invitation", "auth_invitation_title", std::move(d));
}

}  // namespace

void RegisterSignIn(Router& router, const Services& services) {
  auto page = [&services](Response (*fn)(const Services&, const Request&)) { return LangPage(services, fn); };
  router.Add("GET", "/{lang}/signin", page(SignInForm));
  router.Add("POST", "/{lang}/signin", page(SignInPost));
  router.Add("POST", "/{lang}/signout", page(SignOutPost));
  router.Add("GET", "/{lang}/signin/link", page(LinkRequestForm<kSignInLink>));
  router.Add("POST", "/{lang}/signin/link", page(LinkRequestPost<kSignInLink>));
  router.Add("GET", "/{lang}/signin/link/{token}", page(LinkConfirm));
  router.Add("POST", "/{lang}/signin/link/{token}", page(LinkUse));
  router.Add("GET", "/{lang}/password/forgot", page(LinkRequestForm<kPasswordReset>));
  router.Add("POST", "/{lang}/password/forgot", page(LinkRequestPost<kPasswordReset>));
  router.Add("GET", "/{lang}/password/reset/{token}", page(ResetForm));
  router.Add("POST", "/{lang}/password/reset/{token}", page(ResetPost));
  router.Add("GET", "/{lang}/invitation/{token}", page(InvitationForm));
  router.Add("POST", "/{lang}/invitation/{token}", page(InvitationPost));
}

}  // namespace entraide::http
