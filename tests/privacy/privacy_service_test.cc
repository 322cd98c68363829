// Exports, erasure and retention on a real SQLite file and real attachment files, with a FakeClock. ZIP files are
// read back by Python's zipfile, which checks every entry.
#include "privacy/privacy_service.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "auth/accounts.h"
#include "core/sha256.h"
#include "core/strings.h"
#include "fixtures.h"
#include "store/reply_token_repo.h"
#include "test_util.h"
#include "tickets/reply_tokens.h"
#include "tickets/ticket_service.h"

namespace entraide::privacy {
namespace {

namespace fs = std::filesystem;
using testing::Json;
using tickets::ReplyRequest;
using tickets::Ticket;
using tickets::Upload;

constexpr const char* kPassword = "Horse battery staple 42!";
constexpr int64_t kDay = 24 * 3600;

class PrivacyServiceTest : public testing::DeskTest {
 protected:
  void SetUp() override {
    DeskTest::SetUp();
    Groups({{"coop-a", "Coop A", "fr"}, {"coop-b", "Coop B", "en"}});
    member_a_ = Person("maude@example.org", "Maude Ouellet", "member", {"coop-a"}, "fr");
    member_a2_ = Person("ann@example.org", "Ann Smith", "member", {"coop-a"}, "en");
    member_b_ = Person("bob@example.org", "Bob Tremblay", "member", {"coop-b"}, "fr");
    volunteer_ = Person("vero.lachance@example.org", "Véro Lachance", "volunteer", {}, "fr");
    fs::create_directories(dir_.Join("mail"));
    fs::create_directories(dir_.Join("tmp"));
    auto catalogs = i18n::Catalogs::Load(testing::SourceDir() + "/views/i18n");
    ASSERT_TRUE(catalogs.ok());
    catalogs_ = *catalogs;
    service_ = Service(0);
  }

  std::unique_ptr<PrivacyService> Service(int retention_days) {
    Options o;
    o.attachments_dir = dir_.Join("attachments");
    o.mail_dir = dir_.Join("mail");
    o.temp_dir = dir_.Join("tmp");
    o.base_url = "https://entraide.example.org";
    o.closed_ticket_retention_days = retention_days;
    return std::make_unique<PrivacyService>(*pool_, clock_, *catalogs_, o);
  }

  // A file received with a form: `content` in a temp file, as the HTTP layer leaves it.
  Upload File(const std::string& name, const std::string& content) {
    std::string path = dir_.Join("upload-" + std::to_string(++uploads_));
    std::ofstream(path, std::ios::binary) << content;
    return {name, "text/plain", path, core::Sha256Hex(content), static_cast<int64_t>(content.size())};
  }
  Ticket Open(const auth::Principal& who, const std::string& subject, const std::string& body,
              std::vector<Upload> files = {}) {
    tickets::NewTicket t = testing::NewTicketOf(subject, body, "hardware");
    t.uploads = std::move(files);
    return DeskTest::Open(who, std::move(t));
  }
  void Reply(const auth::Principal& who, int64_t id, const std::string& body, bool internal = false,
             std::vector<Upload> files = {}, bool resolve = false) {
    ReplyRequest r;
    r.body = body;
    r.internal = internal;
    r.resolve = resolve;
    r.uploads = std::move(files);
    ASSERT_TRUE(tickets_->Reply(&who, id, std::move(r)).ok());
  }
  // Claimed, answered and resolved by the volunteer, then closed by the group.
  void Close(const Ticket& t, const auth::Principal& group_member, std::vector<Upload> files = {}) {
    ASSERT_TRUE(tickets_->Claim(&volunteer_, t.id).ok());
    Reply(volunteer_, t.id, "Réglé : remplacez la cartouche.", false, std::move(files), true);
    ASSERT_TRUE(tickets_->Close(&group_member, t.id).ok());
  }
  std::string AttachmentPath(const std::string& content) {
    std::string sha = core::Sha256Hex(content);
    return dir_.Join("attachments/" + sha.substr(0, 2) + "/" + sha);
  }

