// Who is visiting: the session cookie resolved through auth::SessionService, the CSRF token for forms, and the
// cookies a response must carry. Thin helpers for handlers; thread-safe (no shared state).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/session_service.h"
#include "http/message.h"
#include "http/server.h"
#include "http/services.h"

namespace entraide::http {

inline constexpr const char* kSessionCookie = "sid";
inline constexpr const char* kCsrfCookie = "csrf";

class Visitor {
 public:
  Visitor(const Services& s, const Request& req);

  const auth::Principal* who() const { return auth_ ? &auth_->principal : nullptr; }
  bool signed_in() const { return auth_.has_value(); }
  // The token forms carry: the session's when signed in, else a cookie-bound anonymous one.
  const std::string& FormToken();
  // Constant-time check of a submitted token against FormToken().
  bool CsrfOk(const std::string& submitted);
  // Adds the cookies decided during the request and, for signed-in pages, private caching.
  void Apply(Response& r) const;

  // The page asked for (path and query) when it was a GET, for sign-in to return to; else "".
  const std::string& target() const { return target_; }

  void SignedIn(const auth::SessionGrant& grant);  // sets the new session cookie
  void SignedOut();                                // clears it

 private:
  const Services& s_;
  std::optional<auth::Authenticated> auth_;
  std::string anon_csrf_;
  bool set_anon_csrf_ = false;
  std::vector<std::string> set_cookies_;
  std::string target_;
};

// application/x-www-form-urlencoded body -> first value per name.
std::map<std::string, std::string> FormFields(const Request& req);
// True when the Origin (or else the Referer) header names the site's own origin (from site.base_url).
bool SameOrigin(const Request& req, const SiteInfo& site);
// The session check of a multipart upload, before its body is read: 401 without a valid session, else the
// session's CSRF token, which the form must carry before its first file (or in X-CSRF-Token).
UploadCheck CheckUploadSession(const Services& s, const Request& req);
// The attributes of a cookie the site sets (always Path=/).
struct CookieAttributes {
  int64_t max_age = -1;  // seconds; -1: none (until the browser closes); 0 clears the cookie
  bool http_only = true;
  std::string_view same_site = "Lax";
  bool secure = false;  // set it when the site is https
};
// Every "Set-Cookie" value of the site: "name=value; Path=/[; Max-Age=N][; HttpOnly]; SameSite=X[; Secure]".
// Written here rather than by Poco's HTTPCookie, which writes either an Expires from the server's clock
// (version 0) or a quoted Max-Age="N" that RFC 6265 browsers ignore (version 1).
std::string SetCookieHeader(std::string_view name, std::string_view value, const CookieAttributes& a);
// "Set-Cookie" value for the session: HttpOnly, SameSite=Lax, Secure when the site is https.
std::string SessionCookieHeader(const std::string& value, const SiteInfo& site, int64_t max_age);

}  // namespace entraide::http
