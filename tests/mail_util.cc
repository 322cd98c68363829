#include "mail_util.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "core/json_writer.h"
#include "core/strings.h"
#include "store/account_repo.h"

namespace entraide::testing {
namespace fs = std::filesystem;

int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

namespace {
bool Accepts(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}
}  // namespace

pid_t SpawnListening(std::vector<std::string> args, int port, const std::string& what, int timeout_s) {
  // The arguments are built before fork: the child of a threaded process may only exec.
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = fork();
  if (pid == 0) {
    execvp(argv[0], argv.data());
    _exit(127);
  }
  // Waiting for a child process to listen: poll the port, bounded.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  while (!Accepts(port)) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) throw std::runtime_error(what + " exited at start");
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      throw std::runtime_error(what + " did not start in " + std::to_string(timeout_s) + " s");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return pid;
}

TestCertificate MakeTestCertificate(const TempDir& dir, const std::string& names) {
  TestCertificate c{dir.Join("cert.pem"), dir.Join("key.pem")};
  std::string cmd =
      "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj '/CN=entraide test' -addext "
      "'subjectAltName=" +
      names + "' -keyout '" + c.key + "' -out '" + c.cert + "' 2>/dev/null";
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error("openssl req failed (is openssl installed?)");
  return c;
}

SmtpServer::SmtpServer(int port) : port_(port ? port : FreePort()) {}

SmtpServer::SmtpServer(Tls tls, TestCertificate certificate)
    : port_(FreePort()), tls_(tls), certificate_(std::move(certificate)) {}

SmtpServer::~SmtpServer() { Stop(); }

void SmtpServer::Start() {
  if (pid_ > 0) return;
  std::string listen = "127.0.0.1:" + std::to_string(port_);
  std::string maildir = dir_.Join("maildir");
  // Debian's Python, which python3-aiosmtpd is installed for (not another python3 earlier in PATH).
  std::vector<std::string> args = {"/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l", listen};
  if (tls_ == Tls::kStartTls) args.insert(args.end(), {"--tlscert", certificate_.cert, "--tlskey", certificate_.key});
  if (tls_ == Tls::kSmtps) args.insert(args.end(), {"--smtpscert", certificate_.cert, "--smtpskey", certificate_.key});
  args.insert(args.end(), {"-c", "aiosmtpd.handlers.Mailbox", maildir});
  pid_ = SpawnListening(std::move(args), port_, "aiosmtpd (is python3-aiosmtpd installed?)");
}

void SmtpServer::Stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::vector<std::string> SmtpServer::MessageFiles() const {
  std::vector<std::string> out;
  for (const char* sub : {"new", "cur"}) {
    std::error_code ec;
    fs::path p = fs::path(dir_.Join("maildir")) / sub;
    if (!fs::is_directory(p, ec)) continue;
    for (const auto& e : fs::directory_iterator(p, ec))
      if (e.is_regular_file()) out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

Pop3Server::Pop3Server(std::string user, std::string password, const TestCertificate* certificate)
    : user_(std::move(user)), password_(std::move(password)), port_(FreePort()) {
  fs::create_directories(dir_.Join("box"));
  std::vector<std::string> args = {"/usr/bin/python3",
                                   SourceDir() + "/tests/mail/pop3_server.py",
                                   "--dir",
                                   dir_.Join("box"),
                                   "--user",
                                   user_,
                                   "--password",
                                   password_,
                                   "--port",
                                   std::to_string(port_)};
  if (certificate) args.insert(args.end(), {"--cert", certificate->cert, "--key", certificate->key});
  pid_ = SpawnListening(std::move(args), port_, "tests/mail/pop3_server.py");
}

Pop3Server::~Pop3Server() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
}

void Pop3Server::Add(const std::string& name, const std::string& raw) const {
  std::ofstream(dir_.Join("box/" + name), std::ios::binary) << raw;
}

std::vector<std::string> Pop3Server::Names() const {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir_.Join("box"), ec)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::string DecodedMail::Header(const std::string& name) const {
  for (const auto& [k, v] : headers)
    if (core::ToLowerAscii(k) == core::ToLowerAscii(name)) return v;
  return "";
}

int DecodedMail::HeaderCount(const std::string& name) const {
  int n = 0;
  for (const auto& [k, v] : headers) n += core::ToLowerAscii(k) == core::ToLowerAscii(name);
  return n;
}

DecodedMail DecodeMail(const std::string& path) {
  std::string cmd = "/usr/bin/python3 '" + SourceDir() + "/tests/mail/decode_mail.py' '" + path + "'";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) throw std::runtime_error("popen failed");
  std::string json;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) json.append(buf.data(), n);
  if (pclose(p) != 0) throw std::runtime_error("decode_mail.py failed on " + path);
  Poco::JSON::Parser parser;
  auto obj = parser.parse(json).extract<Poco::JSON::Object::Ptr>();
  DecodedMail m;
  auto pairs = [&](const char* key, std::vector<std::pair<std::string, std::string>>& into) {
    auto arr = obj->getArray(key);
    for (size_t i = 0; i < arr->size(); ++i) {
      auto pair = arr->getArray(static_cast<unsigned>(i));
      into.emplace_back(pair->getElement<std::string>(0), pair->getElement<std::string>(1));
    }
  };
  pairs("headers", m.headers);
  pairs("raw_headers", m.raw_headers);
  m.content_type = obj->getValue<std::string>("content_type");
  m.text = obj->getValue<std::string>("text");
  m.html = obj->getValue<std::string>("html");
  auto defects = obj->getArray("defects");
  for (size_t i = 0; i < defects->size(); ++i)
    m.defects.push_back(defects->getElement<std::string>(static_cast<unsigned>(i)));
  return m;
}

std::string QueryText(store::Pool& pool, const std::string& sql) {
  auto db = pool.Acquire();
  if (!db.ok()) return "";
  auto st = (*db)->Prepare(sql);
  if (!st.ok()) return "";
  store::StatementScope q(*st);
  auto row = q->Step();
  return row.ok() && *row ? q->ColumnText(0) : "";
}

int64_t QueueTicketReply(store::Pool& pool, const TicketReplyMail& mail) {
  char ref[32];
  std::snprintf(ref, sizeof ref, "ENT-2027-%04d", mail.number);
  core::JsonWriter w;
  w.BeginObject()
      .Field("ref", ref)
      .Field("ticket_subject", mail.ticket_subject)
      .Field("volunteer", "Éloïse")
      .Field("reply", mail.reply)
      .Field("link", "http://entraide.test/fr/tickets/" + std::to_string(mail.number))
      .EndObject();
  store::OutboxMessage m;
  m.kind = model::MailKind::kTicketReply;
  m.recipient_email = mail.recipient_email;
  m.recipient_name = mail.recipient_name;
  m.lang = mail.lang;
  m.user_id = mail.user_id;
  m.data_json = w.Take();
  m.thread_key = "ticket:" + std::to_string(mail.number);
  m.created_at = mail.created_at;
  auto db = pool.Acquire();
  EXPECT_TRUE(db.ok());
  if (!db.ok()) return 0;
  auto id = store::AccountRepository(**db).EnqueueMail(m);
  EXPECT_TRUE(id.ok()) << id.status().ToString();
  return id.ok() ? *id : 0;
}

std::string ViewsWithTestMail(const TempDir& dir) {
  std::string views = dir.Join("views");
  fs::copy(SourceDir() + "/views", views, fs::copy_options::recursive);
  fs::copy(SourceDir() + "/tests/mail/views", views,
           fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  return views;
}

}  // namespace entraide::testing
