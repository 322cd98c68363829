#include "test_util.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xapian.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "core/log.h"
#include "core/strings.h"
#include "core/timezone.h"
#include "search/document.h"
#include "store/migrations.h"

namespace entraide::testing {

std::string Repeat(const std::string& s, size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}
namespace fs = std::filesystem;

TempDir::TempDir() {
  std::string tmpl = (fs::temp_directory_path() / "entraide-test-XXXXXX").string();
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  char* made = mkdtemp(buf.data());
  if (!made) throw std::runtime_error("mkdtemp failed");
  path_ = made;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

void TempDir::Write(const std::string& rel, const std::string& content) const { WriteFile(Join(rel), content); }

void WriteFile(const std::string& path, const std::string& content) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream out(path, std::ios::binary);
  out << content;
}

std::string SourceDir() { return ENTRAIDE_SOURCE_DIR; }
std::string BinaryDir() { return ENTRAIDE_BINARY_DIR; }

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string MarkerCatalogJson(const std::string& from, const std::string& tag) {
  std::ifstream in(SourceDir() + "/views/i18n/" + from + ".json");
  std::stringstream text;
  text << in.rdbuf();
  Poco::JSON::Parser parser;
  auto source = parser.parse(text.str()).extract<Poco::JSON::Object::Ptr>();
  Poco::JSON::Object out;
  for (const auto& [key, value] : *source)
    out.set(key, key == "plural_rule" ? value.convert<std::string>() : "[" + tag + ":" + key + "]");
  std::ostringstream json;
  out.stringify(json);
  return json.str();
}

std::vector<std::string> HardCodedWords(const std::string& text) {
  static const std::vector<std::string> kWords = {
      "January",   "February", "March",       "April",     "May",
      "June",      "July",     "August",      "September", "October",
      "November",  "December", "janvier",     "février",   "mars",
      "avril",     "mai",      "juin",        "juillet",   "août",
      "septembre", "octobre",  "novembre",    "décembre",  "ago",
      "just now",  "il y a",   "à l'instant", "minute",    "minutes",
      "hour",      "hours",    "heure",       "heures",    "day",
      "days",      "jour",     "jours",       "1er",       "more",
      "autre",     "autres",   "Français",    "English",   "[0-9]+ (j|d|h|min)"};
  std::vector<std::string> found;
  for (const auto& w : kWords) {
    std::regex re("(^|[^A-Za-z0-9_])(" + w + ")($|[^A-Za-z0-9_])", std::regex::icase);
    std::smatch m;
    if (std::regex_search(text, m, re)) found.push_back(m[2].str());
  }
  return found;
}

Connection::Connection(int port, const std::string& source_address) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (!source_address.empty()) {
    sockaddr_in src{};
    src.sin_family = AF_INET;
    inet_pton(AF_INET, source_address.c_str(), &src.sin_addr);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&src), sizeof src) != 0) {
      ::close(fd_);
      fd_ = -1;
      return;
    }
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

Connection::~Connection() {
  if (fd_ >= 0) ::close(fd_);
}

