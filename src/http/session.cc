#include "http/session.h"

#include <Poco/Exception.h>
#include <Poco/URI.h>

#include "core/escape.h"
#include "core/random.h"
#include "core/strings.h"

namespace entraide::http {

namespace {
bool Secure(const SiteInfo& site) { return core::StartsWith(site.base_url, "https://"); }

// "scheme://host[:port]" of an absolute URL, lower-case, the port only when not the scheme's default; empty when
// `url` is not one (or names a user: no page of the site has a user in its address).
std::string Origin(const std::string& url) {
  try {
    Poco::URI uri(url);
    if (uri.getScheme().empty() || uri.getHost().empty() || !uri.getUserInfo().empty()) return "";
    return uri.getScheme() + "://" + core::ToLowerAscii(uri.getAuthority());  // the port when not the default
  } catch (const Poco::Exception&) {
    return "";
  }
}
}  // namespace

std::string SetCookieHeader(std::string_view name, std::string_view value, const CookieAttributes& a) {
  std::string c = std::string(name) + "=" + std::string(value) + "; Path=/";
  if (a.max_age >= 0) c += "; Max-Age=" + std::to_string(a.max_age);
  if (a.http_only) c += "; HttpOnly";
  c += "; SameSite=" + std::string(a.same_site);
  if (a.secure) c += "; Secure";
  return c;
}

std::string SessionCookieHeader(const std::string& value, const SiteInfo& site, int64_t max_age) {
  return SetCookieHeader(kSessionCookie, value, {.max_age = max_age, .secure = Secure(site)});
}

Visitor::Visitor(const Services& s, const Request& req) : s_(s) {
  std::string sid = req.Cookie(kSessionCookie);
  if (!sid.empty()) {
    auto a = s.sessions.Authenticate(sid);
    if (a.ok()) {
      auth_ = std::move(a).value();
      if (auth_->refresh_cookie)
        set_cookies_.push_back(SessionCookieHeader(sid, s.site, s.sessions.options().session_idle_s));
    }
  }
  anon_csrf_ = req.Cookie(kCsrfCookie);
  if (anon_csrf_.size() != 43) anon_csrf_.clear();
  if (req.method == "GET") target_ = req.raw_target;
}

const std::string& Visitor::FormToken() {
  if (auth_) return auth_->csrf;
  if (anon_csrf_.empty()) {
    anon_csrf_ = core::RandomToken();
    set_anon_csrf_ = true;
  }
  return anon_csrf_;
}

bool Visitor::CsrfOk(const std::string& submitted) {
  if (submitted.empty()) return false;
  if (auth_) return core::ConstantTimeEquals(submitted, auth_->csrf);
  return !anon_csrf_.empty() && core::ConstantTimeEquals(submitted, anon_csrf_);
}

void Visitor::SignedIn(const auth::SessionGrant& grant) {
  set_cookies_.push_back(SessionCookieHeader(grant.cookie, s_.site, s_.sessions.options().session_idle_s));
}

void Visitor::SignedOut() {
  set_cookies_.push_back(SessionCookieHeader("", s_.site, 0));
  auth_.reset();
}

void Visitor::Apply(Response& r) const {
  for (const auto& c : set_cookies_) r.Header("Set-Cookie", c);
  if (set_anon_csrf_) {
    r.Header("Set-Cookie",
             SetCookieHeader(kCsrfCookie, anon_csrf_, {.same_site = "Strict", .secure = Secure(s_.site)}));
  }
  if (auth_ || set_anon_csrf_) r.Header("Cache-Control", "private, no-store");
}

std::map<std::string, std::string> FormFields(const Request& req) {
  std::map<std::string, std::string> out;
  if (req.multipart) {
    for (const auto& [k, v] : req.form) out.emplace(k, v);
    return out;
  }
  auto pairs = core::ParseFormUrlEncoded(req.body, 1000);
  if (!pairs) return out;
  for (auto& [k, v] : *pairs) out.emplace(k, v);  // the first value wins
  return out;
}

UploadCheck CheckUploadSession(const Services& s, const Request& req) {
  UploadCheck check;
  auto a = s.sessions.Authenticate(req.Cookie(kSessionCookie));
  if (!a.ok()) {
    check.status = a.status().code() == core::StatusCode::kUnauthenticated ? 401 : 503;
    return check;
  }
  check.csrf = a->csrf;
  return check;
}

bool SameOrigin(const Request& req, const SiteInfo& site) {
  std::string expected = Origin(site.base_url);
  std::string origin = req.Header("origin");
  std::string given = Origin(!origin.empty() ? origin : req.Header("referer"));
  return !expected.empty() && given == expected;
}

}  // namespace entraide::http
