// The entraide binary as people run it: exit codes, messages, and a graceful stop on SIGTERM.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <regex>

#include "mail_util.h"
#include "store/pool.h"
#include "test_util.h"

namespace entraide::testing {
namespace {

using Result = CommandResult;

std::string Quote(const std::string& s) { return ShellQuote(s); }

TEST(CliTest, HelpForTheBinaryAndEachCommand) {
  Result top = RunEntraide("--help");
  EXPECT_EQ(top.exit_code, 0);
  for (const char* cmd : {"serve", "migrate", "import", "check-content", "export-content"}) {
    EXPECT_NE(top.output.find(cmd), std::string::npos) << cmd;
    Result r = RunEntraide(std::string(cmd) + " --help");
    EXPECT_EQ(r.exit_code, 0) << cmd;
    EXPECT_NE(r.output.find(std::string("Usage: entraide ") + cmd), std::string::npos) << r.output;
  }
  EXPECT_EQ(RunEntraide("frobnicate").exit_code, 2);
  EXPECT_EQ(RunEntraide("").exit_code, 2) << "a command is required";
  Result version = RunEntraide("--version");
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_TRUE(std::regex_match(version.output, std::regex("entraide [0-9]+\\.[0-9]+\\.[0-9]+\n"))) << version.output;
}

// The process markdown::RenderWorkers starts: not in the help, no configuration read, its argument checked.
TEST(CliTest, RenderWorkerIsHiddenAndChecksItsMemoryArgument) {
  EXPECT_EQ(RunEntraide("--help").output.find("render-worker"), std::string::npos);
  Result bad = RunEntraide("render-worker lots");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.output.find("render-worker: MEMORY_BYTES must be a positive number of bytes"), std::string::npos)
      << bad.output;
  Result idle = RunEntraide("render-worker 536870912 </dev/null", "ENTRAIDE_HTTP_PORT=eighty");
  EXPECT_EQ(idle.exit_code, 0) << "says it is ready, then stops at the end of its input: " << idle.output;
  EXPECT_NE(idle.output.find("entraide render-worker 1"), std::string::npos) << idle.output;
}

TEST(CliTest, BadConfigValueStopsWithExit2NamingKeyAndValue) {
  TempDir data;
  Result r = RunEntraide("migrate", "ENTRAIDE_DATA_DIR=" + Quote(data.path()) + " ENTRAIDE_HTTP_PORT=eighty");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("http.port = 'eighty'"), std::string::npos) << r.output;
  r = RunEntraide("--config /nonexistent.ini migrate");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("/nonexistent.ini"), std::string::npos) << r.output;
}

TEST(CliTest, MigrateThenImportReportsBadFilesAndExitsNonZero) {
  TempDir data, content;
  content.Write("en/good.md", "---\ntitle: Good\n---\nok\n");
  content.Write("en/bad.md", "---\ntitle: Bad\nupdated: tomorrow\n---\n");
  std::string env = "ENTRAIDE_DATA_DIR=" + Quote(data.path()) + " ENTRAIDE_CONTENT_DIR=" + Quote(content.path());
  Result m = RunEntraide("migrate", env);
  EXPECT_EQ(m.exit_code, 0) << m.output;
  Result i = RunEntraide("import", env);
  EXPECT_EQ(i.exit_code, 1) << i.output;
  EXPECT_NE(i.output.find("en/bad.md:3: error: updated 'tomorrow'"), std::string::npos) << i.output;
  EXPECT_NE(i.output.find("1 added"), std::string::npos) << i.output;
  Result again = RunEntraide("import", env);
  EXPECT_NE(again.output.find("0 added, 0 updated, 1 unchanged"), std::string::npos) << again.output;
}

