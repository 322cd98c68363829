// check-data (app/data_check.h): each kind of problem, made on purpose, is reported on a line of its own; and
// what serve does with them as it starts.
#include "app/data_check.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <utime.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "data_dir_fixture.h"
#include "kb/search_sync.h"
#include "search/index.h"
#include "search/resources.h"

namespace entraide::testing {
namespace {

namespace fs = std::filesystem;

class CheckDataTest : public DataDirTest {
 protected:
  void SetUp() override {
    DataDirTest::SetUp();
    clock_.Set(core::SystemClock().NowSeconds());  // file times and index_queue use the real clock
  }
  std::vector<std::string> Problems(bool full = true) {
    app::DataCheckOptions o;
    o.full = full;
    return app::CheckData(config_, o, clock_).problems;
  }
  void BuildIndex() {
    auto resources = search::LoadResources(config_.search_dir);
    ASSERT_TRUE(resources.ok());
    ASSERT_TRUE(kb::RebuildIndex(*db_, config_.data_dir, *resources, nullptr, true).ok());
  }
  void SetAge(const std::string& path, int64_t seconds) {
    utimbuf t{static_cast<time_t>(clock_.NowSeconds() - seconds), static_cast<time_t>(clock_.NowSeconds() - seconds)};
    ASSERT_EQ(utime(path.c_str(), &t), 0) << path;
  }
  // Overwrites the first bytes of the page where `table` starts: SQLite's checks find it damaged.
  void DamageTable(const std::string& table) {
    auto st = db_->Prepare("SELECT rootpage FROM sqlite_master WHERE name = '" + table + "'");
    ASSERT_TRUE(st.ok());
    int64_t page = 0;
    {
      store::StatementScope q(*st);
      ASSERT_TRUE(*q->Step());
      page = q->ColumnInt(0);
    }
    db_.reset();  // the last connection checkpoints the WAL into the file
    std::fstream f(config_.DatabasePath(), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp((page - 1) * 4096);
    f << std::string(64, '\xff');
  }
  core::FakeClock clock_;
};

bool Has(const std::vector<std::string>& lines, const std::string& needle) {
  for (const auto& l : lines)
    if (l.find(needle) != std::string::npos) return true;
  return false;
}

TEST_F(CheckDataTest, SoundDataHasNoProblems) {
  AddAttachment("one");
  AddAttachment("two");
  AddAttachment("two");  // two rows, one file
  BuildIndex();
  EXPECT_EQ(Problems(), std::vector<std::string>{});
  app::DataCheckOptions o;
  auto r = app::CheckData(config_, o, clock_);
  EXPECT_EQ(r.attachment_files, 2);
  EXPECT_FALSE(r.database_damaged);
}

TEST_F(CheckDataTest, AttachmentFilesMissingResizedOrDamagedAreEachReported) {
  BuildIndex();
  int64_t missing = AddAttachment("missing", false);
  AddAttachment("resized");
  AddAttachment("damaged");
  WriteBytes(AttachmentFile("resized"), "resized!");
  WriteBytes(AttachmentFile("damaged"), "DAMAGED");
  auto path = [](const std::string& content) {
    std::string hash = core::Sha256Hex(content);
    return "attachments/" + hash.substr(0, 2) + "/" + hash;
  };
  std::vector<std::string> expected = {
      "attachment " + std::to_string(missing) + " (ticket 1): " + path("missing") + " is missing",
      "attachment 2 (ticket 2): " + path("resized") + " has 8 bytes, the database says 7",
      "attachment 3 (ticket 3): " + path("damaged") + " is damaged: its SHA-256 is " + core::Sha256Hex("DAMAGED"),
  };
  auto problems = Problems();
  std::sort(problems.begin(), problems.end());
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(problems, expected);
  EXPECT_EQ(Problems(false).size(), 2u) << "--quick compares sizes, not hashes";
}

TEST_F(CheckDataTest, FilesNoRowNamesAreOrphansOnceOlderThanAnUploadTakes) {
  BuildIndex();
  std::string hash(64, 'c');
  fs::create_directories(config_.data_dir + "/attachments/cc");
  WriteBytes(config_.data_dir + "/attachments/cc/" + hash, "old");
  WriteBytes(config_.data_dir + "/attachments/notes.txt", "stray");
  WriteBytes(config_.data_dir + "/attachments/cc/young", "an upload whose transaction is running");
  SetAge(config_.data_dir + "/attachments/cc/" + hash, 3600);
  SetAge(config_.data_dir + "/attachments/notes.txt", 3600);
  auto problems = Problems();
  EXPECT_EQ(problems.size(), 2u) << ::testing::PrintToString(problems);
  EXPECT_TRUE(Has(problems, "attachments: attachments/cc/" + hash + " is named by no attachment (an orphan file)"));
  EXPECT_TRUE(Has(problems, "attachments: attachments/notes.txt is named by no attachment"));
}

TEST_F(CheckDataTest, ARowThatRefersToNothingIsReported) {
  BuildIndex();
  Exec("PRAGMA foreign_keys = OFF; INSERT INTO memberships (user_id, group_id) VALUES (1, 77)");
  EXPECT_EQ(Problems(),
            std::vector<std::string>{"database: memberships row 1 refers to a row of groups that does not exist"});
}

TEST_F(CheckDataTest, AMessageSendingLongerThanTheLimitIsStuck) {
  BuildIndex();
  int64_t now = clock_.NowSeconds();
  Exec(
      "INSERT INTO outbox (id, kind, recipient_email, status, created_at, claimed_at) VALUES "
      "(7, 'signin_link', 'a@example.org', 'sending', " +
      std::to_string(now - 7200) + ", " + std::to_string(now - 45 * 60) +
      "), "
      "(8, 'invitation', 'b@example.org', 'sending', " +
      std::to_string(now) + ", " + std::to_string(now - 60) +
      "), "
      "(9, 'invitation', 'c@example.org', 'pending', " +
      std::to_string(now - 7200) + ", NULL)");
  EXPECT_EQ(Problems(), std::vector<std::string>{"outbox: message 7 (signin_link) has been sending for 45 minutes: "
                                                 "no sender took it back (is serve running?)"});
}

TEST_F(CheckDataTest, AMissingIndexOrAQueueNobodyDrainsIsReported) {
  auto problems = Problems();
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("search: there is no index"), std::string::npos) << problems[0];
  BuildIndex();
  std::string stub = ReadFile(search::StubPath(config_.data_dir));
  std::string folder = stub.substr(stub.find("auto ") + 5);
  folder.erase(folder.find_last_not_of("\n ") + 1);
  fs::remove_all(config_.data_dir + "/" + folder);
  problems = Problems();
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("search: the index folder named by"), std::string::npos) << problems[0];

