#include "http/router.h"

#include <gtest/gtest.h>

#include "http/server.h"
#include "http/session.h"

namespace entraide::http {
namespace {

TEST(RouterTest, MatchesPatternsAndCapturesParams) {
  Router r;
  r.Add("GET", "/{lang}/articles/{slug}", [](Request&) { return Response::Text(200, "article"); });
  r.Add("POST", "/{lang}/articles/{slug}", [](Request&) { return Response::Text(200, "post"); });
  r.Add("GET", "/{lang}/feed.atom", [](Request&) { return Response::Text(200, "feed"); });
  Request req;
  req.method = "GET";
  req.path = "/fr/articles/sauvegardes";
  const Handler* h = nullptr;
  ASSERT_EQ(r.Match(req, &h, nullptr), Router::MatchResult::kFound);
  EXPECT_EQ((*h)(req).body, "article");
  EXPECT_EQ(req.Param("lang"), "fr");
  EXPECT_EQ(req.Param("slug"), "sauvegardes");

  req.method = "HEAD";
  EXPECT_EQ(r.Match(req, &h, nullptr), Router::MatchResult::kFound);
  req.method = "DELETE";
  std::string allowed;
  EXPECT_EQ(r.Match(req, &h, &allowed), Router::MatchResult::kMethodNotAllowed);
  EXPECT_EQ(allowed, "GET, POST");
  req.method = "GET";
  req.path = "/fr/articles";
  EXPECT_EQ(r.Match(req, &h, nullptr), Router::MatchResult::kNotFound);
  req.path = "/fr/feed.atom/";
  EXPECT_EQ(r.Match(req, &h, nullptr), Router::MatchResult::kNotFound);
}

TEST(ParseTargetTest, RefusesTraversalAndMalformedTargets) {
  struct Case {
    std::string target;
    int status;
  };
  const Case cases[] = {
      {"/fr/articles", 0},
      {"/fr/articles?x=%C3%A9", 0},
      {"/static/../../etc/passwd", 400},
      {"/static/%2e%2e/%2e%2e/etc/passwd", 400},
      {"/static/%2E%2E%2Fetc%2Fpasswd", 400},
      {"/static/%252e%252e/x", 400},
      {"/static/.%2e/x", 400},
      {"/static/./app.css", 400},
      {"/static/..\\x", 400},
      {"/static/%5c..%5cx", 400},
      {"/a%00b", 400},
      {"/a%zz", 400},
      {"/fr?q=%", 400},
      {"/caf%C3", 400},
      {"relative", 400},
      {"", 400},
      {"/" + std::string(9000, 'a'), 414},
  };
  for (const auto& c : cases) {
    Request req;
    EXPECT_EQ(ParseTarget(c.target, 8192, req), c.status) << c.target;
  }
  Request req;
  ASSERT_EQ(ParseTarget("/fr/search?q=mot+de+passe&lang=fr", 8192, req), 0);
  EXPECT_EQ(req.path, "/fr/search");
  EXPECT_EQ(req.Query("q"), "mot de passe");
}

TEST(CookiesTest, ParsesPairs) {
  auto c = ParseCookies("lang=fr; session=\"abc\"; bad; lang=en");
  EXPECT_EQ(c["lang"], "fr");
  EXPECT_EQ(c["session"], "abc");
  EXPECT_EQ(c.count("bad"), 0u);
  auto d = ParseCookies(" SID = upper ;sid=lower;  csrf=\"t\" ; sid=second; =x");
  EXPECT_EQ(d["sid"], "lower");  // names are case-sensitive; the first of a name wins
  EXPECT_EQ(d["SID"], "upper");
  EXPECT_EQ(d["csrf"], "t");
  EXPECT_EQ(d.count(""), 0u);
}

TEST(CookiesTest, EverySetCookieHasPathAndSameSiteAndSecureOnHttps) {
  SiteInfo https{.base_url = "https://aide.example.org"}, http{.base_url = "http://127.0.0.1:8080"};
  EXPECT_EQ(SessionCookieHeader("abc", https, 3600), "sid=abc; Path=/; Max-Age=3600; HttpOnly; SameSite=Lax; Secure");
  EXPECT_EQ(SessionCookieHeader("abc", http, 3600), "sid=abc; Path=/; Max-Age=3600; HttpOnly; SameSite=Lax");
  EXPECT_EQ(SessionCookieHeader("", http, 0), "sid=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax");  // clears it
  EXPECT_EQ(SetCookieHeader("csrf", "t", {.same_site = "Strict", .secure = true}),
            "csrf=t; Path=/; HttpOnly; SameSite=Strict; Secure");  // no Max-Age: until the browser closes
  EXPECT_EQ(SetCookieHeader("lang", "fr", {.max_age = 31536000, .http_only = false}),
            "lang=fr; Path=/; Max-Age=31536000; SameSite=Lax");
}

TEST(SameOriginTest, OnlyTheSitesOwnSchemeHostAndPortPass) {
  struct Case {
    const char* base;
    const char* origin;
    const char* referer;
    bool same;
  };
  const Case cases[] = {
      {"https://Aide.example.org", "https://aide.example.org", "", true},
      {"https://aide.example.org", "HTTPS://AIDE.EXAMPLE.ORG", "", true},
      {"https://aide.example.org", "https://aide.example.org:443", "", true},  // the default port, written out
      {"https://aide.example.org", "http://aide.example.org", "", false},
      {"https://aide.example.org", "https://aide.example.org:8443", "", false},
      {"https://aide.example.org", "https://aide.example.org.evil.com", "", false},
      {"https://aide.example.org", "null", "https://aide.example.org/fr", false},  // Origin wins over Referer
      {"https://aide.example.org", "", "https://aide.example.org/fr/tickets?x=1", true},
      {"https://aide.example.org", "", "https://aide.example.org@evil.com/", false},
      {"https://aide.example.org", "", "https://user@aide.example.org/", false},
      {"https://aide.example.org", "", "https://evil.com/https://aide.example.org", false},
      {"https://aide.example.org", "", "not a url at all", false},
      {"https://aide.example.org", "", "", false},
      {"http://127.0.0.1:8080", "http://127.0.0.1:8080", "", true},
      {"http://127.0.0.1:8080", "http://127.0.0.1", "", false},
      {"http://[::1]:8080", "http://[::1]:8080", "", true},
  };
  for (const auto& c : cases) {
    Request req;
    if (*c.origin) req.headers["origin"] = c.origin;
    if (*c.referer) req.headers["referer"] = c.referer;
    EXPECT_EQ(SameOrigin(req, SiteInfo{.base_url = c.base}), c.same) << c.base << " " << c.origin << " " << c.referer;
  }
}

}  // namespace
}  // namespace entraide::http