// `entraide export-content DIR` writes what import read, byte for byte (odd spacing kept), touches nothing that is
// already identical, and lists the .md files that are not in the library.
TEST(CliTest, ExportContentWritesTheLibraryBackByteForByteAndListsStrayFiles) {
  TempDir data, content, out;
  const std::string file = "---\ntitle:   Spaced   \nkey: good\n---\n\nok\n";
  content.Write("en/good.md", file);
  std::string env = "ENTRAIDE_DATA_DIR=" + Quote(data.path()) + " ENTRAIDE_CONTENT_DIR=" + Quote(content.path());
  ASSERT_EQ(RunEntraide("import", env).exit_code, 0);
  Result e = RunEntraide("export-content " + Quote(out.path()), env);
  EXPECT_EQ(e.exit_code, 0) << e.output;
  EXPECT_NE(e.output.find("export-content: 1 written, 0 unchanged"), std::string::npos) << e.output;
  EXPECT_EQ(ReadFile(out.Join("en/good.md")), file);
  out.Write("en/stray.md", "---\ntitle: Stray\n---\n");
  Result again = RunEntraide("export-content " + Quote(out.path()), env);
  EXPECT_NE(again.output.find("0 written, 1 unchanged, 1 not in the library"), std::string::npos) << again.output;
  EXPECT_NE(again.output.find("en/stray.md: not in the library"), std::string::npos) << again.output;
  EXPECT_EQ(RunEntraide("export-content", env).exit_code, 2) << "DIR is required";
}

// The clean-stop marker (serve skips reading the whole database at start when nothing wrote to it since a clean
// stop, issue #20) is passed on by the commands only when the database they found had been checked, or is new.
TEST(CliTest, CommandsPassTheCleanStopMarkerOnOnlyFromACheckedDatabase) {
  TempDir data, content;
  content.Write("en/good.md", "---\ntitle: Good\nkey: good\n---\n\nok\n");
  std::string env = "ENTRAIDE_DATA_DIR=" + Quote(data.path()) + " ENTRAIDE_CONTENT_DIR=" + Quote(content.path());
  std::string marker = data.Join("clean-stop");
  ASSERT_EQ(RunEntraide("import", env).exit_code, 0);
  EXPECT_TRUE(std::filesystem::exists(marker)) << "a database the command created";
  ASSERT_EQ(RunEntraide("import", env).exit_code, 0);
  EXPECT_TRUE(std::filesystem::exists(marker)) << "passed on";
  std::filesystem::remove(marker);  // as after a crash
  ASSERT_EQ(RunEntraide("import", env).exit_code, 0);
  EXPECT_FALSE(std::filesystem::exists(marker)) << "nobody checked this database";
  Result check = RunEntraide("check-data --quick", env);
  ASSERT_EQ(check.exit_code, 0) << check.output;
  EXPECT_TRUE(std::filesystem::exists(marker)) << "check-data checked it";
  ASSERT_EQ(RunEntraide("frobnicate", env).exit_code, 2);
  EXPECT_TRUE(std::filesystem::exists(marker)) << "a command that did not run leaves it";
}

