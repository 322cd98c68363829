// End-to-end: /metrics through the real server, read by the Prometheus client library's own parser
// (tests/e2e/parse_metrics.py), and who may read it.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <memory>
#include <regex>
#include <string>

#include "auth/accounts.h"
#include "fixtures.h"
#include "store/pool.h"
#include "test_util.h"

namespace entraide::testing {
namespace {

constexpr const char* kPassword = kTestPassword;
constexpr const char* kToken = "s3cret-metrics-token_0123456789";

// A scrape as the Prometheus client library reads it: families by name (their type) and samples by
// `name{k="v",...}` with labels sorted.
struct Scrape {
  std::map<std::string, std::string> families;
  std::map<std::string, double> samples;
  double Value(const std::string& key) const {
    auto it = samples.find(key);
    return it == samples.end() ? -1 : it->second;
  }
};

Scrape Parse(const std::string& text) {
  TempDir dir;
  dir.Write("metrics.txt", text);
  std::string cmd =
      "/usr/bin/python3 '" + SourceDir() + "/tests/e2e/parse_metrics.py' '" + dir.Join("metrics.txt") + "'";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) throw std::runtime_error("cannot run parse_metrics.py");
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  if (pclose(p) != 0)
    throw std::runtime_error("parse_metrics.py refused the text (is python3-prometheus-client installed?)");
  Scrape s;
  std::regex family_re("^family (\\S+) (\\S+)$"), sample_re("^sample (.*) (\\S+)$");
  size_t start = 0;
  while (start < out.size()) {
    size_t end = out.find('\n', start);
    std::string line = out.substr(start, end - start);
    start = end == std::string::npos ? out.size() : end + 1;
    std::smatch m;
    if (std::regex_match(line, m, family_re))
      s.families[m[1]] = m[2];
    else if (std::regex_match(line, m, sample_re))
      s.samples[m[1]] = std::stod(m[2]);
  }
  return s;
}

class MetricsTest : public ::testing::Test {
 protected:
  // The app with `edit` applied to its configuration, and people to sign in with.
  void Start(void (*edit)(app::Config&) = nullptr) {
    app_ = std::make_unique<TestApp>(
        [edit](app::Config& c) {
          c.mail_poll_seconds = 3600;  // queued mail stays pending
          if (edit) edit(c);
        },
        &clock_);
    app_->directory().Group("coop-a", "Coop A");
    app_->directory().Person("mo@example.org", "Mo", "member", {"coop-a"});
  }
  int port() { return app_->port(); }
  HttpResponse SignInApi(const std::string& email, const std::string& password) {
    return SignInApiResponse(port(), email, password);
  }

