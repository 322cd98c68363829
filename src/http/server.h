// Server: Entraide's HTTP/1.1 server. Event-loop threads (`event_loops`; the first accepts and gives each
// connection to the loop with the fewest) own every connection while it waits: for a new request (keep-alive),
// for the rest of a request head, for a body read into memory, or for a slow client to take the rest of a
// response. Only a complete request goes to one of `threads` workers, which routes it to a handler and writes
// the Response (with Content-Length, security headers, gzip when asked, a request id and one log line), unless
// its route's FastHandler answers it on the loop from memory (a cached page). So idle and slow connections never
// hold a worker: they cost a few hundred bytes each.
//
// Defences (see README, "Security"): a total deadline for the request head (header_timeout_s, not per read),
// a minimum rate for bodies and for reading responses after a grace period, a cap of connections per client
// address (beyond it a new connection is closed at once), a bounded queue (503 beyond), strict framing
// (http1.h: one request per request, never a body parsed as the next request), multipart uploads checked
// (session, then CSRF token) before any byte is written to disk, at most max_parallel_uploads at once.
//
// Start() binds (port 0 picks a free port; port() tells it). Stop() stops accepting, closes idle connections,
// lets requests in flight finish (and half-received heads complete, within their deadline), then returns.
// Thread-safe: handlers run on several workers at once and must hold no per-request state.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/metrics.h"
#include "core/status.h"
#include "http/http1.h"
#include "http/message.h"
#include "http/router.h"

namespace entraide::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;
  int threads = 32;                     // workers: requests handled at once
  int event_loops = 0;                  // threads that own the connections (0: one per CPU, at most 4)
  int queue = 256;                      // complete requests waiting for a worker; 503 beyond
  int keepalive_timeout_s = 5;          // an idle keep-alive connection is closed after this (it holds no worker)
  int max_keepalive_requests = 1000;    // requests per connection, then it closes
  int header_timeout_s = 10;            // the whole request head must arrive within this, from its first byte
  int min_rate_bytes = 2048;            // after header_timeout_s of grace, bodies and responses move at least this fast
  int max_connections_per_address = 8;  // a client address beyond it is closed at once (trusted proxies exempt)
  int max_connections = 4096;           // all connections; beyond it new ones are closed at once
  std::vector<std::string> trusted_proxies;  // CIDRs whose X-Forwarded-For names the client
  HeadLimits head;
  size_t max_body_bytes = 1 << 20;           // bodies read into memory (JSON, forms); 413 beyond
  size_t max_multipart_bytes = 50u << 20;    // multipart/form-data bodies (uploads), streamed to disk
  size_t max_upload_file_bytes = 10u << 20;  // one uploaded file
  int max_multipart_parts = 100;
  int max_parallel_uploads = 0;  // multipart requests read at once (0: threads / 4, at least 1)
  std::string upload_dir;        // where uploads are streamed ("" refuses multipart)
  bool access_log = true;
};

// What the session check of an upload found: status 0 and the session's CSRF token to go on reading the body,
// or the status to answer (401, 403) without reading it.
struct UploadCheck {
  int status = 0;
  std::string csrf;
};

// What the server calls: the error page for a status (404, 400, 413, 500...), and the session check of a
// multipart request once its head is read (absent: every multipart request is refused with 403).
struct Fallbacks {
  std::function<Response(const Request&, int status)> error_page;
  std::function<UploadCheck(const Request&)> upload_check;
};

// Counters for monitoring and tests (read with Server::stats(); each a snapshot).
struct ServerStats {
  int64_t connections_open = 0;
  int64_t connections_refused = 0;  // over the per-address or total cap
  int64_t timeouts = 0;             // heads, bodies or responses too slow, idle keep-alive excluded
  int64_t requests = 0;
  int64_t queued = 0;                        // requests waiting for a worker now
  std::vector<int64_t> connections_by_loop;  // open connections of each event loop
};

class Server : public core::MetricsSource {
 public:
  Server(const Router& router, ServerOptions options, Fallbacks fallbacks);
  ~Server() override;
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // kUnavailable when the address cannot be bound; kInvalidArgument for a bad trusted proxy.
  core::Status Start();
  int port() const;
  void Stop();
  ServerStats stats() const;
  // Requests by route and status, their durations, and the connection counters of stats() (after Start()).
  void Collect(core::MetricsText& out) const override;

  // Applies what every response gets (security headers, gzip). Content-Length is set when it is written.
  static void Finish(const Request& req, Response& resp);

  // For the fuzzer and tests: one connection's input through this server's own request path (head and body
  // framing, ParseTarget, multipart reading, the router and FastHandlers, Finish, serialisation), on the calling
  // thread, with no socket, thread or timer. `reads` are what successive reads of the socket return; after the last one
  // the client shuts down its side. A multipart body is read from what is left, as a worker reads it from the socket.
  // Returns the bytes the server writes, in order (an interim 100 Continue excluded). Only on a server that was not
  // started; several calls may run at once.
  std::string ServeForTesting(const std::vector<std::string_view>& reads);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Splits and checks a request target: 400 for an over-long or malformed target, a bad escape, NUL bytes,
// backslashes or '.'/'..' segments (plain or percent-encoded). On success fills req.path and req.query.
// Exposed for tests and the fuzzer.
int ParseTarget(std::string_view target, size_t max_bytes, Request& req);

}  // namespace entraide::http