// `entraide reindex` builds a fresh index folder and swaps it in; on a terminal it shows its progress (done /
// total, rate), and piped it prints only its result.
TEST(CliTest, ReindexSwapsInAFreshFolderAndShowsProgressOnATerminal) {
  TempDir data, content;
  for (int i = 0; i < 60; ++i)
    content.Write("en/note-" + std::to_string(i) + ".md", "---\ntitle: Note " + std::to_string(i) + "\n---\nwords\n");
  std::string env = "ENTRAIDE_DATA_DIR=" + Quote(data.path()) + " ENTRAIDE_CONTENT_DIR=" + Quote(content.path());
  Result i = RunEntraide("import", env);
  ASSERT_EQ(i.exit_code, 0) << i.output;
  auto stub = [&] { return ReadFile(data.Join("xapian")); };
  EXPECT_NE(stub().find("auto xapian-1-"), std::string::npos) << stub();
  Result piped = RunEntraide("reindex", env);
  ASSERT_EQ(piped.exit_code, 0) << piped.output;
  EXPECT_TRUE(std::regex_search(piped.output, std::regex(R"(reindex: 60 documents in [0-9.]+ s)"))) << piped.output;
  EXPECT_EQ(piped.output.find("/60 documents"), std::string::npos) << "no progress when piped: " << piped.output;
  EXPECT_NE(stub().find("auto xapian-2-"), std::string::npos) << stub();
  int folders = 0;
  for (const auto& e : std::filesystem::directory_iterator(data.path()))
    if (e.path().filename().string().rfind("xapian-", 0) == 0) ++folders;
  EXPECT_EQ(folders, 1) << "the old folder is removed";
  // Under a pseudo-terminal (util-linux `script`): the progress line, rewritten in place.
  Result tty = RunShell("script -qec " + Quote(EntraideCommand("reindex", env)) + " /dev/null");
  EXPECT_EQ(tty.exit_code, 0) << tty.output;
  EXPECT_TRUE(std::regex_search(tty.output, std::regex(R"(\rreindex: 50/60 documents, [0-9]+/s)"))) << tty.output;
  EXPECT_TRUE(std::regex_search(tty.output, std::regex(R"(\rreindex: 60/60 documents, [0-9]+/s)"))) << tty.output;
  EXPECT_NE(stub().find("auto xapian-3-"), std::string::npos) << stub();
}

TEST(CliTest, CheckContentValidatesWithoutWriting) {
  TempDir data, content;
  content.Write("en/a.md", "---\ntitle: A\n---\n[x](/en/articles/missing)\n");
  Result r = RunEntraide("check-content", "ENTRAIDE_DATA_DIR=" + Quote(data.path() + "/sub") +
                                              " ENTRAIDE_CONTENT_DIR=" + Quote(content.path()));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("en/a.md:4: error: link to /en/articles/missing points to no article"), std::string::npos)
      << r.output;
  EXPECT_FALSE(std::filesystem::exists(data.path() + "/sub")) << "check-content must not write";
  EXPECT_EQ(RunEntraide("check-content").exit_code, 0);
}

TEST(CliTest, GroupAndUserCommandsForScriptsAndTheFirstInstall) {
  TempDir data;
  std::string env = "ENTRAIDE_DATA_DIR=" + Quote(data.path());
  Result g = RunEntraide("group add --slug coop-a --name 'Coop A' --lang en", env);
  EXPECT_EQ(g.exit_code, 0) << g.output;
  EXPECT_EQ(RunEntraide("group add --slug coop-a --name 'Again'", env).exit_code, 1);
  Result bad = RunEntraide("group add --slug 'Bad Slug' --name X", env);
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.output.find("slug:"), std::string::npos) << bad.output;
  std::string cmd =
      "cd " + Quote(SourceDir()) + " && echo 'Horse battery staple 42!' | env " + env + " " +
      Quote(BinaryDir() + "/entraide") +
      " user add --email ana@example.org --name Ana --role coordinator --group coop-a --password-stdin 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  char buf[512];
  std::string out;
  while (fgets(buf, sizeof buf, p)) out += buf;
  EXPECT_EQ(WEXITSTATUS(pclose(p)), 0) << out;
  std::string weak = "cd " + Quote(SourceDir()) + " && echo 'password123' | env " + env + " " +
                     Quote(BinaryDir() + "/entraide") +
                     " user add --email weak@example.org --name W --role member --password-stdin 2>&1";
  p = popen(weak.c_str(), "r");
  out.clear();
  while (fgets(buf, sizeof buf, p)) out += buf;
  EXPECT_EQ(WEXITSTATUS(pclose(p)), 1);
  EXPECT_NE(out.find("dictionary"), std::string::npos) << out;
  Result invite =
      RunEntraide("user add --email bob@example.org --name Bob --role member --group coop-a --lang en", env);
  EXPECT_EQ(invite.exit_code, 0) << invite.output;
  EXPECT_NE(invite.output.find("invitation queued"), std::string::npos);
  Result list = RunEntraide("user list", env);
  EXPECT_EQ(list.exit_code, 0);
  EXPECT_NE(list.output.find("ana@example.org\tAna\tcoordinator\tfr\tcoop-a\tactive"), std::string::npos)
      << list.output;
  EXPECT_NE(list.output.find("bob@example.org\tBob\tmember\ten\tcoop-a"), std::string::npos) << list.output;
  EXPECT_EQ(list.output.rfind("id\temail\tname\trole\tlang\tgroups\tstate\n", 0), 0u) << "a header row first";
  Result json = RunEntraide("user list --json", env);
  EXPECT_EQ(json.exit_code, 0);
  EXPECT_NE(
      json.output.find(
          R"({"id":2,"email":"bob@example.org","name":"Bob","role":"member","lang":"en","active":true,"groups":["coop-a"]})"),
      std::string::npos)
      << json.output;
  Result link = RunEntraide("user link --email bob@example.org", env);
  EXPECT_EQ(link.exit_code, 0);
  EXPECT_EQ(link.output.rfind("http://127.0.0.1:8080/en/invitation/", 0), 0u) << link.output;
  EXPECT_EQ(RunEntraide("user link --email nobody@example.org", env).exit_code, 1);
  EXPECT_EQ(RunEntraide("user add --email x@example.org", env).exit_code, 2);
  Result boss = RunEntraide("user add --email x@example.org --name X --role boss 2>&1", env);
  EXPECT_EQ(boss.exit_code, 1);
  EXPECT_NE(boss.output.find("role: must be member, volunteer or coordinator"), std::string::npos) << boss.output;
}

