#include "http/router.h"

#include <gtest/gtest.h>

#include "http/server.h"

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
  struct Case { std::string target; int status; };
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
}

}  // namespace
}  // namespace entraide::http
