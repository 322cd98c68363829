#include "http/mail_pages.h"

#include <string>
#include <vector>

#include "auth/policy.h"
#include "core/clock.h"
#include "core/log.h"
#include "http/forms.h"
#include "http/presenter.h"
#include "http/session.h"
#include "http/status_map.h"
#include "i18n/catalog.h"

namespace entraide::http {
namespace {

Response MailPage(const Services& s, Visitor& v, const std::string& lang, const std::string& name,
                  const std::string& title, const std::string& alt_path, view::Value extra, int status = 200) {
  return forms::Page(s, v, lang, name, title, std::move(extra), status, alt_path);
}

Response Unavailable(const Services& s, const Request& req, const core::Status& st) {
  LogServiceError(st);
  return ErrorPage(s, req, 503);
}

// ---- unsubscribe ----

Response UnsubscribeProblem(const Services& s, Visitor& v, const Request& req, const core::Status& st) {
  std::string lang = req.Param("lang");
  const auto& t = s.catalogs.For(lang);
  if (st.code() != core::StatusCode::kUnauthenticated && st.code() != core::StatusCode::kNotFound)
    return Unavailable(s, req, st);
  view::Value d = view::Value::Object().Set("error", t.Get("unsubscribe_bad_link"));
  return MailPage(s, v, lang, "message", t.Get("unsubscribe_title"), "/unsubscribe/" + req.Param("token"), d, 404);
}

Response UnsubscribeGet(const Services& s, const Request& req) {
  std::string lang = req.Param("lang");
  Visitor v(s, req);
  const auto& t = s.catalogs.For(lang);
  auto target = s.mail_prefs->Check(req.Param("token"));
  if (!target.ok()) return UnsubscribeProblem(s, v, req, target.status());
  view::Value d = view::Value::Object();
  d.Set("email", target->email).Set("topic", t.Get("topic_" + std::string(mail::TopicName(target->topic))));
  d.Set("action", "/" + lang + "/unsubscribe/" + req.Param("token"));
  return MailPage(s, v, lang, "unsubscribe", t.Get("unsubscribe_title"), "/unsubscribe/" + req.Param("token"), d);
}

// RFC 8058: the body is "List-Unsubscribe=One-Click", form-encoded or as a multipart/form-data field.
bool IsOneClick(const Request& req) {
  if (FormFields(req)["List-Unsubscribe"] == "One-Click") return true;
  return req.body.find("name=\"List-Unsubscribe\"") != std::string::npos &&
         req.body.find("One-Click") != std::string::npos;
}

Response UnsubscribePost(const Services& s, const Request& req) {
  std::string lang = req.Param("lang");
  Visitor v(s, req);
  const auto& t = s.catalogs.For(lang);
  if (!IsOneClick(req)) {
    view::Value d = view::Value::Object().Set("error", t.Get("unsubscribe_bad_request"));
    return MailPage(s, v, lang, "message", t.Get("unsubscribe_title"), "/unsubscribe/" + req.Param("token"), d, 400);
  }
  auto target = s.mail_prefs->Unsubscribe(req.Param("token"));
  if (!target.ok()) return UnsubscribeProblem(s, v, req, target.status());
  view::Value d = view::Value::Object();
  d.Set("done", true).Set("email", target->email);
  d.Set("topic", t.Get("topic_" + std::string(mail::TopicName(target->topic))));
  return MailPage(s, v, lang, "unsubscribe", t.Get("unsubscribe_title"), "/unsubscribe/" + req.Param("token"), d);
}

// ---- preferences ----

Response PreferencesPage(const Services& s, const Request& req, Visitor& v, const std::string& error, int status) {
  std::string lang = req.Param("lang");
  const auto& t = s.catalogs.For(lang);
  auto settings = s.mail_prefs->Get(v.who());
  if (!settings.ok()) return Unavailable(s, req, settings.status());
  view::Value d = view::Value::Object();
  if (!error.empty()) d.Set("error", error);
  if (req.HasQuery("saved") && error.empty()) d.Set("notice", t.Get("account_saved"));
  d.Set("email", v.who()->email).Set("notifications_on", settings->notifications);
  d.Set("notifications_off", !settings->notifications);
  view::Value digests = view::Value::List();
  for (model::DigestKind digest : mail::DigestsFor(*v.who())) {
    std::string name(model::ToString(digest));
    const std::string& current = settings->Frequency(digest);
    view::Value options = view::Value::List();
    for (const char* f : {"off", "daily", "weekly"})
      options.Push(view::Value::Object()
                       .Set("value", f)
                       .Set("label", t.Get(std::string("email_freq_") + f))
                       .Set("selected", current == f));
    digests.Push(view::Value::Object()
                     .Set("name", name)
                     .Set("label", t.Get("topic_" + name))
                     .Set("help", t.Get("email_prefs_" + name + "_help"))
                     .Set("options", std::move(options)));
  }
  d.Set("has_digests", !digests.empty_list()).Set("digests", std::move(digests));
  if (mail::ChoosesNewTicketAlerts(*v.who())) {
    view::Value options = view::Value::List();
    for (std::string_view choice : model::kNewTicketAlertChoices)
      options.Push(view::Value::Object()
                       .Set("value", std::string(choice))
                       .Set("label", t.Get("email_alerts_" + std::string(choice)))
                       .Set("selected", settings->new_ticket_alerts == choice));
    d.Set("has_alerts", true).Set("alerts", std::move(options));
  }
  if (s.mail_prefs->reply_addresses()) d.Set("reply_addresses", true);
  if (req.HasQuery("revoked") && error.empty()) d.Set("notice", t.Get("email_prefs_reply_revoked"));
  return MailPage(s, v, lang, "email_preferences", t.Get("email_prefs_title"), "/account/email", d, status);
}

Response PreferencesGet(const Services& s, const Request& req) {
  std::string lang = req.Param("lang");
  Visitor v(s, req);
  if (!v.signed_in()) return forms::SignInFirst(v, lang);
  return PreferencesPage(s, req, v, "", 200);
}

Response PreferencesPost(const Services& s, const Request& req) {
  std::string lang = req.Param("lang");
  Visitor v(s, req);
  const auto& t = s.catalogs.For(lang);
  if (!v.signed_in()) return forms::SignInFirst(v, lang);
  auto f = FormFields(req);
  if (!v.CsrfOk(f["csrf"]))
    return MailPage(s, v, lang, "message", t.Get("auth_csrf_title"), "/account/email",
                    view::Value::Object().Set("error", t.Get("auth_csrf_text")), 403);
  auto settings = s.mail_prefs->Get(v.who());
  if (!settings.ok()) return Unavailable(s, req, settings.status());
  if (f["notifications"] != "on" && f["notifications"] != "off")
    return PreferencesPage(s, req, v, "notifications: " + t.Get("email_prefs_invalid"), 422);
  settings->notifications = f["notifications"] == "on";
  for (model::DigestKind digest : mail::DigestsFor(*v.who()))
    if (std::string name(model::ToString(digest)); f.count(name)) settings->Frequency(digest) = f[name];
  if (f.count("new_ticket_alerts")) settings->new_ticket_alerts = f["new_ticket_alerts"];
  core::Status st = s.mail_prefs->Save(v.who(), *settings);
  if (st.code() == core::StatusCode::kInvalidArgument)
    return PreferencesPage(s, req, v, st.message() + " — " + t.Get("email_prefs_invalid"), 422);
  if (!st.ok()) return Unavailable(s, req, st);
  Response r = Response::Redirect(303, "/" + lang + "/account/email?saved=1");
  v.Apply(r);
  return r;
}

Response RevokeRepliesPost(const Services& s, const Request& req) {
  std::string lang = req.Param("lang");
  Visitor v(s, req);
  const auto& t = s.catalogs.For(lang);
  if (!v.signed_in()) return forms::SignInFirst(v, lang);
  if (!v.CsrfOk(FormFields(req)["csrf"]))
    return MailPage(s, v, lang, "message", t.Get("auth_csrf_title"), "/account/email",
                    view::Value::Object().Set("error", t.Get("auth_csrf_text")), 403);
  auto revoked = s.mail_prefs->RevokeReplyAddresses(v.who());
  if (!revoked.ok()) return Unavailable(s, req, revoked.status());
  Response r = Response::Redirect(303, "/" + lang + "/account/email?revoked=1");
  v.Apply(r);
  return r;
}

// ---- failed messages (coordinators) ----

Response FailedPage(const Services& s, const Request& req, Visitor& v, const std::string& error, int status) {
  std::string lang = req.Param("lang");
  const auto& t = s.catalogs.For(lang);
  auto failed = s.mail_admin->Failed(v.who());
  if (!failed.ok()) return Unavailable(s, req, failed.status());
  view::Value d = view::Value::Object();
  if (!error.empty()) d.Set("error", error);
  if (req.HasQuery("retried") && error.empty()) d.Set("notice", t.Get("admin_mail_retried"));
  view::Value rows = view::Value::List();
  for (const auto& f : *failed) {
    view::Value r = view::Value::Object();
    r.Set("id", f.id).Set("recipient", f.recipient_email).Set("recipient_name", f.recipient_name);
    r.Set("kind", f.kind).Set("subject", f.subject).Set("attempts", static_cast<int64_t>(f.attempts));
    r.Set("error_text", f.last_error).Set("queued", core::FormatIso8601Utc(f.created_at));
    r.Set("last_attempt", core::FormatIso8601Utc(f.last_attempt_at)).Set("resendable", f.resendable);
    rows.Push(std::move(r));
  }
  d.Set("has_failed", !rows.empty_list()).Set("failed", std::move(rows)).Set("nav_mail", true);
  auto bouncing = s.mail_admin->Bouncing(v.who());
  if (!bouncing.ok()) return Unavailable(s, req, bouncing.status());
  view::Value bounces = view::Value::List();
  for (const auto& b : *bouncing)
    bounces.Push(view::Value::Object()
                     .Set("email", b.email)
                     .Set("failures", b.failures)
                     .Set("status", b.last_status)
                     .Set("since", core::FormatIso8601Utc(b.bouncing_since.value_or(b.last_at))));
  d.Set("has_bouncing", !bounces.empty_list()).Set("bouncing", std::move(bounces));
  if (req.HasQuery("cleared") && error.empty()) d.Set("notice", t.Get("admin_mail_bounce_cleared"));
  return MailPage(s, v, lang, "admin_mail", t.Get("admin_mail_title"), "/admin/mail", d, status);
}

// Signed in (else to sign-in) and a coordinator (else 403), as on the other admin pages.
template <typename Fn>
Response AsCoordinator(const Services& s, const Request& req, Fn fn) {
  Visitor v(s, req);
  if (!v.signed_in()) {
    Response r = Response::Redirect(303, "/" + req.Param("lang") + "/signin");
    v.Apply(r);
    return r;
  }
  if (!auth::Allows(v.who(), auth::Action::kAdminister)) return ErrorPage(s, req, 403);
  return fn(v);
}

Response FailedGet(const Services& s, const Request& req) {
  return AsCoordinator(s, req, [&](Visitor& v) { return FailedPage(s, req, v, "", 200); });
}

Response RetryPost(const Services& s, const Request& req) {
  return AsCoordinator(s, req, [&](Visitor& v) {
    std::string lang = req.Param("lang");
    const auto& t = s.catalogs.For(lang);
    if (!v.CsrfOk(FormFields(req)["csrf"]))
      return MailPage(s, v, lang, "message", t.Get("auth_csrf_title"), "/admin/mail",
                      view::Value::Object().Set("error", t.Get("auth_csrf_text")), 403);
    core::Status st = s.mail_admin->Retry(v.who(), PositiveId(req.Param("id")));
    if (st.code() == core::StatusCode::kNotFound) return FailedPage(s, req, v, t.Get("admin_mail_not_found"), 404);
    if (st.code() == core::StatusCode::kConflict) return FailedPage(s, req, v, t.Get("admin_mail_link_gone"), 409);
    if (!st.ok()) return Unavailable(s, req, st);
    Response r = Response::Redirect(303, "/" + lang + "/admin/mail?retried=1");
    v.Apply(r);
    return r;
  });
}

Response ClearBouncePost(const Services& s, const Request& req) {
  return AsCoordinator(s, req, [&](Visitor& v) {
    std::string lang = req.Param("lang");
    const auto& t = s.catalogs.For(lang);
    auto f = FormFields(req);
    if (!v.CsrfOk(f["csrf"]))
      return MailPage(s, v, lang, "message", t.Get("auth_csrf_title"), "/admin/mail",
                      view::Value::Object().Set("error", t.Get("auth_csrf_text")), 403);
    core::Status st = s.mail_admin->ClearBounce(v.who(), f["email"]);
    if (st.code() == core::StatusCode::kNotFound) return FailedPage(s, req, v, t.Get("admin_mail_not_found"), 404);
    if (!st.ok()) return Unavailable(s, req, st);
    Response r = Response::Redirect(303, "/" + lang + "/admin/mail?cleared=1");
    v.Apply(r);
    return r;
  });
}

}  // namespace

void RegisterMail(Router& router, const Services& services) {
  const Services* s = &services;
  auto page = [s](Response (*fn)(const Services&, const Request&)) {
    return [s, fn](Request& req) {
      if (!i18n::IsSupportedLang(req.Param("lang")) || !s->mail_prefs) return ErrorPage(*s, req, 404);
      return fn(*s, req);
    };
  };
  router.Add("GET", "/{lang}/unsubscribe/{token}", page(UnsubscribeGet));
  router.Add("POST", "/{lang}/unsubscribe/{token}", page(UnsubscribePost));
  router.Add("GET", "/{lang}/account/email", page(PreferencesGet));
  router.Add("POST", "/{lang}/account/email", page(PreferencesPost));
  router.Add("POST", "/{lang}/account/email/revoke-replies", page(RevokeRepliesPost));
  auto admin = [s](Response (*fn)(const Services&, const Request&)) {
    return [s, fn](Request& req) {
      if (!i18n::IsSupportedLang(req.Param("lang")) || !s->mail_admin) return ErrorPage(*s, req, 404);
      return fn(*s, req);
    };
  };
  router.Add("GET", "/{lang}/admin/mail", admin(FailedGet));
  router.Add("POST", "/{lang}/admin/mail/{id}/retry", admin(RetryPost));
  router.Add("POST", "/{lang}/admin/mail/bounces/clear", admin(ClearBouncePost));
}

}  // namespace entraide::http
