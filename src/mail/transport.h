// Where finished messages go: an SMTP server (Poco::Net::SMTPClientSession; STARTTLS or TLS through Poco
// NetSSL), or .eml files in a folder when no SMTP host is configured. A Transport may keep one connection
// open between Send calls; Close() ends it. Not thread-safe: one per sender thread.
//
// Send: OK only once the server accepted the message (or the file is in place). kUnavailable for what may work
// later (connection refused, timeout, TLS failure, a 4xx answer); kInvalidArgument when the server refused the
// message for good (a 5xx answer).
#pragma once

#include <memory>
#include <string>

#include "core/status.h"

namespace entraide::mail {

struct Envelope {
  std::string from, to;  // bare addresses, checked by the caller
  std::string name;      // a file-safe name for the message (the .eml transport's file name)
};

class Transport {
 public:
  virtual ~Transport() = default;
  virtual core::Status Send(const Envelope& envelope, const std::string& message) = 0;
  virtual void Close() {}
  virtual std::string Describe() const = 0;  // for logs: "smtp://host:port (starttls)", "files in DIR"
};

struct SmtpOptions {
  std::string host;
  int port = 25;
  std::string user, password;  // AUTH LOGIN when user is set
  std::string tls = "none";    // none | starttls | tls
  int timeout_s = 30;
  std::string helo = "localhost";  // the name we give in EHLO
  std::string ca_file;             // extra CA certificates (PEM); empty: the system's
};

std::unique_ptr<Transport> MakeSmtpTransport(SmtpOptions options);
// Writes each message atomically as DIR/<name>.eml (created when missing); the same name replaces the file.
std::unique_ptr<Transport> MakeFileTransport(std::string dir);

}  // namespace entraide::mail
