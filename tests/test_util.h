// Helpers shared by the tests: temporary folders, the source tree's paths, a small HTTP client over a
// real loopback socket, and a running App on a free port with its own data dir.
#pragma once

#include <Poco/JSON/Object.h>
#include <gtest/gtest.h>
#include <sys/types.h>

#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "app/app.h"
#include "app/config.h"
#include "core/clock.h"
#include "search/document.h"
#include "store/pool.h"

namespace entraide::testing {

// `s` written `n` times.
std::string Repeat(const std::string& s, size_t n);

// A fresh folder under /tmp, removed with everything in it at scope exit.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string Join(const std::string& rel) const { return path_ + "/" + rel; }
  void Write(const std::string& rel, const std::string& content) const;

 private:
  std::string path_;
};

// Writes `content` to the file at `path`, making its folders.
void WriteFile(const std::string& path, const std::string& content);

std::string SourceDir();  // the repository root

// A dummy language's catalog: the JSON of views/i18n/<from>.json with every value replaced by the marker
// "[<tag>:<key>]" (plural_rule kept, so that the counted sentences keep their forms). A page or mail rendered
// with it shows markers where the catalog's words go, and any word left was written somewhere else.
std::string MarkerCatalogJson(const std::string& from, const std::string& tag);
// The French and English words of dates, counts and language names (months, "ago", "il y a", "jours", "days",
// "1er", "Français", "English", "3 j"...) found in `text` as whole words; empty when there is none.
std::vector<std::string> HardCodedWords(const std::string& text);
std::string BinaryDir();  // the CMake build folder
std::string ReadFile(const std::string& path);
// How many items of the search index at `path` (a stub or a folder) have language versions more than
// `max_gap` docids apart.
int VersionsFartherApartThan(const std::string& path, unsigned max_gap);

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names; repeated headers joined by "\n"
  std::string body;
  std::string Header(const std::string& lower) const {
    auto it = headers.find(lower);
    return it == headers.end() ? "" : it->second;
  }
};

// A client connection to 127.0.0.1:port (from `source_address`, any of 127.0.0.0/8, when given) that stays
// open: send bytes, read responses one at a time (Content-Length framed; interim 100 Continue skipped).
class Connection {
 public:
  explicit Connection(int port, const std::string& source_address = "");
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  bool connected() const { return fd_ >= 0; }
  bool Send(const std::string& bytes);
  // One response; status 0 when the connection closed or `timeout_ms` passed first.
  HttpResponse Read(int timeout_ms = 10000);
  // True when the server closed the connection within `timeout_ms` (bytes that arrive meanwhile are kept).
  bool ClosedByPeer(int timeout_ms);
  int fd() const { return fd_; }

 private:
  int Fill(int timeout_ms);  // 1 read something, 0 closed, -1 timed out
  int fd_ = -1;
  std::string buffer_;
};

// Sends raw bytes to 127.0.0.1:port and reads one HTTP/1.1 response (Content-Length framed).
HttpResponse RawRequest(int port, const std::string& bytes);
// The same from a given loopback source address (any of 127.0.0.0/8, e.g. "127.0.1.7"), bound before connecting,
// so that the server sees requests from many addresses.
HttpResponse RawRequestFrom(const std::string& source_ip, int port, const std::string& bytes);
HttpResponse Get(int port, const std::string& target, const std::vector<std::string>& extra_headers = {});
HttpResponse Send(int port, const std::string& method, const std::string& target, const std::string& body,
                  const std::vector<std::string>& extra_headers = {});
HttpResponse SendFrom(const std::string& source_ip, int port, const std::string& method, const std::string& target,
                      const std::string& body, const std::vector<std::string>& extra_headers = {});

// A signed-in session for the API: its cookie, its X-CSRF-Token, and the headers requests send with them.
struct ApiSession {
  std::string sid, csrf;
  // The cookie alone, for pages; and with a form's content type, for POSTs of forms.
  std::vector<std::string> Page() const { return {"Cookie: sid=" + sid}; }
  std::vector<std::string> Form() const {
    return {"Cookie: sid=" + sid, "Content-Type: application/x-www-form-urlencoded"};
  }
  // Cookie and JSON content type, and the CSRF token for a write.
  std::vector<std::string> Headers(bool write = false) const {
    std::vector<std::string> h = {"Cookie: sid=" + sid, "Content-Type: application/json"};
    if (write) h.push_back("X-CSRF-Token: " + csrf);
    return h;
  }
};

// The JSON object in `text` (a response's body); throws when it is not one.
Poco::JSON::Object::Ptr Json(const std::string& text);
inline Poco::JSON::Object::Ptr Json(const HttpResponse& r) { return Json(r.body); }