  std::shared_ptr<const i18n::Catalogs> catalogs_;
  std::unique_ptr<PrivacyService> service_;
  auth::Principal member_a_, member_a2_, member_b_, volunteer_;
  int uploads_ = 0;
};

// Maude's ticket with her file, the volunteer's public reply with a file, an internal note with a file, her
// helpful vote; Bob's ticket in the other group.
class ExportTest : public PrivacyServiceTest {
 protected:
  void SetUp() override {
    PrivacyServiceTest::SetUp();
    mine_ =
        Open(member_a_, "Imprimante en panne", "Elle clignote en rouge.", {File("facture-maude.txt", "ma facture")});
    ASSERT_TRUE(tickets_->Claim(&volunteer_, mine_.id).ok());
    Reply(volunteer_, mine_.id, "Note interne : zorglub, leur routeur date de 2009.", true,
          {File("zorglub.txt", "secret des bénévoles")});
    Reply(volunteer_, mine_.id, "Réponse publique : quetzal, changez la cartouche.", false,
          {File("capture.png", "capture du bénévole")}, true);
    ASSERT_TRUE(tickets_->Helpful(&member_a_, mine_.id, true, "merci beaucoup").ok());
    other_ = Open(member_b_, "Autre organisme hibou", "Rien à voir.", {File("bob.txt", "fichier de bob")});
  }
  // The archive's entries, and its data.json read.
  std::map<std::string, std::string> Exported(const std::string& email) {
    std::string path = dir_.Join("out-" + std::to_string(++exports_) + ".zip");
    auto summary = service_->ExportPerson(email, path);
    EXPECT_TRUE(summary.ok()) << summary.status().ToString();
    EXPECT_FALSE(fs::exists(path + ".part"));
    return testing::ReadZip(path);
  }
  Ticket mine_, other_;
  int exports_ = 0;
};

TEST_F(ExportTest, APersonsExportHoldsTheirRequestsAndWritingsButNoInternalNoteOfOthers) {
  auto zip = Exported("maude@example.org");
  ASSERT_TRUE(zip.count("data.json")) << "not a readable archive";
  const std::string& data = zip["data.json"];
  for (const char* expected : {"Maude Ouellet", "maude@example.org", "Imprimante en panne", "Elle clignote en rouge.",
                               "quetzal", "merci beaucoup", "facture-maude.txt", "capture.png", "Coop A"})
    EXPECT_NE(data.find(expected), std::string::npos) << expected;
  for (const char* absent : {"zorglub", "hibou", "bob@example.org", "Bob Tremblay"})
    EXPECT_EQ(data.find(absent), std::string::npos) << absent;
  EXPECT_EQ(data.find(csrf_["maude@example.org"]), std::string::npos) << "a session's secret was exported";
  // Her own file is there with its bytes; the volunteer's public file is listed, not copied; nobody else's.
  std::vector<std::string> files;
  for (const auto& [name, bytes] : zip)
    if (core::StartsWith(name, "files/")) files.push_back(name);
  ASSERT_EQ(files.size(), 1u);
  EXPECT_TRUE(core::EndsWith(files[0], "-facture-maude.txt")) << files[0];
  EXPECT_EQ(zip[files[0]], "ma facture");

  auto root = Json(data);
  EXPECT_EQ(root->getValue<std::string>("kind"), "person");
  EXPECT_EQ(root->getObject("person")->getValue<std::string>("email"), "maude@example.org");
  EXPECT_EQ(root->getObject("email_preferences")->getValue<std::string>("group_digest"), "weekly");
  EXPECT_EQ(root->getArray("sessions")->size(), 1u);
  auto opened = root->getArray("tickets_opened");
  ASSERT_EQ(opened->size(), 1u);
  auto history = opened->getObject(0)->getArray("history");
  bool saw_reply = false;
  for (size_t i = 0; i < history->size(); ++i)
    saw_reply = saw_reply || history->getObject(static_cast<unsigned>(i))->getValue<std::string>("kind") == "reply";
  EXPECT_TRUE(saw_reply);
  auto votes = root->getArray("helpful_votes");
  ASSERT_EQ(votes->size(), 1u);
  EXPECT_TRUE(votes->getObject(0)->getValue<bool>("helpful"));
  EXPECT_EQ(root->getArray("attachments")->getObject(0)->getValue<std::string>("file"), files[0]);
  EXPECT_GE(root->getArray("emails")->size(), 1u) << "the notifications sent to her";
}

TEST_F(ExportTest, AVolunteersExportHoldsTheirOwnInternalNotesAndFiles) {
  auto zip = Exported("vero.lachance@example.org");
  ASSERT_TRUE(zip.count("data.json"));
  EXPECT_NE(zip["data.json"].find("zorglub"), std::string::npos) << "what they wrote is theirs";
  EXPECT_NE(zip["data.json"].find("\"internal\":true"), std::string::npos);
  int files = 0;
  for (const auto& [name, bytes] : zip) files += core::StartsWith(name, "files/");
  EXPECT_EQ(files, 2) << "the note's file and the reply's";
}

TEST_F(ExportTest, AGroupsExportHoldsItsTicketsAndMembersAndNeverAnotherGroups) {
  std::string path = dir_.Join("coop-a.zip");
  auto summary = service_->ExportGroup("coop-a", path);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->tickets, 1);
  auto zip = testing::ReadZip(path);
  const std::string& data = zip["data.json"];
  for (const char* expected : {"maude@example.org", "ann@example.org", "Imprimante en panne", "quetzal"})
    EXPECT_NE(data.find(expected), std::string::npos) << expected;
  for (const char* absent : {"zorglub", "hibou", "bob@example.org", "Rien à voir"})
    EXPECT_EQ(data.find(absent), std::string::npos) << absent;
  std::set<std::string> contents;
  for (const auto& [name, bytes] : zip)
    if (core::StartsWith(name, "files/")) contents.insert(bytes);
  EXPECT_EQ(contents, (std::set<std::string>{"ma facture", "capture du bénévole"}))
      << "the group's public files, never an internal note's or another group's";