  BuildIndex();
  Exec("INSERT INTO index_queue (kind, item_id, enqueued_at) VALUES ('article', 1, '" +
       core::FormatIso8601Utc(clock_.NowSeconds() - 3 * 3600) + "'), ('article', 2, '" +
       core::FormatIso8601Utc(clock_.NowSeconds()) + "')");
  EXPECT_EQ(Problems(), std::vector<std::string>{
                            "search: 1 change(s) waited more than 30 minutes in index_queue (the oldest since " +
                            core::FormatIso8601Utc(clock_.NowSeconds() - 3 * 3600) +
                            "): is serve running? entraide import or reindex applies them too"});
}

TEST_F(CheckDataTest, ADamagedDatabaseIsReportedAsSuch) {
  for (int i = 0; i < 50; ++i) AddAttachment("file " + std::to_string(i));
  DamageTable("attachments");
  app::DataCheckOptions o;
  auto r = app::CheckData(config_, o, clock_);
  EXPECT_TRUE(r.database_damaged);
  ASSERT_FALSE(r.problems.empty());
  EXPECT_EQ(r.problems[0].rfind("database: ", 0), 0u) << r.problems[0];
  o.full = false;
  EXPECT_TRUE(app::CheckData(config_, o, clock_).database_damaged) << "quick_check finds it too";
}

TEST_F(CheckDataTest, ServeLogsProblemsAtStartAndRefusesADamagedDatabase) {
  AddAttachment("gone", false);
  {
    CapturedStderr err;
    EXPECT_TRUE(app::CheckDataAtStart(config_, clock_).ok());
    EXPECT_NE(err.Text().find("level=warn msg=\"check-data: attachment 1 (ticket 1): attachments/"), std::string::npos)
        << err.Text();
    EXPECT_EQ(err.Text().find("search:"), std::string::npos) << "serve builds the index itself";
  }
  DamageTable("tickets");
  auto st = app::CheckDataAtStart(config_, clock_);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("is damaged"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("entraide restore"), std::string::npos) << st.message();
  config_.content_dir = tmp_.Join("no-content");
  auto app = app::App::Create(config_);
  EXPECT_FALSE(app.ok()) << "not served";
}

// serve skips the quick_check (which reads the whole file: 5 s at 100,000 articles) when its last stop was clean
// and nothing wrote to the database since; anything else, and the file is checked.
TEST_F(CheckDataTest, AfterACleanStopTheUnchangedDatabaseIsNotReadAgainAndAnyChangeBringsTheCheckBack) {
  db_.reset();  // the last connection closes: the WAL is in the file
  EXPECT_FALSE(app::TakeCleanStop(config_)) << "no marker: checked";
  app::MarkCleanStop(config_);
  EXPECT_TRUE(app::TakeCleanStop(config_));
  EXPECT_FALSE(app::TakeCleanStop(config_)) << "the marker is taken: a run that crashes leaves none";
  {
    CapturedStderr err;
    app::MarkCleanStop(config_);
    EXPECT_TRUE(app::CheckDataAtStart(config_, clock_).ok());
    EXPECT_NE(err.Text().find("database=\"not read: unchanged since a clean stop\""), std::string::npos) << err.Text();
  }
  {
    CapturedStderr err;
    EXPECT_TRUE(app::CheckDataAtStart(config_, clock_).ok());
    EXPECT_NE(err.Text().find("database=quick_check"), std::string::npos) << err.Text();
  }
  // Written to after the stop (another command): checked.
  app::MarkCleanStop(config_);
  {
    auto db = store::Database::Open(config_.DatabasePath());
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Exec("CREATE TABLE written_after_the_stop (x INTEGER)").ok());
  }
  EXPECT_FALSE(app::TakeCleanStop(config_));
  // Damaged in place after a clean stop: the times tell, and serve refuses it.
  db_ = std::move(store::Database::Open(config_.DatabasePath())).value();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // the file system's clock moves on
  app::MarkCleanStop(config_);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  DamageTable("tickets");
  EXPECT_FALSE(app::CheckDataAtStart(config_, clock_).ok());
}

}  // namespace
}  // namespace entraide::testing