bool Connection::Send(const std::string& bytes) {
  if (fd_ < 0) return false;
  size_t off = 0;
  while (off < bytes.size()) {
    ssize_t n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

int Connection::Fill(int timeout_ms) {
  pollfd p{fd_, POLLIN, 0};
  int r = ::poll(&p, 1, timeout_ms);
  if (r <= 0) return -1;  // timed out
  char buf[65536];
  ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
  if (n <= 0) return 0;  // closed (or reset)
  buffer_.append(buf, static_cast<size_t>(n));
  return 1;
}

HttpResponse Connection::Read(int timeout_ms) {
  HttpResponse r;
  if (fd_ < 0) return r;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  size_t header_end;
  for (;;) {
    header_end = buffer_.find("\r\n\r\n");
    if (header_end != std::string::npos) {
      // An interim 100 Continue is not the response.
      if (buffer_.compare(0, 12, "HTTP/1.1 100") == 0) {
        buffer_.erase(0, header_end + 4);
        continue;
      }
      break;
    }
    int left = static_cast<int>(
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count());
    if (left <= 0 || Fill(left) <= 0) return r;
  }
  std::istringstream hs(buffer_.substr(0, header_end));
  std::string line;
  std::getline(hs, line);
  if (line.size() >= 12) r.status = std::atoi(line.substr(9, 3).c_str());
  while (std::getline(hs, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = core::ToLowerAscii(line.substr(0, colon));
    std::string value(core::Trim(line.substr(colon + 1)));
    auto& slot = r.headers[name];
    slot = slot.empty() ? value : slot + "\n" + value;
  }
  bool have_length = r.headers.count("content-length") > 0;
  size_t length = have_length ? std::stoul(r.headers["content-length"]) : 0;
  buffer_.erase(0, header_end + 4);
  if (!have_length && r.status != 204 && r.status != 304) {
    // No length: the body runs to the end of the connection.
    while (Fill(std::max(1, static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                 deadline - std::chrono::steady_clock::now())
                                                 .count()))) > 0) {
    }
    r.body = std::move(buffer_);
    buffer_.clear();
    return r;
  }
  while (buffer_.size() < length) {
    int left = static_cast<int>(
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count());
    if (left <= 0 || Fill(left) <= 0) break;
  }
  r.body = buffer_.substr(0, length);
  buffer_.erase(0, std::min(length, buffer_.size()));
  return r;
}

bool Connection::ClosedByPeer(int timeout_ms) {
  if (fd_ < 0) return true;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    int left = static_cast<int>(
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count());
    if (left <= 0) return false;
    int r = Fill(left);
    if (r == 0) return true;
    if (r < 0) return false;
  }
}

HttpResponse RawRequest(int port, const std::string& bytes) { return RawRequestFrom("", port, bytes); }

HttpResponse RawRequestFrom(const std::string& source_ip, int port, const std::string& bytes) {
  Connection c(port, source_ip);
  if (!c.connected() || !c.Send(bytes)) return {};
  return c.Read(10000);
}

HttpResponse Send(int port, const std::string& method, const std::string& target, const std::string& body,
                  const std::vector<std::string>& extra_headers) {
  return SendFrom("", port, method, target, body, extra_headers);
}

HttpResponse SendFrom(const std::string& source_ip, int port, const std::string& method, const std::string& target,
                      const std::string& body, const std::vector<std::string>& extra_headers) {
  std::string req = method + " " + target + " HTTP/1.1\r\nConnection: close\r\n";
  bool host = false;
  for (const auto& h : extra_headers) {
    req += h + "\r\n";
    if (core::ToLowerAscii(h.substr(0, 5)) == "host:") host = true;
  }
  if (!host) req += "Host: 127.0.0.1\r\n";
  if (!body.empty() || method == "POST" || method == "PATCH" || method == "PUT")
    req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  req += "\r\n" + body;
  return RawRequestFrom(source_ip, port, req);
}

HttpResponse Get(int port, const std::string& target, const std::vector<std::string>& extra_headers) {
  return Send(port, "GET", target, "", extra_headers);
}

Poco::JSON::Object::Ptr Json(const std::string& text) {
  Poco::JSON::Parser p;
  return p.parse(text).extract<Poco::JSON::Object::Ptr>();
}

std::string CookieValue(const HttpResponse& r, const std::string& name) {
  std::smatch m;
  std::string all = r.Header("set-cookie");
  if (std::regex_search(all, m, std::regex(name + "=([^;]*)"))) return m[1];
  return "";
}

