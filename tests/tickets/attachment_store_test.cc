#include "tickets/attachment_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/sha256.h"
#include "store/ticket_repo.h"
#include "test_util.h"
#include "tickets/ticket_fixture.h"

namespace entraide::tickets {
namespace {
namespace fs = std::filesystem;

class AttachmentStoreTest : public TicketServiceTest {
 protected:
  void SetUp() override {
    TicketServiceTest::SetUp();
    AttachmentLimits limits;
    limits.max_files = 2;
    limits.max_file_bytes = 10;
    store_ = std::make_unique<AttachmentStore>(*pool_, dir_.Join("attachments"), limits);
    ticket_ = Open(member_a_);
  }
  // A temp file holding `content`, as the HTTP layer leaves an upload.
  Upload Temp(const std::string& name, const std::string& content) {
    std::string path = dir_.Join("tmp-" + std::to_string(++temps_));
    { std::ofstream(path) << content; }
    return {name, "text/plain", path, core::Sha256Hex(content), static_cast<int64_t>(content.size())};
  }
  core::Status Store(const std::vector<Upload>& uploads) {
    auto db = pool_->Acquire();
    store::TicketRepository repo(**db);
    return store::InTransaction(**db, [&] {
      return store_->Store(repo, member_a_, ticket_.id, std::nullopt, uploads, clock_.NowSeconds(), nullptr);
    });
  }
  // Every file under the temp folder but the database's, the attachments folder's and the uploads left.
  std::vector<std::string> FilesOutsideTheStore() {
    std::vector<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(dir_.path())) {
      std::string rel = fs::relative(e.path(), dir_.path()).string();
      if (!e.is_regular_file() || rel.rfind("attachments/", 0) == 0 || rel.rfind("tmp-", 0) == 0 ||
          rel.rfind("entraide.db", 0) == 0)
        continue;
      out.push_back(rel);
    }
    return out;
  }

  std::unique_ptr<AttachmentStore> store_;
  Ticket ticket_;
  int temps_ = 0;
};

TEST_F(AttachmentStoreTest, RefusesAFileOverTheLimitOrTooManyFilesNamingTheField) {
  core::Status big = store_->Check({Temp("big.bin", std::string(11, 'x'))});
  EXPECT_EQ(big.code(), core::StatusCode::kTooLarge);
  EXPECT_EQ(big.field(), "attachments");
  EXPECT_EQ(big.key(), "error_attachment_too_large");
  core::Status many = store_->Check({Temp("a", "a"), Temp("b", "b"), Temp("c", "c")});
  EXPECT_EQ(many.code(), core::StatusCode::kInvalidArgument);
  EXPECT_EQ(many.field(), "attachments");
  EXPECT_TRUE(store_->Check({Temp("a", "a"), Temp("ten.bin", std::string(10, 'x'))}).ok()) << "at the limit";
}

TEST_F(AttachmentStoreTest, StoresByContentUnderItsFolderAndOnceForTheSameBytes) {
  Upload first = Temp("../../etc/passwd", "same bytes"), second = Temp("copy.txt", "same bytes");
  ASSERT_TRUE(Store({first, second}).ok());
  std::string path = AttachmentPath(dir_.Join("attachments"), first.sha256);
  EXPECT_EQ(path, dir_.Join("attachments/" + first.sha256.substr(0, 2) + "/" + first.sha256));
  EXPECT_EQ(testing::ReadFile(path), "same bytes");
  EXPECT_EQ(Count("SELECT count(*) FROM attachments WHERE ticket_id = " + std::to_string(ticket_.id)), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM attachments WHERE filename = 'passwd'"), 1) << "no path survives";
  EXPECT_TRUE(FilesOutsideTheStore().empty());
}

TEST_F(AttachmentStoreTest, NeverWritesOutsideItsFolderWhateverTheHashSays) {
  // A hash is 64 hex digits; anything else could name a path (".." + 62 letters names <folder>/../..aaa…, beside
  // the folder): refused before any file moves or row is added.
  std::string escape = ".." + std::string(62, 'a');
  for (const std::string& hash : {escape, std::string(64, 'A'), std::string(63, 'a'), std::string()}) {
    Upload good = Temp("good.txt", "good"), bad = Temp("bad.txt", "bad");
    bad.sha256 = hash;
    EXPECT_EQ(Store({good, bad}).code(), core::StatusCode::kInternal) << hash;
    EXPECT_TRUE(fs::exists(bad.temp_path)) << "left where it was";
    EXPECT_TRUE(fs::exists(good.temp_path)) << "nothing is stored when one file of the form is refused";
  }
  EXPECT_EQ(Count("SELECT count(*) FROM attachments"), 0);
  EXPECT_TRUE(FilesOutsideTheStore().empty());
  EXPECT_FALSE(fs::exists(dir_.Join(escape)));
}

TEST_F(AttachmentStoreTest, AFileOfAnInternalNoteIsTheVolunteersAlone) {
  ReplyRequest note = Reply("capture", /*internal=*/true);
  note.uploads.push_back(Temp("note.png", "note bytes"));
  ASSERT_TRUE(service_->Reply(&volunteer_, ticket_.id, note).ok());
  auto view = service_->Get(&volunteer_, ticket_.id);
  ASSERT_EQ(view->attachments.size(), 1u);
  int64_t id = view->attachments[0].id;
  auto got = service_->attachments().Get(&volunteer2_, ticket_.id, id);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(testing::ReadFile(got->path), "note bytes");
  EXPECT_EQ(service_->attachments().Get(&member_a_, ticket_.id, id).status().code(), core::StatusCode::kNotFound);
  EXPECT_EQ(service_->attachments().Get(nullptr, ticket_.id, id).status().code(), core::StatusCode::kUnauthenticated);
}

TEST(SafeContentTypeTest, KeepsAMediaTypeAndNothingElse) {
  struct Case {
    std::string in, out;
  };
  const Case cases[] = {
      {"image/png", "image/png"},
      {"Image/PNG; charset=x", "image/png"},
      {"application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.text"},
      {"image/svg+xml", "image/svg+xml"},
      {"text/html\r\nX-Injected: 1", "application/octet-stream"},
      {"nonsense", "application/octet-stream"},
      {"", "application/octet-stream"},
      {"text/" + std::string(100, 'a'), "application/octet-stream"},
  };
  for (const auto& c : cases) EXPECT_EQ(SafeContentType(c.in), c.out) << c.in;
}

}  // namespace
}  // namespace entraide::tickets
