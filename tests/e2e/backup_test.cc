// End-to-end: snapshots of a server at work, each restored and served; and backup, restore, check-data,
// migrate and serve's upgrade through the binary, as an operator runs them.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <regex>
#include <thread>

#include "auth/accounts.h"
#include "fixtures.h"
#include "store/pool.h"
#include "test_util.h"

namespace entraide::testing {
namespace {

namespace fs = std::filesystem;

ApiSession SignIn(const std::string& from, int port, const std::string& email) {
  return SignInApi(port, email, kTestPassword, from);
}

// A ticket acknowledged by the server, and the file sent with it.
struct Acked {
  int64_t id = 0;
  std::string file;
};

// The snapshot path `entraide backup` printed.
std::string SnapshotPath(const CommandResult& r) {
  std::smatch m;
  return std::regex_search(r.output, m, std::regex("backup: (/[^\n]+)\n")) ? m[1].str() : "";
}

TEST(BackupE2eTest, SnapshotsTakenWhileEightClientsCreateTicketsHoldEveryAcknowledgedTicketAndFile) {
  constexpr int kClients = 8, kMembersEach = 3;
  TempDir tmp;
  TestApp app([](app::Config& c) {
    c.http_max_parallel_uploads = kClients;  // else a quarter of the threads, and 503 for the others
  });
  const app::Config& config = app.config();
  app.directory().Person("v@example.org", "V", "volunteer");
  for (int c = 0; c < kClients; ++c) {
    app.directory().Group("coop-" + std::to_string(c), "Coop " + std::to_string(c));
    for (int m = 0; m < kMembersEach; ++m)
      app.directory().Person("m" + std::to_string(c) + "-" + std::to_string(m) + "@example.org", "M", "member",
                             {"coop-" + std::to_string(c)});
  }
  std::mutex mu;
  std::condition_variable more;
  std::vector<Acked> acked;  // in the order the server acknowledged them
  std::atomic<bool> stop{false};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      std::string from = "127.0.2." + std::to_string(c + 1);  // an address each: the per-address cap is not tested here
      std::vector<ApiSession> members;
      for (int m = 0; m < kMembersEach; ++m)
        members.push_back(SignIn(from, app.port(), "m" + std::to_string(c) + "-" + std::to_string(m) + "@example.org"));
      std::mt19937 random(c);
      for (int n = 0; !stop && n < 20 * kMembersEach; ++n) {  // each member may open 20 an hour
        const ApiSession& who = members[n % kMembersEach];
        std::string file = "client " + std::to_string(c) + " ticket " + std::to_string(n) + "\n";
        file.resize(file.size() + 1000 + random() % 30000);
        for (size_t i = file.find('\n') + 1; i < file.size(); ++i) file[i] = static_cast<char>(random());
        std::string boundary = "e2e-backup-boundary-7d3f9a";
        std::string body = Multipart(boundary,
                                     {{"csrf", who.csrf},
                                      {"subject", "Ticket " + std::to_string(n)},
                                      {"body", "Voir le fichier."},
                                      {"category", "hardware"},
                                      {"urgency", "normal"}},
                                     {{"files", "file-" + std::to_string(n) + ".bin", file}});
        auto r = SendFrom(from, app.port(), "POST", "/fr/tickets", body,
                          {"Cookie: sid=" + who.sid, "Content-Type: multipart/form-data; boundary=" + boundary});
        std::smatch m;
        std::string location = r.Header("location");
        if (r.status != 303 || !std::regex_match(location, m, std::regex(R"(/fr/tickets/(\d+))"))) {
          ADD_FAILURE() << "client " << c << ": " << r.status << " " << r.body.substr(0, 300);
          return;
        }
        std::lock_guard<std::mutex> lock(mu);
        acked.push_back({std::stoll(m[1]), std::move(file)});
        more.notify_all();
      }
    });
  }
  auto count = [&] {
    std::lock_guard<std::mutex> lock(mu);
    return acked.size();
  };
  // Three snapshots by the binary, as the nightly timer takes them, each after more tickets: what was
  // acknowledged before each started is noted first.
  std::vector<std::pair<std::string, std::vector<Acked>>> snapshots;
  size_t during = 0;  // tickets acknowledged while a backup ran
  for (size_t wanted : {10u, 30u, 60u}) {
    std::vector<Acked> before;
    {
      std::unique_lock<std::mutex> lock(mu);
      more.wait_for(lock, std::chrono::seconds(60), [&] { return acked.size() >= wanted; });
      before = acked;
    }
    CommandResult r = RunEntraide("backup " + ShellQuote(tmp.Join("backups")), QuietDataDirEnv(config.data_dir));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    during += count() - before.size();
    snapshots.emplace_back(SnapshotPath(r), std::move(before));
  }
  stop = true;
  for (auto& t : clients) t.join();
  EXPECT_GT(during, 0u) << "the clients went on while the backups ran";

  for (size_t s = 0; s < snapshots.size(); ++s) {
    const auto& [path, before] = snapshots[s];
    ASSERT_GE(before.size(), 10u);
    TempDir restored;
    app::Config rc = TestConfig(restored.Join("data"));
    rc.content_dir = config.content_dir;
    CommandResult r = RunEntraide("restore " + ShellQuote(path), QuietDataDirEnv(rc.data_dir));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    RunningApp served(rc);
    ApiSession v = SignIn("127.0.3." + std::to_string(s + 1), served.port(), "v@example.org");
    for (const Acked& a : before) {
      std::string ticket = "/api/v1/tickets/" + std::to_string(a.id);
      auto t = Get(served.port(), ticket, v.Headers());
      ASSERT_EQ(t.status, 200) << "snapshot " << s << " lacks ticket " << a.id;
      auto files = Poco::JSON::Parser().parse(t.body).extract<Poco::JSON::Object::Ptr>()->getObject("ticket")->getArray(
          "attachments");
      ASSERT_EQ(files->size(), 1u) << ticket;
      int64_t aid = files->getObject(0)->getValue<int64_t>("id");
      auto download = Get(served.port(), "/fr/tickets/" + std::to_string(a.id) + "/attachments/" + std::to_string(aid),
                          {"Cookie: sid=" + v.sid});
      ASSERT_EQ(download.status, 200) << ticket;
      ASSERT_EQ(download.body, a.file) << ticket << ": not byte-identical";
    }
  }
}

