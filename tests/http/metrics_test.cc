// The Prometheus text writer, the per-route request counters and histograms, and who may read /metrics.
#include "core/metrics.h"

#include <gtest/gtest.h>

#include <string>

#include "http/metrics_endpoint.h"
#include "http/request_metrics.h"

namespace entraide::http {
namespace {

TEST(MetricsTextTest, EscapesLabelValuesAndHelp) {
  core::MetricsText m;
  m.Family("x_total", "counter", "Help with a \\ and a\nline.");
  m.Sample("x_total", {{"path", "a\"b\\c\nd"}, {"k", "v"}}, int64_t{3});
  m.Sample("x_total", {}, 0.25);
  EXPECT_EQ(m.text(),
            "# HELP x_total Help with a \\\\ and a\\nline.\n"
            "# TYPE x_total counter\n"
            "x_total{path=\"a\\\"b\\\\c\\nd\",k=\"v\"} 3\n"
            "x_total 0.25\n");
}

TEST(RequestMetricsTest, CountsByRouteAndStatusWithCumulativeBuckets) {
  RequestMetrics metrics({{"GET", "/{lang}/articles/{slug}"}, {"POST", "/api/v1/session"}});
  metrics.Observe(0, "GET", 200, 0.004);
  metrics.Observe(0, "HEAD", 200, 0.007);  // HEAD is served by the GET route
  metrics.Observe(0, "GET", 404, 3.0);
  metrics.Observe(0, "GET", 200, 10.0);  // beyond the last bound: only in +Inf
  metrics.Observe(-1, "DELETE", 405, 0.001);
  metrics.Observe(-1, "BREW", 404, 0.001);  // an unknown method counts as "other"
  core::MetricsText out;
  metrics.Collect(out);
  const std::string& t = out.text();
  auto has = [&](const std::string& line) { return t.find(line + "\n") != std::string::npos; };
  EXPECT_TRUE(has(R"(entraide_http_requests_total{method="GET",route="/{lang}/articles/{slug}",status="200"} 3)")) << t;
  EXPECT_TRUE(has(R"(entraide_http_requests_total{method="GET",route="/{lang}/articles/{slug}",status="404"} 1)"));
  EXPECT_TRUE(has(R"(entraide_http_requests_total{method="DELETE",route="unmatched",status="405"} 1)"));
  EXPECT_TRUE(has(R"(entraide_http_requests_total{method="other",route="unmatched",status="404"} 1)"));
  EXPECT_EQ(t.find("/api/v1/session"), std::string::npos) << "a route without requests has no series";
  const std::string h =
      R"(entraide_http_request_duration_seconds_bucket{method="GET",route="/{lang}/articles/{slug}",le=)";
  EXPECT_TRUE(has(h + R"("0.005"} 1)"));
  EXPECT_TRUE(has(h + R"("0.01"} 2)"));
  EXPECT_TRUE(has(h + R"("2.5"} 2)"));
  EXPECT_TRUE(has(h + R"("5"} 3)"));
  EXPECT_TRUE(has(h + R"("+Inf"} 4)"));
  EXPECT_TRUE(
      has(R"(entraide_http_request_duration_seconds_sum{method="GET",route="/{lang}/articles/{slug}"} 13.011)"));
  EXPECT_TRUE(has(R"(entraide_http_request_duration_seconds_count{method="GET",route="/{lang}/articles/{slug}"} 4)"));
}

TEST(MetricsAccessTest, LoopbackClientsOnlyUnlessATokenIsSet) {
  struct Case {
    std::string peer;
    bool trusted;
    std::string client;  // remote_addr: the peer, or X-Forwarded-For's client behind a trusted proxy
    std::string token, authorization;
    bool allowed;
  };
  const std::string tok = "0123456789abcdef";
  const Case cases[] = {
      {"127.0.0.1", false, "127.0.0.1", "", "", true},
      {"127.3.2.1", false, "127.3.2.1", "", "", true},
      {"::1", false, "::1", "", "", true},
      {"::ffff:127.0.0.1", false, "::ffff:127.0.0.1", "", "", true},
      {"203.0.113.9", false, "203.0.113.9", "", "", false},               // the world
      {"10.0.0.2", true, "127.0.0.1", "", "", true},                      // a loopback client of a remote proxy
      {"10.0.0.2", true, "10.0.0.2", "", "", false},                      // a remote proxy itself
      {"127.0.0.1", true, "198.51.100.7", "", "", false},                 // the world through a local proxy
      {"10.0.0.3", false, "10.0.0.3", "", "", false},                     // a private address is not loopback
      {"203.0.113.9", false, "203.0.113.9", tok, "Bearer " + tok, true},  // a token opens it to anyone
      {"127.0.0.1", false, "127.0.0.1", tok, "", false},                  // ... and only to its bearer
      {"127.0.0.1", false, "127.0.0.1", tok, "Bearer " + tok + "0", false},
      {"127.0.0.1", false, "127.0.0.1", tok, "Bearer", false},
      {"127.0.0.1", false, "127.0.0.1", tok, "Token " + tok, false},
      {"127.0.0.1", false, "127.0.0.1", tok, "BEARER  " + tok + " ", true},
  };
  for (const auto& c : cases) {
    Request req;
    req.peer_addr = c.peer;
    req.peer_trusted = c.trusted;
    req.remote_addr = c.client;
    if (!c.authorization.empty()) req.headers["authorization"] = c.authorization;
    EXPECT_EQ(MetricsAllowed(req, c.token), c.allowed)
        << c.peer << (c.trusted ? " (trusted)" : "") << " client " << c.client << " auth '" << c.authorization << "'";
  }
}

}  // namespace
}  // namespace entraide::http
