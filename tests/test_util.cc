#include "test_util.h"

#include "core/timezone.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <xapian.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "core/log.h"
#include "core/strings.h"
#include "search/document.h"

namespace entraide::testing {
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

void TempDir::Write(const std::string& rel, const std::string& content) const {
  fs::path p = fs::path(path_) / rel;
  fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary);
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

HttpResponse RawRequest(int port, const std::string& bytes) {
  HttpResponse r;
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval tv{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return r;
  }
  size_t off = 0;
  while (off < bytes.size()) {
    ssize_t n = ::send(fd, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
    if (n <= 0) break;
    off += static_cast<size_t>(n);
  }
  std::string data;
  char buf[65536];
  size_t header_end = std::string::npos;
  size_t content_length = 0;
  bool have_length = false;
  while (true) {
    if (header_end == std::string::npos) {
      header_end = data.find("\r\n\r\n");
      if (header_end != std::string::npos) {
        std::istringstream hs(data.substr(0, header_end));
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
        if (r.headers.count("content-length")) {
          have_length = true;
          content_length = std::stoul(r.headers["content-length"]);
        }
      }
    }
    if (header_end != std::string::npos && have_length && data.size() >= header_end + 4 + content_length) break;
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    data.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  if (header_end != std::string::npos) {
    r.body = data.substr(header_end + 4);
    if (have_length && r.body.size() > content_length) r.body.resize(content_length);
  }
  return r;
}

HttpResponse Send(int port, const std::string& method, const std::string& target, const std::string& body,
                  const std::vector<std::string>& extra_headers) {
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  for (const auto& h : extra_headers) req += h + "\r\n";
  if (!body.empty() || method == "POST" || method == "PATCH" || method == "PUT")
    req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  req += "\r\n" + body;
  return RawRequest(port, req);
}

HttpResponse Get(int port, const std::string& target, const std::vector<std::string>& extra_headers) {
  return Send(port, "GET", target, "", extra_headers);
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

}  // namespace entraide::testing
