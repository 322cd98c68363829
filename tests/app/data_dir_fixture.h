// A data.dir with a migrated database, and tickets with attachment files added straight through SQL, for the
// backup, restore and check-data tests (the help desk's own rules are not what they test).
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "app/app.h"
#include "core/sha256.h"
#include "store/database.h"
#include "test_util.h"

namespace entraide::testing {

class DataDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = TestConfig(tmp_.Join("data"));
    ASSERT_TRUE(app::PrepareStore(config_).ok());
    auto db = store::Database::Open(config_.DatabasePath());
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
    Exec(
        "INSERT INTO groups (id, slug, name) VALUES (1, 'coop', 'Coop');"
        "INSERT INTO users (id, email, name, role) VALUES (1, 'm@example.org', 'M', 'member')");
  }

  void Exec(const std::string& sql) {
    auto st = db_->Exec(sql);
    ASSERT_TRUE(st.ok()) << st.ToString() << "\n" << sql;
  }

  // A new ticket with one attachment holding `content` (its file written unless `write_file` is false);
  // returns the attachment's id.
  int64_t AddAttachment(const std::string& content, bool write_file = true) {
    int64_t n = ++tickets_;
    std::string hash = core::Sha256Hex(content);
    Exec(
        "INSERT INTO tickets (id, ref, group_id, opened_by, subject, body, body_html, category, urgency, status, "
        "created_at, updated_at) VALUES (" +
        std::to_string(n) + ", 'ENT-2027-" + std::to_string(1000 + n) +
        "', 1, 1, 'S', 'B', '<p>B</p>', 'email', 'normal', 'new', 1, 1);"
        "INSERT INTO attachments (ticket_id, filename, content_type, size, sha256, uploaded_by, created_at) VALUES (" +
        std::to_string(n) + ", 'f.txt', 'text/plain', " + std::to_string(content.size()) + ", '" + hash + "', 1, 1)");
    if (write_file) {
      std::filesystem::create_directories(config_.data_dir + "/attachments/" + hash.substr(0, 2));
      WriteBytes(AttachmentFile(content), content);
    }
    return db_->LastInsertRowId();
  }

  // Where the file of an attachment holding `content` lives.
  std::string AttachmentFile(const std::string& content) const {
    std::string hash = core::Sha256Hex(content);
    return config_.data_dir + "/attachments/" + hash.substr(0, 2) + "/" + hash;
  }

  static void WriteBytes(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << bytes;
  }

  TempDir tmp_;
  app::Config config_;
  std::unique_ptr<store::Database> db_;
  int64_t tickets_ = 0;
};

}  // namespace entraide::testing