// `export` writes a person's or a group's ZIP where it is told (never over a file), `erase` asks to type the
// address again unless --yes, and an erased person is listed as such, without their name or address.
TEST(CliTest, ExportAndEraseForTheOperator) {
  TempDir data, out;
  std::string env = "ENTRAIDE_DATA_DIR=" + Quote(data.path());
  ASSERT_EQ(RunEntraide("group add --slug coop-a --name 'Coop A'", env).exit_code, 0);
  ASSERT_EQ(RunEntraide("group add --slug coop-b --name 'Coop B'", env).exit_code, 0);
  ASSERT_EQ(RunEntraide("user add --email maude@example.org --name 'Maude Ouellet' --role member --group coop-a", env)
                .exit_code,
            0);
  ASSERT_EQ(
      RunEntraide("user add --email bob@example.org --name 'Bob Tremblay' --role member --group coop-b", env).exit_code,
      0);

  Result group = RunEntraide("export --group coop-a --out " + Quote(out.Join("coop-a.zip")), env);
  ASSERT_EQ(group.exit_code, 0) << group.output;
  EXPECT_NE(group.output.find("wrote " + out.Join("coop-a.zip")), std::string::npos) << group.output;
  auto zip = ReadZip(out.Join("coop-a.zip"));
  EXPECT_NE(zip["data.json"].find("maude@example.org"), std::string::npos);
  EXPECT_EQ(zip["data.json"].find("bob@example.org"), std::string::npos);
  Result again = RunEntraide("export --group coop-a --out " + Quote(out.Join("coop-a.zip")), env);
  EXPECT_EQ(again.exit_code, 1) << "never over an existing file";
  EXPECT_NE(again.output.find("exists already"), std::string::npos) << again.output;
  ASSERT_EQ(RunEntraide("export --person maude@example.org --out " + Quote(out.Join("maude.zip")), env).exit_code, 0);
  EXPECT_NE(ReadZip(out.Join("maude.zip"))["data.json"].find("Maude Ouellet"), std::string::npos);
  EXPECT_EQ(RunEntraide("export --person maude@example.org --group coop-a", env).exit_code, 2);
  EXPECT_EQ(RunEntraide("export", env).exit_code, 2);
  EXPECT_EQ(RunEntraide("export --group nope --out " + Quote(out.Join("nope.zip")), env).exit_code, 1);

  Result declined = RunShell("echo maude@example.com | " + EntraideCommand("erase --person maude@example.org", env));
  EXPECT_EQ(declined.exit_code, 1);
  EXPECT_NE(declined.output.find("Type the email address again"), std::string::npos) << declined.output;
  EXPECT_NE(declined.output.find("nothing erased"), std::string::npos) << declined.output;
  EXPECT_NE(RunEntraide("user list", env).output.find("Maude Ouellet"), std::string::npos);
  Result confirmed = RunShell("echo MAUDE@example.org | " + EntraideCommand("erase --person maude@example.org", env));
  EXPECT_EQ(confirmed.exit_code, 0) << confirmed.output;
  EXPECT_NE(confirmed.output.find("erased person 1 (now erased-1@invalid)"), std::string::npos) << confirmed.output;
  Result list = RunEntraide("user list", env);
  EXPECT_EQ(list.output.find("Maude"), std::string::npos) << list.output;
  EXPECT_EQ(list.output.find("maude@example.org"), std::string::npos) << list.output;
  EXPECT_NE(list.output.find("1\terased-1@invalid\t-\tmember\tfr\t-\terased"), std::string::npos) << list.output;
  EXPECT_EQ(RunEntraide("erase --person maude@example.org --yes", env).exit_code, 1) << "nobody has it now";
  Result bob = RunEntraide("erase --person bob@example.org --yes", env);
  EXPECT_EQ(bob.exit_code, 0) << bob.output;
  EXPECT_EQ(bob.output.find("Type the email"), std::string::npos) << "--yes asks nothing";
}