TEST(BackupCliTest, BackupKeepRestoreAndCheckDataAsAnOperatorRunsThem) {
  TempDir tmp;
  std::string data = tmp.Join("data"), backups = tmp.Join("backups");
  ASSERT_EQ(RunEntraide("group add --slug coop --name Coop", QuietDataDirEnv(data)).exit_code, 0);
  CommandResult first = RunEntraide("backup " + ShellQuote(backups), QuietDataDirEnv(data));
  ASSERT_EQ(first.exit_code, 0) << first.output;
  std::regex printed("backup: " + backups +
                     "/entraide-\\d{4}-\\d\\d-\\d\\dT\\d\\d-\\d\\d-\\d\\dZ\n"
                     "  database     [0-9.]+ kB\n"
                     "  attachments  0 files, 0 B \\(0 hard-linked\\)\n"
                     "  mail-in      0 originals of mail received\n"
                     "  written in [0-9.]+ s\n");
  EXPECT_TRUE(std::regex_search(first.output, printed)) << first.output;
  CommandResult second = RunEntraide("backup " + ShellQuote(backups) + " --keep 1", QuietDataDirEnv(data));
  ASSERT_EQ(second.exit_code, 0) << second.output;
  EXPECT_NE(second.output.find("removed " + fs::path(SnapshotPath(first)).filename().string()), std::string::npos)
      << second.output;
  EXPECT_FALSE(fs::exists(SnapshotPath(first)));
  EXPECT_EQ(RunEntraide("backup " + ShellQuote(backups) + " --keep 0", QuietDataDirEnv(data)).exit_code, 2);

  std::string restored = tmp.Join("restored");
  CommandResult r = RunEntraide("restore " + ShellQuote(SnapshotPath(second)), QuietDataDirEnv(restored));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("next: start entraide"), std::string::npos) << r.output;
  CommandResult group = RunEntraide("group add --slug coop --name Coop", QuietDataDirEnv(restored));
  EXPECT_EQ(group.exit_code, 1) << "the restored database has it already: " << group.output;
  CommandResult again = RunEntraide("restore " + ShellQuote(SnapshotPath(second)), QuietDataDirEnv(restored));
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.output.find("is not empty"), std::string::npos) << again.output;
  CommandResult forced = RunEntraide("restore --force " + ShellQuote(SnapshotPath(second)), QuietDataDirEnv(restored));
  EXPECT_EQ(forced.exit_code, 0) << forced.output;
  EXPECT_NE(forced.output.find("is now in " + restored + "/before-restore-"), std::string::npos) << forced.output;

  // check-data: the restored copy has no index yet (serve builds it): one problem, exit 1; then none.
  CommandResult check = RunEntraide("check-data", QuietDataDirEnv(restored));
  EXPECT_EQ(check.exit_code, 1) << check.output;
  std::regex one_problem("^search: there is no index .*\ncheck-data: 1 problem\\(s\\) in ");
  EXPECT_TRUE(std::regex_search(check.output, one_problem)) << check.output;
  ASSERT_EQ(RunEntraide("reindex", QuietDataDirEnv(restored)).exit_code, 0);
  check = RunEntraide("check-data --quick", QuietDataDirEnv(restored));
  EXPECT_EQ(check.exit_code, 0) << check.output;
  EXPECT_NE(check.output.find("check-data: no problems in " + restored + " (0 attachment files, 0 B, sizes only"),
            std::string::npos)
      << check.output;
}

