// A POP3 mailbox read by serve (mail.pop3.*): one pass logs in (POP3S on tls, plain only for "none"), hands each
// message's raw bytes to `take`, deletes the messages `take` is done with (taken, ignored, refused: true) and
// leaves the others for the next pass (false: try again later), then QUIT makes the deletions final.
// Poco::Net::POP3ClientSession; not thread-safe (one pass at a time).
#pragma once

#include <functional>
#include <string>

#include "core/status.h"

namespace entraide::mail {

struct Pop3Options {
  std::string host;
  int port = 995;
  std::string user, password;
  std::string tls = "tls";  // tls | none
  std::string ca_file;      // extra CA certificates (PEM); empty: the system's
  int timeout_s = 30;
  size_t max_message_bytes = 25u << 20;  // larger messages are deleted unread (their size comes from LIST)
};

struct Pop3Report {
  int read = 0, deleted = 0, kept = 0, too_large = 0;
};

// kUnavailable when the server cannot be reached or refuses the login (logged by the caller; the next pass
// tries again).
core::StatusOr<Pop3Report> PollPop3(const Pop3Options& options, const std::function<bool(const std::string&)>& take);

}  // namespace entraide::mail
