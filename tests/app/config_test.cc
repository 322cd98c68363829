#include "app/config.h"

#include <gtest/gtest.h>

#include <map>

#include "test_util.h"

namespace entraide::app {
namespace {

std::function<std::optional<std::string>(const std::string&)> Env(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
}

TEST(ConfigTest, DefaultsWhenTheFileIsAbsent) {
  auto c = LoadConfig("/nonexistent/entraide.ini", false, Env({}));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->http_port, 8080);
  EXPECT_EQ(c->http_host, "127.0.0.1");
  EXPECT_EQ(c->site_default_lang, "fr");
  EXPECT_EQ(c->data_dir.front(), '/');  // made absolute
  EXPECT_EQ(c->auth_max_parallel_hashes, 0);
  EXPECT_EQ(c->auth_hash_wait_ms, 3000);
  EXPECT_EQ(c->auth_session_max_days, 60);
  EXPECT_EQ(c->metrics_token, "") << "/metrics for the machine itself only";
  auto set = LoadConfig("/nonexistent/entraide.ini", false,
                        Env({{"ENTRAIDE_AUTH_MAX_PARALLEL_HASHES", "2"},
                             {"ENTRAIDE_AUTH_HASH_WAIT_MS", "500"},
                             {"ENTRAIDE_AUTH_SESSION_MAX_DAYS", "30"},
                             {"ENTRAIDE_METRICS_TOKEN", "Zm9vYmFyYmF6cXV4-_.~+/="}}));
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(set->metrics_token, "Zm9vYmFyYmF6cXV4-_.~+/=");
  EXPECT_EQ(set->auth_max_parallel_hashes, 2);
  EXPECT_EQ(set->auth_hash_wait_ms, 500);
  EXPECT_EQ(set->auth_session_max_days, 30);
}

TEST(ConfigTest, ClosedTicketRetentionIsOffUntilSet) {
  auto c = LoadConfig(testing::SourceDir() + "/config/entraide.ini", true, Env({}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->privacy_closed_ticket_retention_days, 0);
  auto set =
      LoadConfig("/nonexistent/entraide.ini", false, Env({{"ENTRAIDE_PRIVACY_CLOSED_TICKET_RETENTION_DAYS", "730"}}));
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(set->privacy_closed_ticket_retention_days, 730);
}

TEST(ConfigTest, ReplyAddressIsOffUntilSetAndMustBeAPlainAddress) {
  auto c = LoadConfig(testing::SourceDir() + "/config/entraide.ini", true, Env({}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->mail_reply_address, "") << "no Reply-To until an address is set";
  auto set = LoadConfig("/nonexistent", false, Env({{"ENTRAIDE_MAIL_REPLY_ADDRESS", "aide@reseau.example"}}));
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(set->mail_reply_address, "aide@reseau.example");
  for (const char* bad : {"Aide <aide@reseau.example>", "aide+x@reseau.example", "aide", "aide@",
                          "a-local-part-of-thirty-two-chars@reseau.example"}) {
    auto r = LoadConfig("/nonexistent", false, Env({{"ENTRAIDE_MAIL_REPLY_ADDRESS", bad}}));
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.status().message().find("mail.reply_address = '" + std::string(bad) + "'"), std::string::npos)
        << r.status().message();
  }
}

TEST(ConfigTest, RequiredFileMissingIsAnError) {
  auto c = LoadConfig("/nonexistent/entraide.ini", true, Env({}));
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("not found"), std::string::npos);
}

TEST(ConfigTest, TheShippedFileLoads) {
  auto c = LoadConfig(testing::SourceDir() + "/config/entraide.ini", true, Env({}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->http_port, 8080);
  EXPECT_EQ(c->site_name, "Entraide");
}

TEST(ConfigTest, BackupDirIsDataDirBackupsUnlessSet) {
  auto c = LoadConfig(testing::SourceDir() + "/config/entraide.ini", true, Env({{"ENTRAIDE_DATA_DIR", "/srv/data"}}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->BackupDir(), "/srv/data/backups");
  c = LoadConfig(testing::SourceDir() + "/config/entraide.ini", true,
                 Env({{"ENTRAIDE_DATA_DIR", "/srv/data"}, {"ENTRAIDE_BACKUP_DIR", "rel/snapshots/"}}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->BackupDir().front(), '/') << "made absolute like the other paths";
  EXPECT_TRUE(c->BackupDir().ends_with("/rel/snapshots")) << c->BackupDir();
}

TEST(ConfigTest, EnvironmentOverridesTheFile) {
  testing::TempDir dir;
  dir.Write("e.ini", "[http]\nport = 9000\n[site]\nbase_url = https://entraide.example.org/\n");
  auto c = LoadConfig(
      dir.Join("e.ini"), true,
      Env({{"ENTRAIDE_HTTP_PORT", "9100"}, {"ENTRAIDE_DATA_DIR", "/tmp/x/"}, {"ENTRAIDE_CONTENT_DIR", "rel/content"}}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->http_port, 9100);
  EXPECT_EQ(c->data_dir, "/tmp/x");
  EXPECT_EQ(c->content_dir.front(), '/');
  EXPECT_NE(c->content_dir.find("rel/content"), std::string::npos);
  EXPECT_EQ(c->site_base_url, "https://entraide.example.org");
}

TEST(ConfigTest, BadValuesNameTheKeyAndTheValue) {
  struct Case {
    std::map<std::string, std::string> env;
    std::string needle;
  };
  const Case cases[] = {
      {{{"ENTRAIDE_HTTP_PORT", "abc"}}, "http.port = 'abc'"},
      {{{"ENTRAIDE_HTTP_PORT", "70000"}}, "http.port = '70000'"},
      {{{"ENTRAIDE_HTTP_THREADS", "0"}}, "http.threads = '0'"},
      {{{"ENTRAIDE_SITE_DEFAULT_LANG", "de"}}, "site.default_lang = 'de'"},
      {{{"ENTRAIDE_SITE_BASE_URL", "example.org"}}, "site.base_url = 'example.org'"},
      {{{"ENTRAIDE_HTTP_ACCESS_LOG", "perhaps"}}, "http.access_log = 'perhaps'"},
      {{{"ENTRAIDE_MAIL_SMTP_CA_FILE", "/nonexistent/ca.pem"}}, "mail.smtp.ca_file = '/nonexistent/ca.pem'"},
      {{{"ENTRAIDE_AUTH_MAX_PARALLEL_HASHES", "-1"}}, "auth.max_parallel_hashes = '-1': must be a whole number from 0"},
      {{{"ENTRAIDE_AUTH_HASH_WAIT_MS", "soon"}}, "auth.hash_wait_ms = 'soon'"},
      {{{"ENTRAIDE_AUTH_SESSION_MAX_DAYS", "0"}}, "auth.session_max_days = '0': must be a whole number from 1 to 3650"},
      {{{"ENTRAIDE_PRIVACY_CLOSED_TICKET_RETENTION_DAYS", "-5"}},
       "privacy.closed_ticket_retention_days = '-5': must be a whole number from 0 to 36500"},
      {{{"ENTRAIDE_METRICS_TOKEN", "short"}}, "metrics.token = 'short': must be empty or at least 16 characters"},
      {{{"ENTRAIDE_METRICS_TOKEN", "has a space in it ok"}}, "metrics.token = 'has a space in it ok': may hold only"},
  };
  for (const auto& c : cases) {
    auto r = LoadConfig("/nonexistent", false, Env(c.env));
    ASSERT_FALSE(r.ok()) << c.needle;
    EXPECT_NE(r.status().message().find(c.needle), std::string::npos) << r.status().message();
  }
}

TEST(ConfigTest, FileErrorsNameTheLine) {
  testing::TempDir dir;
  dir.Write("e.ini", "[http]\nport = 80\nthreads = many\n");
  auto r = LoadConfig(dir.Join("e.ini"), true, Env({}));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("e.ini:3: http.threads = 'many'"), std::string::npos) << r.status().message();
  dir.Write("f.ini", "[http]\nportt = 80\n");
  r = LoadConfig(dir.Join("f.ini"), true, Env({}));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("f.ini:2: unknown key 'http.portt'"), std::string::npos);
}

TEST(ConfigTest, EnvNamesFollowTheRule) {
  EXPECT_EQ(EnvNameFor("http.port"), "ENTRAIDE_HTTP_PORT");
  EXPECT_EQ(EnvNameFor("data.dir"), "ENTRAIDE_DATA_DIR");
  EXPECT_EQ(EnvNameFor("mail.smtp.host"), "ENTRAIDE_MAIL_SMTP_HOST");
}

}  // namespace
}  // namespace entraide::app