// The value of the cookie `name` set by a response ("" when none).
std::string CookieValue(const HttpResponse& r, const std::string& name);
// The CSRF token in a page's form (name="csrf" value="...").
std::string CsrfField(const std::string& html);

// A multipart/form-data body with `boundary`: the fields, then the files as (field, file name, content), each
// sent as text/html (what the server must never trust).
std::string Multipart(const std::string& boundary, const std::vector<std::pair<std::string, std::string>>& fields,
                      const std::vector<std::tuple<std::string, std::string, std::string>>& files);

// A search document for an article: id "article:<id>", slug "<key>-<lang>", its URL, "Summary of <title>",
// updated 2026-11-27.
search::Document SearchDoc(const std::string& id, const std::string& lang, const std::string& key,
                           const std::string& title, const std::string& body, const std::string& category = "security",
                           std::vector<std::string> tags = {"t"});

// The instant a wall clock in `zone` (America/Toronto unless said) shows y-m-d h:min, for FakeClock::Set.
int64_t LocalInstant(int64_t y, int m, int d, int h, int min = 0, const std::string& zone = "America/Toronto");

// The entries of the ZIP archive at `path` by name, with their bytes, as Python's zipfile (an independent reader)
// extracts them after checking every entry's CRC; empty when it is not a whole, valid archive.
std::map<std::string, std::string> ReadZip(const std::string& path);

// A pool over the database file at `path` (created if new) with every migration applied.
std::unique_ptr<store::Pool> MigratedPool(const std::string& path);
// Sign-in settings for service tests: links built on `base_url`, the cheapest password hash, link requests
// hardly limited.
auth::AuthOptions TestAuthOptions(const std::string& base_url = "https://entraide.example.org");

// A Config pointing at the repository's views, migrations and content, with data in `data_dir`.
app::Config TestConfig(const std::string& data_dir);

// A shell command's outcome: its exit code (-1 when it did not exit normally), standard output and error
// together.
struct CommandResult {
  int exit_code = -1;
  std::string output;
};
// `s` in single quotes for sh.
std::string ShellQuote(const std::string& s);
// Runs `command` with sh from the repository root, its standard error with its output.
CommandResult RunShell(const std::string& command);
// The environment words of a command on the data dir `data_dir` that logs warnings only.
std::string QuietDataDirEnv(const std::string& data_dir);
// The shell command that runs the built `entraide` with `args`, `env` (NAME=value words) added to its environment.
std::string EntraideCommand(const std::string& args, const std::string& env);
// Runs the built `entraide` from the repository root (so config/entraide.ini is read).
CommandResult RunEntraide(const std::string& args, const std::string& env = "");

// `build/entraide serve` (with `args` after it) as a child process, run from the repository root with `env`
// added to its environment (ENTRAIDE_HTTP_PORT=0 unless given), its standard error on a pipe. The constructor
// waits for "listening on" (throws after 60 s); the destructor sends SIGTERM and waits.
class ServeProcess {
 public:
  explicit ServeProcess(const std::vector<std::pair<std::string, std::string>>& env,
                        const std::vector<std::string>& args = {});
  ~ServeProcess();
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;
  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  int stderr_fd() const { return err_; }
  // Reads its standard error into log() until `needle` appears or `ms` pass; returns log().
  const std::string& ReadLog(const std::string& needle, int ms);
  const std::string& log() const { return log_; }
  void Signal(int sig);
  // Waits for the process to end (reading what it wrote last) and returns its waitpid status.
  int Wait();
  // Sends SIGTERM and waits; returns the exit status as waitpid gives it.
  int Stop();
  // A field of /proc/PID/status in kB (VmHWM: the peak resident set), -1 when absent.
  int64_t StatusKb(const std::string& field) const;

 private:
  pid_t pid_ = -1;
  int err_ = -1;
  int port_ = 0;
  std::string log_;
};

// Reads from fd until `needle` appears or `ms` pass; returns everything read.
std::string ReadUntil(int fd, const std::string& needle, int ms);

// Redirects this process's standard error (where core::Log writes) to a temp file while it lives.
class CapturedStderr {
 public:
  CapturedStderr();
  ~CapturedStderr();
  CapturedStderr(const CapturedStderr&) = delete;
  CapturedStderr& operator=(const CapturedStderr&) = delete;
  std::string Text() const;  // everything written so far

 private:
  int saved_ = -1;
  std::string path_;
};

// The whole application on a free loopback port.
class RunningApp {
 public:
  // Passwords are hashed at libsodium's minimum cost here, to keep the suites fast.
  explicit RunningApp(app::Config config, const core::Clock* clock = nullptr);
  ~RunningApp();
  int port() const { return app_->port(); }
  const app::Config& config() const { return config_; }
  app::App& app() { return *app_; }

 private:
  app::Config config_;
  std::unique_ptr<app::App> app_;
};

}  // namespace entraide::testing
