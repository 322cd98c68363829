// The deployment as an operator meets it, with the real tools: the systemd units (systemd-analyze), the
// package's user and backup folder (systemd-sysusers, systemd-tmpfiles), deploy/nginx.conf (nginx -t, then
// the real nginx in front of the real server on loopback), the Debian package (CPack, lintian) and
// ./scripts/run. A test whose tool is missing is skipped, naming the Debian package; ./scripts/test installs
// them all.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "app/config.h"
#include "mail_util.h"
#include "test_util.h"

namespace entraide::testing {
namespace {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr const char* kPassword = "Horse-battery-staple-42";

bool Have(const std::string& tool) { return RunShell("command -v " + tool + " >/dev/null").exit_code == 0; }
std::string Missing(const std::string& tool, const std::string& package) {
  return tool + " is not installed (Debian package " + package + "; ./scripts/test installs it)";
}

std::string Deployed(const std::string& name) { return ReadFile(SourceDir() + "/deploy/" + name); }

// `text` with every `from` replaced by `to`. A `from` that is not there fails the test: the file changed in a
// way this test must learn about.
std::string Rewrite(std::string text, const std::vector<std::pair<std::string, std::string>>& edits) {
  for (const auto& [from, to] : edits) {
    size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << "not found any more: " << from;
    for (; at != std::string::npos; at = text.find(from, at + to.size())) text.replace(at, from.size(), to);
  }
  return text;
}

// Established TCP connections (IPv4) to 127.0.0.1:`port`, from /proc/net/tcp.
int ConnectionsTo(int port) {
  std::istringstream table(ReadFile("/proc/net/tcp"));
  std::string line;
  char local[16];
  std::snprintf(local, sizeof local, "0100007F:%04X", port);
  int n = 0;
  while (std::getline(table, line)) {
    std::istringstream fields(line);
    std::string slot, from, to, state;
    fields >> slot >> from >> to >> state;
    n += from == local && state == "01";
  }
  return n;
}

int64_t MsSince(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

// ---- systemd ----

// The units as the package installs them, checked by systemd itself; `systemd-analyze verify` wants
// ExecStart's program to exist, so the built binary stands in for /usr/bin/entraide. Their sandbox is
// scored by `systemd-analyze security` (0 is perfect, 10 is none): a setting removed shows here.
TEST(DeployTest, SystemdUnitsPassVerifyAndKeepTheirSandbox) {
  if (!Have("systemd-analyze")) GTEST_SKIP() << Missing("systemd-analyze", "systemd");
  TempDir dir;
  std::string files;
  for (const char* unit : {"entraide.service", "entraide-backup.service", "entraide-backup.timer"}) {
    std::string text = Deployed(unit);
    if (std::string(unit).ends_with(".service"))
      text = Rewrite(text, {{"/usr/bin/entraide", BinaryDir() + "/entraide"}});
    dir.Write(unit, text);
    files += " " + ShellQuote(dir.Join(unit));
  }
  CommandResult verify = RunShell("systemd-analyze verify --man=no" + files);
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
  EXPECT_EQ(verify.output, "") << "no warning either";
  for (const char* unit : {"entraide.service", "entraide-backup.service"}) {
    // --threshold is in tenths: 20 allows an exposure of 2.0 ("OK"); the units score 1.4 and 0.6.
    CommandResult score =
        RunShell("systemd-analyze security --offline=true --threshold=20 " + ShellQuote(dir.Join(unit)));
    EXPECT_EQ(score.exit_code, 0) << unit << "\n" << score.output;
  }
  // What the units run is what the package installs: the backup writes where tmpfiles.d makes a folder.
  EXPECT_NE(Deployed("entraide-backup.service").find("backup /var/backups/entraide --keep 14"), std::string::npos);
  EXPECT_NE(Deployed("entraide.tmpfiles").find("d /var/backups/entraide 0700 entraide entraide"), std::string::npos);
}

// On a fresh system (an empty root), the package's sysusers.d and tmpfiles.d entries make the entraide
// system user (no shell, home in its state folder) and a backup folder only it can enter.
TEST(DeployTest, SysusersAndTmpfilesMakeTheUserAndAPrivateBackupFolder) {
  if (!Have("systemd-sysusers") || !Have("systemd-tmpfiles")) GTEST_SKIP() << Missing("systemd-sysusers", "systemd");
  if (geteuid() != 0) GTEST_SKIP() << "systemd-tmpfiles gives the folder to the entraide user: root only";
  TempDir root;
  fs::create_directories(root.Join("etc"));
  CommandResult users = RunShell("systemd-sysusers --root=" + ShellQuote(root.path()) + " " +
                                 ShellQuote(SourceDir() + "/deploy/entraide.sysusers"));
  ASSERT_EQ(users.exit_code, 0) << users.output;
  std::smatch m;
  std::string passwd = ReadFile(root.Join("etc/passwd"));
  ASSERT_TRUE(std::regex_search(passwd, m, std::regex(R"(entraide:x:(\d+):\d+:[^:]*:/var/lib/entraide:(\S+))")))
      << passwd;
  EXPECT_EQ(m[2], "/usr/sbin/nologin");
  int uid = std::stoi(m[1]);
  EXPECT_LT(uid, 1000) << "a system user";
  CommandResult dirs = RunShell("systemd-tmpfiles --root=" + ShellQuote(root.path()) + " --create " +
                                ShellQuote(SourceDir() + "/deploy/entraide.tmpfiles"));
  ASSERT_EQ(dirs.exit_code, 0) << dirs.output;
  struct stat st {};
  ASSERT_EQ(stat(root.Join("var/backups/entraide").c_str(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  EXPECT_EQ(st.st_mode & 07777, 0700u);
  EXPECT_EQ(st.st_uid, static_cast<uid_t>(uid));
}

// ---- nginx ----

struct NginxPorts {
  int http = 0, https = 0, upstream = 0;
};

// deploy/nginx.conf made to run here, under `dir`: IPv4 loopback ports, the logs and certbot's folder in
// `dir`, a test certificate, and plain HTTP on the HTTPS port unless `tls` (the end-to-end tests speak plain
// HTTP). Wrapped in a main configuration like Debian's, which includes sites inside http { }. Returns its path.
std::string NginxTestConfig(const TempDir& dir, NginxPorts p, bool tls) {
  TestCertificate cert = MakeTestCertificate(dir, "DNS:entraide.example.org");
  fs::create_directories(dir.Join("logs"));
  fs::create_directories(dir.Join("www"));
  std::string https = "listen 127.0.0.1:" + std::to_string(p.https) + (tls ? " ssl http2" : "") + " default_server;";
  dir.Write("site.conf",
            Rewrite(Deployed("nginx.conf"),
                    {{"listen [::]:80 default_server;", ""},
                     {"listen [::]:443 ssl http2 default_server;", ""},
                     {"listen 80 default_server;", "listen 127.0.0.1:" + std::to_string(p.http) + " default_server;"},
                     {"listen 443 ssl http2 default_server;", https},
                     {"server 127.0.0.1:8080;", "server 127.0.0.1:" + std::to_string(p.upstream) + ";"},
                     {"/etc/letsencrypt/live/entraide.example.org/fullchain.pem", cert.cert},
                     {"/etc/letsencrypt/live/entraide.example.org/privkey.pem", cert.key},
                     {"/var/log/nginx/", dir.Join("logs/")},
                     {"/var/www/html", dir.Join("www")}}));
  std::string main = "daemon off;\nworker_processes 1;\npid " + dir.Join("nginx.pid") + ";\nerror_log " +
                     dir.Join("logs/error.log") + ";\n";
  // As root, nginx's workers would run as nobody, who cannot enter the temp folder.
  if (geteuid() == 0) main += "user root;\n";
  main += "events { worker_connections 1024; }\nhttp {\n";
  for (const char* temp : {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"})
    main += std::string("  ") + temp + "_temp_path " + dir.Join(std::string("tmp-") + temp) + ";\n";
  main += "  access_log " + dir.Join("logs/access.log") + ";\n  include " + dir.Join("site.conf") + ";\n}\n";
  dir.Write("nginx.conf", main);
  return dir.Join("nginx.conf");
}

// The real nginx with that configuration, in the foreground; stopped (SIGTERM) at scope exit.
class Nginx {
 public:
  Nginx(const TempDir& dir, const std::string& config, int port)
      : pid_(SpawnListening({"nginx", "-p", dir.path(), "-e", dir.Join("logs/error.log"), "-c", config}, port,
                            "nginx")) {}
  ~Nginx() {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }

 private:
  pid_t pid_;
};

TEST(DeployTest, NginxAcceptsTheConfigurationWithTls) {
  if (!Have("nginx")) GTEST_SKIP() << Missing("nginx", "nginx-light");
  TempDir dir;
  std::string config = NginxTestConfig(dir, {FreePort(), FreePort(), FreePort()}, true);
  CommandResult t = RunShell("nginx -t -p " + ShellQuote(dir.path()) + " -e " + ShellQuote(dir.Join("logs/error.log")) +
                             " -c " + ShellQuote(config));
  EXPECT_EQ(t.exit_code, 0) << t.output;
  EXPECT_NE(t.output.find("test is successful"), std::string::npos) << t.output;
}

// The server as the package runs it (nginx on this machine as its trusted proxy, access log on), with a group
// and a member made by the CLI, and nginx in front of it.
class BehindNginxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!Have("nginx")) GTEST_SKIP() << Missing("nginx", "nginx-light");
    std::string env = "ENTRAIDE_DATA_DIR=" + ShellQuote(data_.path()) + " ENTRAIDE_LOG_LEVEL=warn";
    CommandResult group = RunEntraide("group add --slug coop --name Coop", env);
    ASSERT_EQ(group.exit_code, 0) << group.output;
    CommandResult member = RunShell(std::string("printf '%s\\n' ") + kPassword + " | " +
                                    EntraideCommand("user add --email mo@example.org --name Mo --role member "
                                                    "--group coop --password-stdin",
                                                    env));
    ASSERT_EQ(member.exit_code, 0) << member.output;
    serve_ = std::make_unique<ServeProcess>(
        std::vector<std::pair<std::string, std::string>>{{"ENTRAIDE_DATA_DIR", data_.path()},
                                                         {"ENTRAIDE_HTTP_TRUSTED_PROXIES", "127.0.0.1"},
                                                         {"ENTRAIDE_HTTP_ACCESS_LOG", "true"}});
    ports_ = {FreePort(), FreePort(), serve_->port()};
    nginx_ = std::make_unique<Nginx>(web_, NginxTestConfig(web_, ports_, false), ports_.https);
  }
  int port() const { return ports_.https; }

  TempDir data_, web_;
  NginxPorts ports_;
  std::unique_ptr<ServeProcess> serve_;
  std::unique_ptr<Nginx> nginx_;
};

// Through nginx: certbot's challenges and the redirect on port 80; pages with nginx's HSTS and Entraide's own
// headers; the fingerprinted CSS with its year-long cache; a sign-in through the form; a ticket with a file
// (buffered by nginx, stored by Entraide, downloaded identical); the client's own address in Entraide's
// access log; /metrics kept from the world and an oversized upload refused by nginx.
TEST_F(BehindNginxTest, PagesSignInAndUploadsWorkAndTheLogNamesTheClient) {
  web_.Write("www/.well-known/acme-challenge/token-1", "proof for certbot");
  HttpResponse challenge = Get(ports_.http, "/.well-known/acme-challenge/token-1");
  EXPECT_EQ(challenge.status, 200);
  EXPECT_EQ(challenge.body, "proof for certbot");
  HttpResponse redirect = Get(ports_.http, "/fr/articles?tag=courriel");
  EXPECT_EQ(redirect.status, 301);
  EXPECT_EQ(redirect.Header("location"), "https://entraide.example.org/fr/articles?tag=courriel");

  HttpResponse home = SendFrom("127.0.0.5", port(), "GET", "/fr/", "");
  ASSERT_EQ(home.status, 200) << home.body;
  EXPECT_EQ(home.Header("strict-transport-security"), "max-age=63072000");
  EXPECT_NE(home.Header("content-security-policy").find("default-src 'self'"), std::string::npos);
  std::string id = home.Header("x-request-id");
  EXPECT_TRUE(std::regex_match(id, std::regex("[0-9a-f]{12}"))) << id;
  EXPECT_EQ(home.Header("server"), "nginx") << "no version";
  // Entraide logged the request under its id with the client's address, not nginx's 127.0.0.1.
  std::string log = serve_->ReadLog("id=" + id, 5000);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(log, m, std::regex("msg=request [^\n]*path=/fr/ [^\n]*id=" + id))) << log;
  EXPECT_NE(m.str().find("addr=127.0.0.5 "), std::string::npos) << m.str();

  ASSERT_TRUE(std::regex_search(home.body, m, std::regex(R"re(href="(/static/app\.[0-9a-f]{10}\.css)")re")));
  HttpResponse css = Get(port(), m[1]);
  EXPECT_EQ(css.status, 200);
  EXPECT_EQ(css.Header("cache-control"), "public, max-age=31536000, immutable");

  HttpResponse form = Get(port(), "/fr/signin");
  ASSERT_EQ(form.status, 200);
  HttpResponse signed_in = Send(
      port(), "POST", "/fr/signin", "csrf=" + CsrfField(form.body) + "&email=mo%40example.org&password=" + kPassword,
      {"Content-Type: application/x-www-form-urlencoded", "Cookie: csrf=" + CookieValue(form, "csrf")});
  ASSERT_EQ(signed_in.status, 303) << signed_in.body;
  std::string cookie = "Cookie: sid=" + CookieValue(signed_in, "sid");

  // 300 KB, more than nginx keeps in memory: the body goes through nginx's temp file before Entraide sees it.
  std::string file;
  for (int i = 0; file.size() < 300000; ++i) file += std::to_string(i * 7919) + (i % 13 ? ',' : '\n');
  std::string csrf = CsrfField(Get(port(), "/fr/tickets/new", {cookie}).body);
  HttpResponse created = Send(port(), "POST", "/fr/tickets",
                              Multipart("B0und4ry",
                                        {{"csrf", csrf},
                                         {"subject", "Notre infolettre"},
                                         {"body", "Le fichier joint."},
                                         {"category", "other"},
                                         {"urgency", "normal"}},
                                        {{"files", "liste.csv", file}}),
                              {cookie, "Content-Type: multipart/form-data; boundary=B0und4ry"});
  ASSERT_EQ(created.status, 303) << created.body;
  HttpResponse ticket = Get(port(), created.Header("location"), {cookie});
  ASSERT_TRUE(std::regex_search(ticket.body, m, std::regex(R"re(href="(/fr/tickets/\d+/attachments/\d+)")re")))
      << ticket.body;
  HttpResponse download = Get(port(), m[1], {cookie});
  EXPECT_EQ(download.status, 200);
  EXPECT_TRUE(download.body == file) << "the file came back with " << download.body.size() << " bytes";

  // nginx's access log (written once each request is done: the home page's is long written by now) carries
  // Entraide's request id, to find a request in both logs.
  std::string access = ReadFile(web_.Join("logs/entraide.access.log"));
  EXPECT_NE(access.find("\"GET /fr/ HTTP/1.1\" 200 "), std::string::npos) << access;
  EXPECT_NE(access.find(" id=" + id + " "), std::string::npos) << access;

  EXPECT_EQ(Get(port(), "/metrics").status, 404);
  // Over 50 MiB: nginx answers 413 from the Content-Length alone, before any byte of the body.
  HttpResponse huge = RawRequest(port(), "POST /fr/tickets HTTP/1.1\r\nHost: entraide.example.org\r\n" + cookie +
                                             "\r\nContent-Type: multipart/form-data; boundary=B\r\n"
                                             "Content-Length: 52428801\r\n\r\n");
  EXPECT_EQ(huge.status, 413);
}

// 200 slow clients from 20 addresses (10 each, within nginx's 20 per address): half send a request head a
// byte at a time, half an upload's body. nginx holds them all; a visitor from another address gets every page
// within a second meanwhile, and Entraide never sees the slow ones: no connection to it but nginx's reused one.
TEST_F(BehindNginxTest, TwoHundredSlowClientsDoNotDelayAVisitor) {
  std::vector<std::unique_ptr<Connection>> slow;
  for (int i = 0; i < 200; ++i) {
    auto c = std::make_unique<Connection>(port(), "127.0.3." + std::to_string(i % 20 + 1));
    ASSERT_TRUE(c->connected()) << i;
    if (i % 2) {
      c->Send(
          "POST /fr/tickets HTTP/1.1\r\nHost: entraide.example.org\r\nContent-Type: multipart/form-data; "
          "boundary=B\r\nContent-Length: 1048576\r\n\r\n--B\r\n");
    } else {
      c->Send("GET /fr/ HTTP/1.1\r\nHost: entraide.example.org\r\n");
    }
    slow.push_back(std::move(c));
  }
  std::atomic<bool> done{false};
  std::thread drip([&] {
    while (!done) {
      for (auto& c : slow) c->Send("X");
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  });
  int visits = 0, worst_ms = 0;
  auto start = Clock::now();
  while (MsSince(start) < 4000) {
    auto before = Clock::now();
    HttpResponse page = SendFrom("127.0.4.1", port(), "GET", "/fr/", "");
    int ms = static_cast<int>(MsSince(before));
    EXPECT_EQ(page.status, 200);
    worst_ms = std::max(worst_ms, ms);
    ++visits;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  int upstream = ConnectionsTo(ports_.upstream);
  done = true;
  drip.join();
  EXPECT_LT(worst_ms, 1000) << visits << " visits";
  EXPECT_LE(upstream, 2) << "nginx passes Entraide complete requests only (its own reused connections)";
  int open = 0;
  for (auto& c : slow) open += !c->ClosedByPeer(0);
  EXPECT_EQ(open, 200) << "nginx holds every slow client rather than refusing them";
  std::string log = serve_->ReadLog("addr=127.0.3.", 200);
  EXPECT_EQ(log.find("addr=127.0.3."), std::string::npos) << "no slow request reached Entraide";
  EXPECT_NE(log.find("addr=127.0.4.1"), std::string::npos);
}

// ---- the Debian package ----

// CPack's package of this build (gzip instead of xz, to be quick; scripts/package builds the release one):
// where each file goes, the conffile, dependencies from dpkg-shlibdeps, a stripped binary whose symbols are in
// the -dbgsym package under its build id, a configuration that loads with the installed paths, units whose
// paths exist in the package, and no lintian error.
TEST(DeployTest, DebianPackageHasItsFilesInPlaceAndPassesLintian) {
  for (auto [tool, package] :
       {std::pair{"cpack", "cmake"}, {"dpkg-shlibdeps", "dpkg-dev"}, {"file", "file"}, {"lintian", "lintian"}})
    if (!Have(tool)) GTEST_SKIP() << Missing(tool, package);
  TempDir out;
  CommandResult pack = RunShell("cpack --config " + ShellQuote(BinaryDir() + "/CPackConfig.cmake") + " -B " +
                                ShellQuote(out.path()) + " -D CPACK_DEBIAN_COMPRESSION_TYPE=gzip");
  ASSERT_EQ(pack.exit_code, 0) << pack.output;
  std::string deb, ddeb;
  for (const auto& e : fs::directory_iterator(out.path())) {
    if (e.path().extension() == ".deb") deb = e.path();
    if (e.path().extension() == ".ddeb") ddeb = e.path();
  }
  ASSERT_FALSE(deb.empty() || ddeb.empty()) << pack.output;

  std::string listing = RunShell("dpkg-deb -c " + ShellQuote(deb)).output;
  for (const char* path :
       {"./usr/bin/entraide", "./usr/share/entraide/views/static/app.css",
        "./usr/share/entraide/migrations/0001_articles.sql", "./usr/share/entraide/search/synonyms.txt",
        "./usr/share/entraide/content/categories.yml", "./etc/entraide/entraide.ini",
        "./lib/systemd/system/entraide.service", "./lib/systemd/system/entraide-backup.service",
        "./lib/systemd/system/entraide-backup.timer", "./usr/lib/sysusers.d/entraide.conf",
        "./usr/lib/tmpfiles.d/entraide.conf", "./usr/share/doc/entraide/copyright",
        "./usr/share/doc/entraide/changelog.gz", "./usr/share/doc/entraide/DEPLOY.md",
        "./usr/share/doc/entraide/examples/nginx.conf", "./usr/share/man/man1/entraide.1.gz"})
    EXPECT_TRUE(std::regex_search(listing, std::regex(std::string(" ") + path + "\n"))) << path << "\n" << listing;
  EXPECT_EQ(RunShell("dpkg-deb -I " + ShellQuote(deb) + " conffiles").output, "/etc/entraide/entraide.ini\n");
  std::string depends = RunShell("dpkg-deb -f " + ShellQuote(deb) + " Depends").output;
  for (const char* lib : {"libsqlite3-0", "libxapian30", "libsodium23", "libgmime-3.0-0", "libc6", "systemd", "tzdata"})
    EXPECT_NE(depends.find(lib), std::string::npos) << lib << " in " << depends;

  TempDir root;
  ASSERT_EQ(RunShell("dpkg-deb -x " + ShellQuote(deb) + " " + ShellQuote(root.path())).exit_code, 0);
  std::string bin = root.Join("usr/bin/entraide");
  EXPECT_NE(RunShell("file " + ShellQuote(bin)).output.find(", stripped"), std::string::npos);
  std::smatch m;
  std::string notes = RunShell("readelf -n " + ShellQuote(bin)).output;
  ASSERT_TRUE(std::regex_search(notes, m, std::regex("Build ID: ([0-9a-f]{2})([0-9a-f]+)"))) << notes;
  std::string symbols = "./usr/lib/debug/.build-id/" + m[1].str() + "/" + m[2].str() + ".debug";
  EXPECT_NE(RunShell("dpkg-deb -c " + ShellQuote(ddeb)).output.find(symbols), std::string::npos) << symbols;
  std::string version = RunShell(ShellQuote(bin) + " --version").output;
  EXPECT_TRUE(std::regex_match(version, std::regex("entraide [0-9]+\\.[0-9]+\\.[0-9]+\n"))) << version;

  auto config = app::LoadConfig(root.Join("etc/entraide/entraide.ini"), true,
                                [](const std::string&) { return std::optional<std::string>(); });
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->data_dir, "/var/lib/entraide");
  EXPECT_EQ(config->views_dir, "/usr/share/entraide/views");
  EXPECT_EQ(config->migrations_dir, "/usr/share/entraide/migrations");
  EXPECT_EQ(config->search_dir, "/usr/share/entraide/search");
  EXPECT_EQ(config->content_dir, "/usr/share/entraide/content");
  EXPECT_EQ(config->http_trusted_proxies, (std::vector<std::string>{"127.0.0.1", "::1"}));
  for (const char* unit : {"entraide.service", "entraide-backup.service"}) {
    std::string text = ReadFile(root.Join(std::string("lib/systemd/system/") + unit));
    ASSERT_TRUE(std::regex_search(text, m, std::regex(R"(ExecStart=(\S+) --config (\S+) )"))) << text;
    EXPECT_TRUE(fs::exists(root.Join(m[1].str().substr(1)))) << m[1];
    EXPECT_TRUE(fs::exists(root.Join(m[2].str().substr(1)))) << m[2];
    ASSERT_TRUE(std::regex_search(text, m, std::regex(R"(WorkingDirectory=(\S+))")));
    EXPECT_TRUE(fs::is_directory(root.Join(m[1].str().substr(1)))) << m[1];
  }

  CommandResult lint = RunShell("lintian --fail-on error --tag-display-limit 0 " + ShellQuote(deb));
  EXPECT_EQ(lint.exit_code, 0) << lint.output;
  EXPECT_EQ(lint.output.find("\nE: "), std::string::npos) << lint.output;
  std::cout << "lintian:\n" << lint.output;  // the warnings, for the log
}

// ---- first run ----

// ./scripts/run with `vars` (NAME=value) added to its environment, its output and errors on a pipe.
class RunScript {
 public:
  explicit RunScript(const std::vector<std::string>& vars) {
    int out[2];
    if (pipe(out) != 0) throw std::runtime_error("pipe failed");
    std::vector<std::string> args = {"/usr/bin/env"};
    args.insert(args.end(), vars.begin(), vars.end());
    args.insert(args.end(), {"/bin/bash", SourceDir() + "/scripts/run"});
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_adddup2(&actions, out[1], 2);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    int spawned = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(out[1]);
    fd_ = out[0];
    if (spawned != 0) throw std::runtime_error("cannot run scripts/run");
  }
  ~RunScript() {
    Stop();
    close(fd_);
  }
  // Everything it printed until `needle` (or `ms` passed).
  const std::string& Read(const std::string& needle, int ms) {
    if (output_.find(needle) == std::string::npos) output_ += ReadUntil(fd_, needle, ms);
    return output_;
  }
  // SIGTERM (serve by then: the script ends in exec), the rest of its output, and its exit status.
  int Stop() {
    int status = -1;
    if (pid_ <= 0) return status;
    kill(pid_, SIGTERM);
    waitpid(pid_, &status, 0);
    pid_ = -1;
    Read("\x01 (to the end of the output)", 5000);
    return status;
  }

 private:
  pid_t pid_ = -1;
  int fd_ = -1;
  std::string output_;
};

// ./scripts/run builds the server alone (no test target), and once serve listens it prints the address (the
// port it really got) and, on a fresh data dir, the commands that make the first coordinator; with a
// coordinator it only says where. It builds ./build, so it runs only against that build.
TEST(DeployTest, RunScriptBuildsOnlyTheServerAndSaysWhereItListensAndWhatComesFirst) {
  if (fs::path(BinaryDir()) != fs::path(SourceDir()) / "build")
    GTEST_SKIP() << "scripts/run builds ./build; this build is " << BinaryDir();
  TempDir data;
  std::vector<std::string> vars = {"ENTRAIDE_DATA_DIR=" + data.path(), "ENTRAIDE_HTTP_PORT=0"};
  {
    RunScript first(vars);
    std::string out = first.Read("choose your password", 120000);
    std::smatch m;
    ASSERT_TRUE(std::regex_search(out, m, std::regex(R"(==> Entraide is running at http://127\.0\.0\.1:(\d+) )")))
        << out;
    EXPECT_NE(out.find("listening on http://127.0.0.1:" + m[1].str()), std::string::npos) << "serve's own port";
    for (const char* step : {"./build/entraide group add --slug", "./build/entraide user add --email you@example.org",
                             "--role coordinator", "./build/entraide user link --email you@example.org"})
      EXPECT_NE(out.find(step), std::string::npos) << step << "\n" << out;
    EXPECT_NE(out.find("Built target entraide\n"), std::string::npos) << out;
    EXPECT_EQ(out.find("entraide_unit_tests"), std::string::npos) << "no test is built: " << out;
    EXPECT_EQ(Get(std::stoi(m[1]), "/fr/").status, 200);
    int status = first.Stop();
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  }
  CommandResult made = RunEntraide("user add --email ana@example.org --name Ana --role coordinator",
                                   "ENTRAIDE_DATA_DIR=" + ShellQuote(data.path()));
  ASSERT_EQ(made.exit_code, 0) << made.output;
  RunScript again(vars);
  again.Read("==> Entraide is running at", 120000);
  again.Stop();
  std::string out = again.Read("", 0);
  EXPECT_NE(out.find("==> Entraide is running at"), std::string::npos) << out;
  EXPECT_EQ(out.find("first coordinator"), std::string::npos) << out;
}

}  // namespace
}  // namespace entraide::testing