  core::FakeClock clock_;
  std::unique_ptr<TestApp> app_;
};

TEST_F(MetricsTest, ReportsRequestsDataAndSignInFailuresInThePrometheusTextFormat) {
  Start();
  for (int i = 0; i < 3; ++i) ASSERT_EQ(Get(port(), "/en/").status, 200);
  ASSERT_EQ(Get(port(), "/en/no/such/page/here").status, 404);  // no route takes it
  ASSERT_EQ(SignInApi("mo@example.org", "not the password").status, 401);
  auto ok = SignInApi("mo@example.org", kPassword);
  ASSERT_EQ(ok.status, 200);
  std::smatch m;
  std::string cookies = ok.Header("set-cookie");
  ASSERT_TRUE(std::regex_search(cookies, m, std::regex("sid=([^;]*)")));
  ApiSession mo{m[1], ok.Header("x-csrf-token")};
  ASSERT_NE(CreateTicketApi(port(), mo, TicketJson("Printer down", "It blinks.", "hardware", "high")), 0);
  // The ticket's acknowledgement wakes the sender at once: let that pass end before the next email is queued.
  ASSERT_TRUE(app_->app().DeliverMail(10000));
  // An invitation (no password): one email pending, queued 2 minutes before the scrape.
  ASSERT_TRUE(app_->directory().Person("new@example.org", "Nour", "member", {}, "fr", std::nullopt) != 0);
  clock_.Advance(120);

  auto r = Get(port(), "/metrics");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  Scrape s = Parse(r.body);
  // Every family, with its type (the parser names counters without _total).
  std::map<std::string, std::string> expected = {
      {"entraide_http_requests", "counter"},
      {"entraide_http_request_duration_seconds", "histogram"},
      {"entraide_http_connections_open", "gauge"},
      {"entraide_http_connections_refused", "counter"},
      {"entraide_http_timeouts", "counter"},
      {"entraide_http_requests_queued", "gauge"},
      {"entraide_signin_failures", "counter"},
      {"entraide_rate_limit_refusals", "counter"},
      {"entraide_password_hash_busy", "counter"},
      {"entraide_database_bytes", "gauge"},
      {"entraide_outbox_messages", "gauge"},
      {"entraide_outbox_oldest_pending_age_seconds", "gauge"},
      {"entraide_index_queue_rows", "gauge"},
      {"entraide_index_queue_oldest_age_seconds", "gauge"},
      {"entraide_tickets", "gauge"},
      {"entraide_attachment_files", "gauge"},
      {"entraide_attachment_bytes", "gauge"},
      {"entraide_mail_received", "counter"},
      {"entraide_mail_bouncing_addresses", "gauge"},
  };
  EXPECT_EQ(s.families, expected);
  // Requests by route pattern and status; the histogram holds the same requests.
  EXPECT_EQ(s.Value(R"(entraide_http_requests_total{method="GET",route="/{lang}",status="200"})"), 3);
  EXPECT_EQ(s.Value(R"(entraide_http_requests_total{method="GET",route="unmatched",status="404"})"), 1);
  EXPECT_EQ(s.Value(R"(entraide_http_requests_total{method="POST",route="/api/v1/session",status="401"})"), 1);
  EXPECT_EQ(s.Value(R"(entraide_http_requests_total{method="POST",route="/api/v1/tickets",status="201"})"), 1);
  EXPECT_EQ(s.Value(R"(entraide_http_request_duration_seconds_count{method="GET",route="/{lang}"})"), 3);
  EXPECT_EQ(s.Value(R"(entraide_http_request_duration_seconds_bucket{le="+Inf",method="GET",route="/{lang}"})"), 3);
  EXPECT_GT(s.Value(R"(entraide_http_request_duration_seconds_sum{method="GET",route="/{lang}"})"), 0);
  EXPECT_GE(s.Value("entraide_http_connections_open{}"), 1) << "the scrape's own connection at least";
  EXPECT_EQ(s.Value("entraide_signin_failures_total{}"), 1);
  EXPECT_EQ(s.Value(R"(entraide_rate_limit_refusals_total{limit="signin_pair"})"), 0);
  // The data.
  EXPECT_EQ(s.Value(R"(entraide_tickets{status="new"})"), 1);
  EXPECT_EQ(s.Value(R"(entraide_tickets{status="closed"})"), 0);
  EXPECT_EQ(s.Value(R"(entraide_outbox_messages{state="pending"})"), 1);
  EXPECT_EQ(s.Value(R"(entraide_outbox_messages{state="failed"})"), 0);
  EXPECT_EQ(s.Value("entraide_outbox_oldest_pending_age_seconds{}"), 120);
  EXPECT_EQ(s.Value("entraide_index_queue_rows{}"), 0);
  EXPECT_GT(s.Value("entraide_database_bytes{}"), 4096);
  EXPECT_EQ(s.Value("entraide_attachment_files{}"), 0);
}

TEST_F(MetricsTest, CountsEveryRefusalOfTheSignInLimits) {
  Start();
  for (int i = 0; i < 5; ++i) ASSERT_EQ(SignInApi("mo@example.org", "wrong " + std::to_string(i)).status, 401);
  ASSERT_EQ(SignInApi("mo@example.org", "wrong again").status, 429);
  ASSERT_EQ(SignInApi("mo@example.org", "wrong again").status, 429);
  Scrape s = Parse(Get(port(), "/metrics").body);
  EXPECT_EQ(s.Value("entraide_signin_failures_total{}"), 5);
  EXPECT_EQ(s.Value(R"(entraide_rate_limit_refusals_total{limit="signin_pair"})"), 2);
  EXPECT_EQ(s.Value(R"(entraide_http_requests_total{method="POST",route="/api/v1/session",status="429"})"), 2);
}

TEST_F(MetricsTest, OnlyLoopbackClientsReadItAlsoThroughATrustedProxy) {
  Start([](app::Config& c) { c.http_trusted_proxies = {"127.0.0.1"}; });
  auto from = [&](const std::string& source, const std::string& forwarded) {
    std::vector<std::string> h;
    if (!forwarded.empty()) h.push_back("X-Forwarded-For: " + forwarded);
    return SendFrom(source, port(), "GET", "/metrics", "", h);
  };
  EXPECT_EQ(from("127.0.0.5", "").status, 200) << "a loopback client, not a proxy";
  EXPECT_EQ(from("127.0.0.1", "").status, 200) << "the proxy's machine itself";
  EXPECT_EQ(from("127.0.0.1", "127.0.0.9").status, 200) << "a loopback client through the proxy";
  auto outside = from("127.0.0.1", "203.0.113.9");
  EXPECT_EQ(outside.status, 404) << "a client of the proxy from elsewhere";
  EXPECT_EQ(outside.body, Get(port(), "/no/such/thing/at/all").body) << "the ordinary page not found";
  EXPECT_EQ(outside.body.find("entraide_"), std::string::npos);
  EXPECT_EQ(from("127.0.0.1", "127.0.0.1, 203.0.113.9").status, 404) << "a forged loopback before the real client";
  // An untrusted peer's X-Forwarded-For is ignored: its own (loopback) address counts.
  EXPECT_EQ(from("127.0.0.5", "203.0.113.9").status, 200);
}

TEST_F(MetricsTest, OnceATokenIsSetOnlyItsBearerReadsIt) {
  Start([](app::Config& c) { c.metrics_token = kToken; });
  EXPECT_EQ(Get(port(), "/metrics").status, 404) << "loopback without the token";
  EXPECT_EQ(Get(port(), "/metrics", {"Authorization: Bearer not-the-token-0123456789"}).status, 404);
  EXPECT_EQ(Get(port(), "/metrics", {std::string("Authorization: Basic ") + kToken}).status, 404);
  EXPECT_EQ(Get(port(), "/metrics", {std::string("Authorization: Bearer ") + kToken + "x"}).status, 404);
  EXPECT_EQ(Get(port(), "/metrics", {std::string("Authorization: Bearer ") + kToken}).status, 200);
  EXPECT_EQ(Get(port(), "/metrics", {std::string("Authorization: bearer ") + kToken}).status, 200);
}

}  // namespace
}  // namespace entraide::testing