// Every command runs under umask 077: the database, its -wal, .eml files and folders are the user's alone, and a
// data dir made earlier with wider modes is closed (0700). `user link` issues a fresh link even after the
// invitation went out and its row lost the link.
TEST(CliTest, DataFilesArePrivateAndUserLinkWorksAfterTheMailWentOut) {
  TempDir data;
  std::filesystem::permissions(data.path(), std::filesystem::perms(0755));
  std::string env = QuietDataDirEnv(data.path());
  ASSERT_EQ(RunEntraide("migrate", env).exit_code, 0);
  ASSERT_EQ(RunEntraide("user add --email bob@example.org --name Bob --role member --lang en", env).exit_code, 0);
  Result sent = RunEntraide("mail send", env);
  ASSERT_EQ(sent.exit_code, 0) << sent.output;
  EXPECT_NE(sent.output.find("1 sent"), std::string::npos) << sent.output;
  store::Pool pool(data.Join("entraide.db"));
  EXPECT_EQ(QueryText(pool, "SELECT json_type(data_json, '$.link') IS NULL FROM outbox"), "1") << "erased once sent";
  Result link = RunEntraide("user link --email bob@example.org", env);
  EXPECT_EQ(link.exit_code, 0) << link.output;
  EXPECT_TRUE(
      std::regex_match(link.output, std::regex("http://127\\.0\\.0\\.1:8080/en/invitation/[A-Za-z0-9_-]{43}\n")))
      << link.output;
  int files = 0;
  auto mode = [](const std::filesystem::path& p) {
    return static_cast<int>(std::filesystem::status(p).permissions() & std::filesystem::perms::all);
  };
  EXPECT_EQ(mode(data.path()), 0700);
  for (const auto& e : std::filesystem::recursive_directory_iterator(data.path())) {
    if (e.is_directory()) {
      EXPECT_EQ(mode(e.path()), 0700) << e.path();
    } else {
      EXPECT_EQ(mode(e.path()), 0600) << e.path();
      ++files;
    }
  }
  EXPECT_GE(files, 2) << "the database and the .eml file at least";
  EXPECT_TRUE(std::filesystem::exists(data.Join("mail/outbox-1.eml")));
}