std::string CsrfField(const std::string& html) {
  std::smatch m;
  if (std::regex_search(html, m, std::regex(R"re(name="csrf" value="([^"]+)")re"))) return m[1];
  return "";
}

std::string Multipart(const std::string& boundary, const std::vector<std::pair<std::string, std::string>>& fields,
                      const std::vector<std::tuple<std::string, std::string, std::string>>& files) {
  std::string body;
  for (const auto& [k, v] : fields)
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + k + "\"\r\n\r\n" + v + "\r\n";
  for (const auto& [field, name, content] : files)
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field + "\"; filename=\"" + name +
            "\"\r\nContent-Type: text/html\r\n\r\n" + content + "\r\n";
  body += "--" + boundary + "--\r\n";
  return body;
}

search::Document SearchDoc(const std::string& id, const std::string& lang, const std::string& key,
                           const std::string& title, const std::string& body, const std::string& category,
                           std::vector<std::string> tags) {
  search::Document d;
  d.id = "article:" + id;
  d.kind = "article";
  d.lang = lang;
  d.key = key;
  d.slug = key + "-" + lang;
  d.title = title;
  d.summary = "Summary of " + title;
  d.body = body;
  d.category = category;
  d.url = "/" + lang + "/articles/" + d.slug;
  d.updated = "2026-11-27";
  d.tags = std::move(tags);
  return d;
}

int64_t LocalInstant(int64_t y, int m, int d, int h, int min, const std::string& zone) {
  auto z = core::TimeZone::Load(zone);
  if (!z.ok()) throw std::runtime_error(z.status().ToString());
  core::LocalTime t;
  t.year = y;
  t.month = m;
  t.day = d;
  t.hour = h;
  t.minute = min;
  return z->ToUtc(t);
}

std::unique_ptr<store::Pool> MigratedPool(const std::string& path) {
  auto pool = std::make_unique<store::Pool>(path);
  auto db = pool->Acquire();
  auto files = store::LoadMigrations(SourceDir() + "/migrations");
  if (!db.ok() || !files.ok() || !store::Migrate(**db, *files).ok()) throw std::runtime_error("cannot migrate " + path);
  return pool;
}

auth::AuthOptions TestAuthOptions(const std::string& base_url) {
  auth::AuthOptions o;
  o.base_url = base_url;
  o.hash_cost = auth::HashCost::Minimum();
  o.rate_limit = 1000;
  return o;
}

std::map<std::string, std::string> ReadZip(const std::string& path) {
  std::map<std::string, std::string> entries;
  TempDir out;
  std::string quoted = "'" + path + "'";
  if (std::system(("python3 -m zipfile -t " + quoted + " >/dev/null 2>&1 && python3 -m zipfile -e " + quoted + " '" +
                   out.path() + "' 2>/dev/null")
                      .c_str()) != 0)
    return entries;
  for (const auto& e : std::filesystem::recursive_directory_iterator(out.path()))
    if (e.is_regular_file())
      entries[std::filesystem::relative(e.path(), out.path()).string()] = ReadFile(e.path().string());
  return entries;
}

app::Config TestConfig(const std::string& data_dir) {
  app::Config c;
  c.http_port = 0;
  c.http_threads = 8;
  c.http_access_log = false;
  c.data_dir = data_dir;
  c.content_dir = SourceDir() + "/content";
  c.views_dir = SourceDir() + "/views";
  c.migrations_dir = SourceDir() + "/migrations";
  c.search_dir = SourceDir() + "/search";
  c.site_base_url = "http://entraide.test";
  c.mail_max_per_second = 0;  // no pacing: the suites send a few messages and wait for them
  return c;
}

RunningApp::RunningApp(app::Config config, const core::Clock* clock) : config_(std::move(config)) {
  core::SetLogLevel(core::LogLevel::kWarning);
  app::AppOverrides overrides;
  overrides.clock = clock;
  overrides.hash_cost = auth::HashCost::Minimum();
  auto made = app::App::Create(config_, overrides);
  if (!made.ok()) throw std::runtime_error("App::Create: " + made.status().ToString());
  app_ = std::move(made).value();
  auto st = app_->Start();
  if (!st.ok()) throw std::runtime_error("App::Start: " + st.ToString());
  if (!app_->WaitForIndex(60000)) throw std::runtime_error("the search index was not built in time");
}

RunningApp::~RunningApp() { app_->Stop(); }

int VersionsFartherApartThan(const std::string& path, unsigned max_gap) {
  Xapian::Database db(path);
  std::map<std::string, std::pair<Xapian::docid, Xapian::docid>> span;  // item key: first and last docid
  for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) {
    std::string key = db.get_document(*it).get_value(search::kSlotKey);
    auto [entry, added] = span.emplace(key, std::make_pair(*it, *it));
    if (!added) entry->second.second = *it;
  }
  int far = 0;
  for (const auto& [key, ends] : span) far += ends.second - ends.first > max_gap;
  return far;
}

std::string ReadUntil(int fd, const std::string& needle, int ms) {
  std::string out;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  char buf[4096];
  while (out.find(needle) == std::string::npos) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

CommandResult RunShell(const std::string& command) {
  std::string cmd = "cd " + ShellQuote(SourceDir()) + " && " + command + " 2>&1";
  CommandResult r;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.output.append(buf.data(), n);
  int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string QuietDataDirEnv(const std::string& data_dir) {
  return "ENTRAIDE_DATA_DIR=" + ShellQuote(data_dir) + " ENTRAIDE_LOG_LEVEL=warn";
}

std::string EntraideCommand(const std::string& args, const std::string& env) {
  return "env " + env + " " + ShellQuote(BinaryDir() + "/entraide") + " " + args;
}

CommandResult RunEntraide(const std::string& args, const std::string& env) {
  return RunShell(EntraideCommand(args, env));
}

ServeProcess::ServeProcess(const std::vector<std::pair<std::string, std::string>>& env,
                           const std::vector<std::string>& args) {
  int err[2];
  if (pipe(err) != 0) throw std::runtime_error("pipe failed");
  // Everything the child needs is made before fork: a child of a threaded process may only exec.
  std::string bin = BinaryDir() + "/entraide";
  std::string dir = SourceDir();
  std::vector<std::string> vars;
  for (const auto& [k, v] : env) vars.push_back(k + "=" + v);
  vars.push_back("ENTRAIDE_HTTP_PORT=0");
  std::vector<char*> envp;  // getenv finds the first of a name: ours come before the inherited ones
  for (auto& v : vars) envp.push_back(v.data());
  for (char** e = environ; *e; ++e) envp.push_back(*e);
  envp.push_back(nullptr);
  std::vector<std::string> words = {bin, "serve"};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  pid_ = fork();
  if (pid_ == 0) {
    dup2(err[1], 2);
    close(err[0]);
    if (chdir(dir.c_str()) != 0) _exit(127);
    execve(bin.c_str(), argv.data(), envp.data());
    _exit(127);
  }
  close(err[1]);
  err_ = err[0];
  ReadLog("listening on", 60000);
  std::smatch m;
  if (!std::regex_search(log_, m, std::regex(R"(listening on http://[0-9.]+:(\d+))"))) {
    Stop();
    throw std::runtime_error("entraide serve did not start: " + log_);
  }
  port_ = std::stoi(m[1]);
}

ServeProcess::~ServeProcess() { Stop(); }

const std::string& ServeProcess::ReadLog(const std::string& needle, int ms) {
  if (err_ >= 0 && log_.find(needle) == std::string::npos) log_ += ReadUntil(err_, needle, ms);
  return log_;
}

void ServeProcess::Signal(int sig) {
  if (pid_ > 0) kill(pid_, sig);
}

int ServeProcess::Wait() {
  int status = -1;
  if (pid_ > 0) {
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  if (err_ >= 0) {
    log_ += ReadUntil(err_, "\x01 (to the end)", 1000);  // what it wrote before it ended
    close(err_);
    err_ = -1;
  }
  return status;
}

int ServeProcess::Stop() {
  Signal(SIGTERM);
  return Wait();
}

CapturedStderr::CapturedStderr() {
  char tmpl[] = "/tmp/entraide-stderr-XXXXXX";
  int fd = mkstemp(tmpl);
  if (fd < 0) throw std::runtime_error("mkstemp failed");
  path_ = tmpl;
  fflush(stderr);
  saved_ = dup(2);
  dup2(fd, 2);
  close(fd);
}

CapturedStderr::~CapturedStderr() {
  fflush(stderr);
  dup2(saved_, 2);
  close(saved_);
  std::remove(path_.c_str());
}

std::string CapturedStderr::Text() const { return ReadFile(path_); }

int64_t ServeProcess::StatusKb(const std::string& field) const {
  std::ifstream in("/proc/" + std::to_string(pid_) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(field + ":", 0) == 0) return std::stoll(line.substr(field.size() + 1));
  return -1;
}

}  // namespace entraide::testing