// A copy of the repository's migrations and one more, to upgrade to.
struct Upgrade {
  Upgrade() {
    fs::copy(SourceDir() + "/migrations", tmp.Join("migrations"));
    tmp.Write("migrations/9000_upgrade.sql", "CREATE TABLE upgraded (x INTEGER);");
    EXPECT_EQ(RunEntraide("group add --slug coop --name Coop", QuietDataDirEnv(data())).exit_code,
              0);  // a database with data
  }
  std::string data() const { return tmp.Join("data"); }
  std::string env() const {
    return QuietDataDirEnv(data()) + " ENTRAIDE_MIGRATIONS_DIR=" + ShellQuote(tmp.Join("migrations"));
  }
  TempDir tmp;
};

TEST(BackupCliTest, MigrateDryRunListsWhatItWouldApplyAndChangesNothing) {
  Upgrade u;
  CommandResult dry = RunEntraide("migrate --dry-run", u.env());
  EXPECT_EQ(dry.exit_code, 0);
  EXPECT_EQ(dry.output, "would apply 9000_upgrade.sql\nmigrate --dry-run: 1 to apply; nothing was changed\n");
  EXPECT_FALSE(fs::exists(u.data() + "/backups"));
  EXPECT_EQ(RunEntraide("migrate --dry-run", u.env()).output, dry.output) << "still pending";
  TempDir empty;
  CommandResult fresh = RunEntraide("migrate --dry-run", QuietDataDirEnv(empty.Join("data")));
  EXPECT_NE(fresh.output.find("would apply 0001_articles.sql\n"), std::string::npos) << fresh.output;
  EXPECT_FALSE(fs::exists(empty.Join("data"))) << "not even created";
}

TEST(BackupCliTest, MigrateBacksUpFirstAndPrintsEachMigrationItApplies) {
  Upgrade u;
  CommandResult r = RunEntraide("migrate", u.env());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(std::regex_search(r.output, std::regex("^backup first: " + u.data() +
                                                     "/backups/entraide-[-0-9TZ]+\n"
                                                     "applied 9000_upgrade.sql\n"
                                                     "database ready: ")))
      << r.output;
  EXPECT_NE(RunEntraide("migrate", u.env()).output.find("(nothing to apply)"), std::string::npos);
}

TEST(BackupCliTest, MigrateWithNoBackupTakesNone) {
  Upgrade u;
  CommandResult r = RunEntraide("migrate --no-backup", u.env());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.find("backup first"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("applied 9000_upgrade.sql\n"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(u.data() + "/backups"));
}

TEST(BackupCliTest, ServeBacksUpBeforeMigrationsAndLogsWhichItApplied) {
  Upgrade u;
  TempDir content;
  std::vector<std::pair<std::string, std::string>> env = {{"ENTRAIDE_DATA_DIR", u.data()},
                                                          {"ENTRAIDE_MIGRATIONS_DIR", u.tmp.Join("migrations")},
                                                          {"ENTRAIDE_CONTENT_DIR", content.path()}};
  {
    ServeProcess serve(env);
    EXPECT_TRUE(std::regex_search(
        serve.log(), std::regex("msg=\"backup before migrations written\" path=" + u.data() + "/backups/entraide-")))
        << serve.log();
    EXPECT_NE(serve.log().find("msg=\"migration applied: 9000_upgrade.sql\""), std::string::npos) << serve.log();
  }
  u.tmp.Write("migrations/9001_again.sql", "CREATE TABLE again (x INTEGER);");
  ServeProcess serve(env, {"--no-backup"});
  EXPECT_NE(serve.log().find("msg=\"migration applied: 9001_again.sql\""), std::string::npos) << serve.log();
  EXPECT_EQ(serve.log().find("backup before migrations"), std::string::npos) << serve.log();
}

TEST(BackupCliTest, ServeRefusesADamagedDatabase) {
  TempDir tmp;
  std::string data = tmp.Join("data");
  ASSERT_EQ(RunEntraide("migrate", QuietDataDirEnv(data)).exit_code, 0);
  // Past the header page, every page becomes garbage.
  std::string db = ReadFile(data + "/entraide.db");
  ASSERT_GT(db.size(), 8192u);
  std::fill(db.begin() + 4096, db.end(), '\x5a');
  {
    std::ofstream out(data + "/entraide.db", std::ios::binary | std::ios::trunc);
    out << db;
  }
  CommandResult r = RunEntraide("serve", QuietDataDirEnv(data) + " ENTRAIDE_HTTP_PORT=0");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("is damaged"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("listening on"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace entraide::testing