  path = dir_.Join("coop-b.zip");
  ASSERT_TRUE(service_->ExportGroup("coop-b", path).ok());
  zip = testing::ReadZip(path);
  EXPECT_NE(zip["data.json"].find("hibou"), std::string::npos);
  EXPECT_EQ(zip["data.json"].find("Imprimante"), std::string::npos);
  EXPECT_EQ(zip["data.json"].find("maude@example.org"), std::string::npos);
  EXPECT_EQ(service_->ExportGroup("nope", dir_.Join("nope.zip")).status().code(), core::StatusCode::kNotFound);
  EXPECT_EQ(service_->ExportPerson("nobody@example.org", dir_.Join("x.zip")).status().code(),
            core::StatusCode::kNotFound);
}

TEST_F(ExportTest, TheAccountPageExportsThreeTimesAnHour) {
  for (int i = 0; i < 3; ++i) {
    auto made = service_->ExportOwnData(member_a_, nullptr);
    ASSERT_TRUE(made.ok()) << i << ": " << made.status().ToString();
    EXPECT_EQ(made->path.rfind(dir_.Join("tmp/export-"), 0), 0u) << made->path;
    EXPECT_TRUE(testing::ReadZip(made->path).count("data.json"));
    fs::remove(made->path);
    clock_.Advance(60);
  }
  int64_t retry = 0;
  auto refused = service_->ExportOwnData(member_a_, &retry);
  EXPECT_EQ(refused.status().code(), core::StatusCode::kResourceExhausted);
  EXPECT_EQ(retry, 3600 - 180) << "when the first of the hour leaves it";
  EXPECT_TRUE(fs::is_empty(dir_.Join("tmp"))) << "a refusal leaves no file";
  EXPECT_TRUE(service_->ExportOwnData(member_a2_, nullptr).ok()) << "the limit is per person";
  clock_.Advance(retry);
  EXPECT_TRUE(service_->ExportOwnData(member_a_, nullptr).ok());
}

// What a person leaves behind once erased, in the database file itself.
class ErasureTest : public PrivacyServiceTest {
 protected:
  void SetUp() override {
    PrivacyServiceTest::SetUp();
    // The volunteer holds a resolved ticket of Maude's and an open one of Ann's, and has written to both.
    answered_ = Open(member_a_, "Courriel bloqué", "Je ne reçois plus rien.");
    Close(answered_, member_a_);
    held_ = Open(member_a2_, "Site en panne", "Page blanche.");
    ASSERT_TRUE(tickets_->Claim(&volunteer_, held_.id).ok());
    Reply(volunteer_, held_.id, "Je regarde le serveur ce soir.");
    Reply(member_a2_, held_.id, "Thanks, the site is hosted at home.");  // a mail to the volunteer, naming Ann
    std::ofstream(dir_.Join("mail/1.eml")) << "From: Entraide <e@x>\r\nTo: =?UTF-8?Q?V=C3=A9ro?=\r\n"
                                              " <vero.lachance@example.org>\r\nSubject: x\r\n\r\nbody\r\n";
    std::ofstream(dir_.Join("mail/2.eml")) << "From: Entraide <e@x>\r\nTo: Maude <maude@example.org>\r\n\r\nbody\r\n";
  }
  Ticket answered_, held_;
};

TEST_F(ErasureTest, ErasingAPersonRevokesTheirReplyAddresses) {
  const std::string token = "0123456789abcdef0123456789abcdef";
  auto added = store::ReplyTokenRepository(Db()).Add(token, volunteer_.user_id, answered_.id, clock_.NowSeconds());
  ASSERT_TRUE(added.ok() && *added);
  ASSERT_TRUE(service_->Erase("vero.lachance@example.org").ok());
  auto found = tickets::FindReplyToken(Db(), token);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_TRUE((*found)->revoked);
}

TEST_F(ErasureTest, ErasingAPersonRemovesTheirIdentityEverywhereAndKeepsWhatTheyWrote) {
  const int64_t id = volunteer_.user_id;
  ASSERT_GT(Count("SELECT count(*) FROM outbox WHERE instr(data_json || subject, 'Véro Lachance') > 0 AND "
                  "recipient_email != 'vero.lachance@example.org'"),
            0)
      << "the scenario names them in others' mail";
  std::string generation = Text("SELECT coalesce(max(value), '0') FROM meta WHERE key = 'content_generation'");
  auto report = service_->Erase("Vero.Lachance@example.org ");
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->placeholder_email, "erased-" + std::to_string(id) + "@invalid");
  EXPECT_TRUE(report->wal_emptied);
  EXPECT_EQ(report->mail_files, 1);
  EXPECT_FALSE(fs::exists(dir_.Join("mail/1.eml")));
  EXPECT_TRUE(fs::exists(dir_.Join("mail/2.eml")));
  EXPECT_EQ(report->counts.tickets_released, 1);
  EXPECT_NE(Text("SELECT value FROM meta WHERE key = 'content_generation'"), generation)
      << "every process's page cache is dropped";