TEST(CliTest, DigestDryRunPrintsWithoutQueuingAndToLimitsToOnePerson) {
  TempDir data;
  std::string env = QuietDataDirEnv(data.path());
  ASSERT_EQ(RunEntraide("group add --slug coop-a --name 'Épicerie A'", env).exit_code, 0);
  ASSERT_EQ(RunEntraide("group add --slug coop-b --name 'Coop B' --lang en", env).exit_code, 0);
  ASSERT_EQ(RunEntraide("user add --email ana@example.org --name Ana --role member --group coop-a", env).exit_code, 0);
  ASSERT_EQ(
      RunEntraide("user add --email bob@example.org --name Bob --role member --group coop-b --lang en", env).exit_code,
      0);
  store::Pool pool(data.Join("entraide.db"));
  // One open ticket in each group: both members have something in their weekly digest.
  QueryText(pool,
            "INSERT INTO tickets (ref, group_id, opened_by, subject, body, body_html, category, urgency, status, "
            "created_at, updated_at) VALUES ('ENT-2026-0001', 1, 1, 'Imprimante', 'x', '<p>x</p>', 'hardware', "
            "'normal', 'new', 0, 0), ('ENT-2026-0002', 2, 2, 'Printer', 'x', '<p>x</p>', 'hardware', 'normal', "
            "'new', 0, 0) RETURNING id");
  const std::string digests = "SELECT count(*) FROM outbox WHERE kind = 'group_digest'";

  Result dry = RunEntraide("digest --kind weekly --dry-run", env);
  EXPECT_EQ(dry.exit_code, 0) << dry.output;
  EXPECT_TRUE(
      std::regex_search(dry.output, std::regex("ana@example\\.org\tgroup_digest\tdigest:group:1:\\d{4}-W\\d{2}\t"
                                               "Résumé de la semaine : guides nouveaux ou mis à jour \\(0\\), "
                                               "demandes ouvertes \\(1\\)\tarticles 0, tickets 1\n")))
      << dry.output;
  EXPECT_NE(dry.output.find("bob@example.org\tgroup_digest"), std::string::npos);
  EXPECT_NE(dry.output.find("2 would be queued, 0 already queued, 0 empty; nothing was queued"), std::string::npos);
  EXPECT_EQ(QueryText(pool, digests), "0");

  Result bob = RunEntraide("digest --kind weekly --to BOB@example.org", env);
  EXPECT_EQ(bob.exit_code, 0) << bob.output;
  EXPECT_NE(bob.output.find("digest: 1 queued, 0 already queued"), std::string::npos) << bob.output;
  EXPECT_EQ(QueryText(pool, digests), "1");
  EXPECT_EQ(QueryText(pool, "SELECT recipient_email || ' ' || lang FROM outbox WHERE kind = 'group_digest'"),
            "bob@example.org en");
  Result all = RunEntraide("digest --kind weekly", env);
  EXPECT_NE(all.output.find("digest: 1 queued, 1 already queued"), std::string::npos) << all.output;
  EXPECT_EQ(QueryText(pool, digests), "2");
  EXPECT_NE(RunEntraide("digest --kind daily", env).output.find("digest: 0 queued"),
            std::string::npos);  // nobody daily

  Result help = RunEntraide("digest --help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.output.find("Usage: entraide digest"), std::string::npos) << help.output;
  EXPECT_NE(help.output.find("--kind"), std::string::npos) << help.output;
  Result no_kind = RunEntraide("digest", env);
  EXPECT_EQ(no_kind.exit_code, 2);
  EXPECT_NE(no_kind.output.find("digest needs --kind"), std::string::npos);
  Result bad_kind = RunEntraide("digest --kind hourly", env);
  EXPECT_EQ(bad_kind.exit_code, 2);
  EXPECT_NE(bad_kind.output.find("--kind must be daily, weekly or coordinator (not 'hourly')"), std::string::npos);
  Result nobody = RunEntraide("digest --kind weekly --to nobody@example.org", env);
  EXPECT_EQ(nobody.exit_code, 2);
  EXPECT_NE(nobody.output.find("nobody has the email nobody@example.org"), std::string::npos) << nobody.output;
  EXPECT_EQ(RunEntraide("digest --kind weekly --frobnicate", env).exit_code, 2);
  EXPECT_EQ(QueryText(pool, digests), "2");
}

// Issue #21: a coordinator can preview the digest of the period in progress (on day one, the last finished
// period has nothing in it), or of the period that ends on a date; only as a dry run.
TEST(CliTest, DigestDryRunPreviewsThePeriodInProgressOrAtADate) {
  TempDir data;
  std::string env = QuietDataDirEnv(data.path());
  ASSERT_EQ(RunEntraide("group add --slug coop-a --name 'Épicerie A'", env).exit_code, 0);
  ASSERT_EQ(RunEntraide("user add --email ana@example.org --name Ana --role member --group coop-a", env).exit_code, 0);
  ASSERT_EQ(RunEntraide("user add --email vic@example.org --name Vic --role volunteer", env).exit_code, 0);
  store::Pool pool(data.Join("entraide.db"));
  // A ticket opened just now: in the period in progress, in no finished one.
  QueryText(pool,
            "INSERT INTO tickets (ref, group_id, opened_by, subject, body, body_html, category, urgency, status, "
            "created_at, updated_at) VALUES ('ENT-2026-0001', 1, 1, 'Imprimante', 'x', '<p>x</p>', 'hardware', "
            "'normal', 'new', CAST(strftime('%s', 'now') AS INTEGER), CAST(strftime('%s', 'now') AS INTEGER)) "
            "RETURNING id");
  Result last = RunEntraide("digest --kind daily --dry-run", env);
  EXPECT_EQ(last.exit_code, 0) << last.output;
  EXPECT_NE(last.output.find("0 would be queued"), std::string::npos) << last.output;
  Result current = RunEntraide("digest --kind daily --dry-run --period current", env);
  EXPECT_EQ(current.exit_code, 0) << current.output;
  EXPECT_EQ(current.output.rfind("email\tkind\tkey\tsubject\tcounts\n", 0), 0u) << "a header row first";
  EXPECT_NE(current.output.find("vic@example.org\tvolunteer_digest\t"), std::string::npos) << current.output;
  EXPECT_NE(current.output.find("1 would be queued"), std::string::npos) << current.output;
  EXPECT_EQ(QueryText(pool, "SELECT count(*) FROM outbox WHERE kind = 'volunteer_digest'"), "0");
  Result at = RunEntraide("digest --kind daily --dry-run --at 2026-01-05", env);
  EXPECT_EQ(at.exit_code, 0) << at.output;
  EXPECT_NE(at.output.find("0 would be queued"), std::string::npos) << at.output;
  Result bad = RunEntraide("digest --kind daily --dry-run --at 2026-13-45", env);
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.output.find("--at must be a date, YYYY-MM-DD"), std::string::npos) << bad.output;
  Result queue = RunEntraide("digest --kind daily --period current", env);
  EXPECT_NE(queue.exit_code, 0) << "a future period is never queued";
  EXPECT_NE(queue.output.find("only preview (with --dry-run)"), std::string::npos) << queue.output;
  EXPECT_EQ(QueryText(pool, "SELECT count(*) FROM outbox WHERE kind = 'volunteer_digest'"), "0");
}

