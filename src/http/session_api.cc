#include "http/session_api.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include "core/json_writer.h"
#include "core/strings.h"
#include "http/forms.h"
#include "http/session.h"
#include "http/status_map.h"

namespace entraide::http {
namespace {

using forms::SetRetryAfter;

// Who is signed in, as JSON, with the session's CSRF token for the API's writes (never cached).
Response SessionJson(const auth::Principal& p, const std::string& csrf) {
  core::JsonWriter w;
  w.BeginObject().Key("user").BeginObject();
  w.Field("id", p.user_id)
      .Field("name", p.name)
      .Field("email", p.email)
      .Field("role", model::ToString(p.role))
      .Field("lang", p.lang);
  w.Key("groups").BeginArray();
  for (const auto& g : p.groups)
    w.BeginObject().Field("id", g.id).Field("slug", g.slug).Field("name", g.name).EndObject();
  w.EndArray().EndObject().EndObject();
  Response r = Response::Json(200, w.Take());
  r.Header("X-CSRF-Token", csrf);
  r.Header("Cache-Control", "no-store");
  return r;
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
  auto grant = s.sessions.SignIn(email, password, req.remote_addr, req.Cookie(kSessionCookie), &throttle);
  if (!grant.ok()) {
    bool busy = grant.status().key() == "auth_busy";
    Response r = busy ? JsonError(503, "unavailable", "too many sign-ins at once; try again in a few seconds")
                      : JsonError(grant.status());
    SetRetryAfter(s, r, grant.status(), throttle.retry_after_s);
    r.delay_ms = throttle.delay_ms;
    return r;
  }
  Response r = SessionJson(grant->principal, grant->csrf);
  r.delay_ms = throttle.delay_ms;
  r.Header("Set-Cookie", SessionCookieHeader(grant->cookie, s.site, s.sessions.options().session_idle_s));
  return r;
}

Response ApiSession(const Services& s, const Request& req) {
  auto a = s.sessions.Authenticate(req.Cookie(kSessionCookie));
  if (!a.ok()) return JsonError(401, "unauthenticated", "not signed in");
  return SessionJson(a->principal, a->csrf);
}

Response ApiSignOut(const Services& s, const Request& req) {
  auto a = s.sessions.Authenticate(req.Cookie(kSessionCookie));
  if (!a.ok()) return JsonError(401, "unauthenticated", "not signed in");
  bool token_ok = core::ConstantTimeEquals(req.Header("x-csrf-token"), a->csrf);
  if (!token_ok && !SameOrigin(req, s.site))
    return JsonError(403, "forbidden", "send the X-CSRF-Token header or use the site itself");
  (void)s.sessions.SignOut(req.Cookie(kSessionCookie));
  Response r = Response::Json(200, "{\"signed_out\":true}");
  r.Header("Set-Cookie", SessionCookieHeader("", s.site, 0));
  return r;
}

}  // namespace

void RegisterSessionApi(Router& router, const Services& services) {
  const Services* s = &services;
  router.Add("POST", "/api/v1/session", [s](Request& req) { return ApiSignIn(*s, req); });
  router.Add("GET", "/api/v1/session", [s](Request& req) { return ApiSession(*s, req); });
  router.Add("DELETE", "/api/v1/session", [s](Request& req) { return ApiSignOut(*s, req); });
}

}  // namespace entraide::http