  std::string where = " WHERE user_id = " + std::to_string(id);
  EXPECT_EQ(Text("SELECT name || '|' || email || '|' || coalesce(password_hash, 'none') || '|' || active || '|' || "
                 "(erased_at IS NOT NULL) FROM users WHERE id = " +
                 std::to_string(id)),
            std::string(core::kErasedName) + "|erased-" + std::to_string(id) + "@invalid|none|0|1");
  for (const char* table : {"sessions", "tokens", "memberships", "mail_preferences", "take_links", "outbox"})
    EXPECT_EQ(Count(std::string("SELECT count(*) FROM ") + table + where), 0) << table;
  // Their replies stay, with their id; the open ticket they held is nobody's now.
  EXPECT_EQ(Count("SELECT count(*) FROM ticket_events WHERE kind = 'reply' AND actor_id = " + std::to_string(id)), 2);
  EXPECT_EQ(Text("SELECT coalesce(assignee_id, 'nobody') FROM tickets WHERE id = " + std::to_string(held_.id)),
            "nobody");
  // Others' mail names "a former member" in its own language.
  EXPECT_EQ(Text("SELECT json_extract(data_json, '$.actor') FROM outbox WHERE kind = 'ticket_reply' AND "
                 "recipient_email = 'maude@example.org' LIMIT 1"),
            "un ancien membre");
  EXPECT_EQ(Text("SELECT json_extract(data_json, '$.actor') FROM outbox WHERE kind = 'ticket_reply' AND "
                 "recipient_email = 'ann@example.org' LIMIT 1"),
            "a former member");
  // Pages read "a former member" in the reader's language (the presenters' catalog), the reply itself unchanged.
  auto view = tickets_->Get(&member_a_, answered_.id);
  ASSERT_TRUE(view.ok());
  bool reply_kept = false;
  for (const auto& e : view->events) {
    if (e.actor_id != id) continue;
    EXPECT_EQ(catalogs_->For("fr").PersonName(e.actor_name), "un ancien membre");
    EXPECT_EQ(catalogs_->For("en").PersonName(e.actor_name), "a former member");
    reply_kept = reply_kept || e.body == "Réglé : remplacez la cartouche.";
    if (e.kind == "assign") {
      EXPECT_EQ(e.new_value, std::string(core::kErasedName));
    }
  }
  EXPECT_TRUE(reply_kept);