// Issue #21: commands that list things have a header row and --json.
TEST(CliTest, GroupListHasAHeaderRowAndJson) {
  TempDir data;
  std::string env = QuietDataDirEnv(data.path());
  ASSERT_EQ(RunEntraide("group add --slug coop-a --name 'Épicerie A'", env).exit_code, 0);
  ASSERT_EQ(RunEntraide("group add --slug coop-b --name 'Coop B' --lang en", env).exit_code, 0);
  Result list = RunEntraide("group list", env);
  EXPECT_EQ(list.exit_code, 0) << list.output;
  EXPECT_EQ(list.output,
            "id\tslug\tname\tlang\tstate\n2\tcoop-b\tCoop B\ten\tactive\n1\tcoop-a\tÉpicerie A\tfr\tactive\n");
  Result json = RunEntraide("group list --json", env);
  EXPECT_EQ(json.exit_code, 0);
  EXPECT_NE(json.output.find(R"({"id":2,"slug":"coop-b","name":"Coop B","lang":"en","active":true})"),
            std::string::npos)
      << json.output;
}

TEST(CliTest, SigtermFinishesTheRequestInFlightThenExitsZero) {
  TempDir data;
  ServeProcess serve({{"ENTRAIDE_DATA_DIR", data.path()}});
  int port = serve.port();

  // A request in flight: the connection is served, the second request is half sent when SIGTERM arrives.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  std::string first = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  ASSERT_EQ(send(fd, first.data(), first.size(), 0), static_cast<ssize_t>(first.size()));
  std::string got = ReadUntil(fd, "\"status\":\"ok\"", 5000);
  ASSERT_NE(got.find("200"), std::string::npos) << got;
  std::string half = "GET /en/ HTTP/1.1\r\nHost: x\r\n";
  ASSERT_EQ(send(fd, half.data(), half.size(), 0), static_cast<ssize_t>(half.size()));
  // Let the server thread start reading the half-sent request before the signal (the only sleep here:
  // there is no observable event for "a pool thread is parsing this request").
  usleep(200 * 1000);
  kill(serve.pid(), SIGTERM);
  std::string stopping = ReadUntil(serve.stderr_fd(), "stopping", 5000);
  EXPECT_NE(stopping.find("stopping"), std::string::npos) << stopping;
  std::string rest = "Connection: close\r\n\r\n";
  send(fd, rest.data(), rest.size(), MSG_NOSIGNAL);
  std::string response = ReadUntil(fd, "</html>", 5000);
  close(fd);
  EXPECT_NE(response.find("HTTP/1.1 200"), std::string::npos) << "the request in flight was not answered";
  int status = serve.Stop();
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  // A clean stop leaves its marker: the next start does not read the whole database again (issue #20), and takes
  // the marker, so that a run that does not stop cleanly leaves none.
  EXPECT_TRUE(std::filesystem::exists(data.Join("clean-stop")));
  ServeProcess again({{"ENTRAIDE_DATA_DIR", data.path()}});
  std::string log = again.ReadLog("listening", 10000);
  EXPECT_NE(log.find("database=\"not read: unchanged since a clean stop\""), std::string::npos) << log;
  EXPECT_FALSE(std::filesystem::exists(data.Join("clean-stop")));
}

}  // namespace
}  // namespace entraide::testing

namespace entraide::testing {
namespace {

// A fatal signal (here SIGBUS, as when SQLite's -shm mapping became unreadable) leaves one log line naming it,
// and the process still ends by that signal.
TEST(CliTest, AFatalSignalIsLoggedBeforeTheProcessEnds) {
  TempDir data;
  ServeProcess serve({{"ENTRAIDE_DATA_DIR", data.path()}});
  serve.Signal(SIGBUS);
  int status = serve.Wait();
  ASSERT_TRUE(WIFSIGNALED(status)) << status;
  EXPECT_EQ(WTERMSIG(status), SIGBUS);
  EXPECT_TRUE(std::regex_search(serve.log(), std::regex(R"(level=error msg="fatal signal SIGBUS [^"]*" pid=\d+)")))
      << serve.log();
}

}  // namespace
}  // namespace entraide::testing
