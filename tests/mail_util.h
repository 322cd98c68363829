// Helpers for the mail tests: a real SMTP server (aiosmtpd from Debian's python3-aiosmtpd) on a free loopback
// port that stores what it receives in a Maildir, an independent decoder (Python's email package), and a copy
// of views/ with the test-only mail templates of tests/mail/views (a ticket notification). Free ports, test
// certificates and a child server waited for on its port serve the deployment tests too.
#pragma once

#include <sys/types.h>

#include <string>
#include <utility>
#include <vector>

#include "store/pool.h"
#include "test_util.h"

namespace entraide::testing {

// A loopback TCP port nobody listens on right now.
int FreePort();

// Starts `args` (a program, found in PATH, and its arguments) as a child process and waits until something
// accepts connections on 127.0.0.1:`port`; throws, naming `what`, when the child exits first or after
// `timeout_s`. Returns the child's pid, for the caller to signal and wait for.
pid_t SpawnListening(std::vector<std::string> args, int port, const std::string& what, int timeout_s = 20);

// A certificate and its key for a test server, self-signed (openssl req), valid for `names` (subjectAltName:
// "DNS:localhost", "IP:127.0.0.1"...), written to dir/cert.pem and dir/key.pem.
struct TestCertificate {
  std::string cert, key;
};
TestCertificate MakeTestCertificate(const TempDir& dir, const std::string& names);

class SmtpServer {
 public:
  // none: plain SMTP; starttls: STARTTLS offered and required before MAIL (aiosmtpd --tlscert); smtps: TLS
  // from the first byte (--smtpscert).
  enum class Tls { kNone, kStartTls, kSmtps };
  explicit SmtpServer(int port = 0);                 // 0: a free port. Not started.
  SmtpServer(Tls tls, TestCertificate certificate);  // on a free port
  ~SmtpServer();
  // Starts aiosmtpd and waits until it accepts connections (throws after 20 s).
  void Start();
  // SIGTERM, then waits for the process.
  void Stop();
  int port() const { return port_; }
  // The messages received so far (Maildir new/ and cur/), sorted by name.
  std::vector<std::string> MessageFiles() const;

 private:
  int port_;
  Tls tls_ = Tls::kNone;
  TestCertificate certificate_;
  pid_t pid_ = -1;
  TempDir dir_;
};

// tests/mail/pop3_server.py (a small real POP3 server) on a free loopback port, serving the files of a folder as
// its mailbox (sorted by name; those deleted by a session's QUIT are removed).
class Pop3Server {
 public:
  // Started; throws after 20 s. With `certificate`: POP3S (TLS from the first byte).
  Pop3Server(std::string user, std::string password, const TestCertificate* certificate = nullptr);
  ~Pop3Server();
  int port() const { return port_; }
  const std::string& user() const { return user_; }
  const std::string& password() const { return password_; }
  // Puts a message in the mailbox as file `name`.
  void Add(const std::string& name, const std::string& raw) const;
  std::vector<std::string> Names() const;  // the messages left, sorted

 private:
  TempDir dir_;
  std::string user_, password_;
  int port_;
  pid_t pid_ = -1;
};

struct DecodedMail {
  std::vector<std::pair<std::string, std::string>> headers;      // decoded (RFC 2047) values
  std::vector<std::pair<std::string, std::string>> raw_headers;  // as written
  std::string content_type, text, html;
  std::vector<std::string> defects;                   // what Python's parser complained about
  std::string Header(const std::string& name) const;  // the first, case-insensitive; "" when absent
  int HeaderCount(const std::string& name) const;
};

// Decodes a message file with /usr/bin/python3 and tests/mail/decode_mail.py.
DecodedMail DecodeMail(const std::string& path);

// The first column of the first row of `sql`, as text ("" when no row).
std::string QueryText(store::Pool& pool, const std::string& sql);

// A ticket notification (kind ticket_reply, which the test templates of tests/mail/views render) from Éloïse,
// queued in `pool`'s outbox: ticket `number` is "ENT-2027-<number, 4 digits>", thread "ticket:<number>", its
// link http://entraide.test/fr/tickets/<number>. Returns the outbox id (0 when it was not queued).
struct TicketReplyMail {
  int number = 0;
  std::string ticket_subject, reply, recipient_email, recipient_name, lang = "fr";
  int64_t user_id = 0, created_at = 0;
};
int64_t QueueTicketReply(store::Pool& pool, const TicketReplyMail& mail);

// Copies the repository's views/ and tests/mail/views/ into `dir`/views; returns that path.
std::string ViewsWithTestMail(const TempDir& dir);

}  // namespace entraide::testing