  // Nowhere in the database's bytes: the file (rows overwritten by secure_delete) and its emptied log.
  std::string bytes = testing::ReadFile(dir_.Join("entraide.db"));
  if (fs::exists(dir_.Join("entraide.db-wal"))) bytes += testing::ReadFile(dir_.Join("entraide.db-wal"));
  ASSERT_GT(bytes.size(), 10000u);
  for (const char* trace : {"Véro Lachance", "vero.lachance", "Lachance"})
    EXPECT_EQ(bytes.find(trace), std::string::npos) << trace << " is still in the database file";

  EXPECT_EQ(service_->Erase("vero.lachance@example.org").status().code(), core::StatusCode::kNotFound);
  EXPECT_EQ(service_->Erase(report->placeholder_email).status().code(), core::StatusCode::kConflict);
  EXPECT_FALSE(auth_->sessions.SignIn(report->placeholder_email, kPassword, "ip", "", nullptr).ok());
}

class RetentionTest : public PrivacyServiceTest {};

TEST_F(RetentionTest, TicketsClosedLongerAgoLoseTheirTextAndTheFilesNothingElseNames) {
  auto retention = Service(30);
  Ticket old_one = Open(member_a_, "Vieille demande", "Mon adresse personnelle est 12 rue des Pins.",
                        {File("old.txt", "only on the old ticket"), File("shared.txt", "on both tickets")});
  Close(old_one, member_a_, {File("reply.txt", "the volunteer's file")});
  ASSERT_TRUE(tickets_->Helpful(&member_a_, old_one.id, false, "pas vraiment").ok());
  clock_.Advance(10 * kDay);
  Ticket recent = Open(member_a_, "Demande récente", "Encore un problème.", {File("shared.txt", "on both tickets")});
  Close(recent, member_a_);
  Ticket reopened = Open(member_a_, "Rouverte", "Texte gardé.", {File("kept.txt", "reopened ticket's file")});
  Close(reopened, member_a_);
  ASSERT_TRUE(tickets_->Reopen(&member_a_, reopened.id).ok());
  ASSERT_GT(Count("SELECT count(*) FROM outbox WHERE thread_key = 'ticket:" + std::to_string(old_one.id) +
                  "' AND json_extract(data_json, '$.excerpt') != ''"),
            0);

  EXPECT_EQ(service_->ApplyRetention()->tickets, 0) << "0 days: off";
  clock_.Advance(21 * kDay);  // the old ticket closed 31 days ago, the recent one 21
  auto report = retention->ApplyRetention();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->tickets, 1);
  EXPECT_EQ(report->attachments, 3);
  EXPECT_EQ(report->files, 2) << "old.txt and reply.txt; shared.txt is the recent ticket's too";
  EXPECT_FALSE(fs::exists(AttachmentPath("only on the old ticket")));
  EXPECT_FALSE(fs::exists(AttachmentPath("the volunteer's file")));
  EXPECT_TRUE(fs::exists(AttachmentPath("on both tickets")));
  EXPECT_TRUE(fs::exists(AttachmentPath("reopened ticket's file")));

  std::string id = std::to_string(old_one.id);
  EXPECT_EQ(Text("SELECT subject || '|' || body || '|' || body_html || '|' || helpful_comment || '|' || "
                 "(redacted_at IS NOT NULL) FROM tickets WHERE id = " +
                 id),
            "Vieille demande||||1");
  EXPECT_EQ(Count("SELECT count(*) FROM ticket_events WHERE (body != '' OR body_html != '') AND ticket_id = " + id), 0);
  EXPECT_GT(Count("SELECT count(*) FROM ticket_events WHERE ticket_id = " + id), 3) << "the history's steps stay";
  EXPECT_EQ(Count("SELECT count(*) FROM attachments WHERE ticket_id = " + id), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE thread_key = 'ticket:" + id +
                  "' AND json_extract(data_json, '$.excerpt') != ''"),
            0)
      << "the emails' excerpts of its replies";
  EXPECT_EQ(Text("SELECT body FROM tickets WHERE id = " + std::to_string(recent.id)), "Encore un problème.");
  EXPECT_EQ(Text("SELECT body FROM tickets WHERE id = " + std::to_string(reopened.id)), "Texte gardé.")
      << "a reopened ticket is not closed";
  EXPECT_EQ(retention->ApplyRetention()->tickets, 0) << "done once";
  clock_.Advance(10 * kDay);
  EXPECT_EQ(retention->ApplyRetention()->tickets, 1) << "the recent one's turn";
  EXPECT_FALSE(fs::exists(AttachmentPath("on both tickets")));
}

}  // namespace
}  // namespace entraide::privacy
