// Request and Response: plain values that handlers read and return. The server (server.cc, our own HTTP/1.1
// loop) builds the Request and writes the Response; Poco appears in http/ only where a library does the work:
// multipart reading (server.cc), gzip (compress.cc) and parsing JSON bodies (the API handlers). Value types;
// not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/escape.h"
#include "core/status.h"

namespace entraide::http {

// A file that came with a multipart form, streamed to a temp file that is removed when the request ends.
struct UploadedFile {
  std::string field, filename, content_type, path, sha256;
  int64_t size = 0;
};

// Owns the temp files of a request (move-only).
class TempFiles {
 public:
  TempFiles() = default;
  TempFiles(const TempFiles&) = delete;
  TempFiles& operator=(const TempFiles&) = delete;
  TempFiles(TempFiles&&) = default;
  TempFiles& operator=(TempFiles&&) = default;
  ~TempFiles();
  void Add(std::string path) { paths_.push_back(std::move(path)); }

 private:
  std::vector<std::string> paths_;
};

struct Request {
  std::string method;      // "GET", "POST", ...
  std::string path;        // percent-decoded, starts with '/'
  std::string raw_target;  // as received
  core::FormPairs query;
  std::map<std::string, std::string> headers;  // lower-case names
  std::map<std::string, std::string> cookies;
  std::string body;
  std::string remote_addr;                    // the client's address (from X-Forwarded-For only behind a trusted proxy)
  std::string peer_addr;                      // the socket's peer: the client, or the trusted proxy it came through
  bool peer_trusted = false;                  // the peer is one of http.trusted_proxies
  int route_index = -1;                       // the route that matched (Router::Routes()), -1 when none did
  std::string id;                             // this request's id, in the log lines and on the response (X-Request-Id)
  std::map<std::string, std::string> params;  // from the route pattern, e.g. {lang}, {slug}
  core::FormPairs form;                       // fields of a multipart/form-data body (urlencoded bodies stay in `body`)
  bool multipart = false;
  std::vector<UploadedFile> uploads;  // files of a multipart body
  TempFiles temp_files;

  // First value of a query parameter, or "" when absent.
  std::string Query(std::string_view name) const;
  bool HasQuery(std::string_view name) const;
  std::string Header(const std::string& lower_name) const;
  std::string Cookie(const std::string& name) const;
  std::string Param(const std::string& name) const;
};

// A file sent as a response's body: an open descriptor, closed when the last Response holding it is gone (so the
// path may be removed as soon as it is open). The server streams it with sendfile(2) as the socket takes it: a
// large download is never held in memory, and a slow reader holds no worker.
class BodyFile {
 public:
  // Opens `path` for reading; kUnavailable when it cannot.
  static core::StatusOr<std::shared_ptr<const BodyFile>> Open(const std::string& path);
  ~BodyFile();
  BodyFile(const BodyFile&) = delete;
  BodyFile& operator=(const BodyFile&) = delete;
  int fd() const { return fd_; }
  int64_t size() const { return size_; }

 private:
  BodyFile(int fd, int64_t size) : fd_(fd), size_(size) {}
  int fd_;
  int64_t size_;
};

struct Response {
  int status = 200;
  std::string content_type = "text/html; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  bool compressible = true;  // text that gzip may shrink
  std::string gzip_body;     // precomputed gzip of `body` (cached pages); used when the client accepts gzip
  int delay_ms = 0;          // the server sends the response this much later (throttling), holding no thread
  std::shared_ptr<const BodyFile> file;  // sent after `body` (usually empty), never compressed

  Response& Header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
  std::string FindHeader(std::string_view name) const;

  static Response Html(int status, std::string body);
  static Response Json(int status, std::string body);
  static Response Text(int status, std::string body);
  static Response Redirect(int status, const std::string& location);
};

// Parses a Cookie header ("a=1; b=2").
std::map<std::string, std::string> ParseCookies(std::string_view header);

}  // namespace entraide::http
