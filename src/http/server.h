// Server: the Poco HTTP server adapter. Turns Poco requests into Request values, routes them, and sends the
// Response with Content-Length (so connections stay alive), security headers on every response, gzip for
// text when asked, and one log line per request. Start() binds (port 0 picks a free port; port() tells it);
// Stop() stops accepting, lets requests in flight finish, then returns. Thread-safe: Poco serves each
// connection on one of `threads` pool threads; handlers must hold no per-request state.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/status.h"
#include "http/message.h"
#include "http/router.h"

namespace entraide::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;
  int threads = 32;                 // connections served at once; more wait in the queue
  int queue = 256;                  // accepted connections waiting for a thread
  int keepalive_timeout_s = 5;      // an idle keep-alive connection holds its thread this long at most
  int max_keepalive_requests = 1000;  // then the connection closes so queued ones get a turn
  size_t max_uri_bytes = 8192;
  size_t max_body_bytes = 1 << 20;  // requests with a larger body get 413 (JSON, forms)
  size_t max_multipart_bytes = 50u << 20;   // multipart/form-data bodies (uploads), streamed to disk
  size_t max_upload_file_bytes = 10u << 20;  // one uploaded file
  std::string upload_dir;                    // where uploads are streamed ("" refuses multipart)
  bool access_log = true;
};

// What the adapter calls when routing finds nothing (404) or a handler throws (500).
struct Fallbacks {
  std::function<Response(const Request&, int status)> error_page;
};

class Server {
 public:
  Server(const Router& router, ServerOptions options, Fallbacks fallbacks);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // kUnavailable when the address cannot be bound.
  core::Status Start();
  int port() const;
  void Stop();

  // Applies what every response gets (security headers, gzip, Content-Length is set by the adapter).
  static void Finish(const Request& req, Response& resp);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Splits and checks a request target: 400 for an over-long or malformed target, a bad escape, NUL bytes,
// backslashes or '.'/'..' segments (plain or percent-encoded). On success fills req.path and req.query.
// Exposed for tests and the fuzzer.
int ParseTarget(std::string_view target, size_t max_bytes, Request& req);

}  // namespace entraide::http
