// StaticFiles: views/static loaded into memory at start (CSS, small JS, icons), each with its ETag, its
// gzip form and a fingerprinted URL ("/static/app.1a2b3c4d5e.css") that may be cached for a year.
// Requests are answered from memory only: no request path ever reaches the file system.
// Immutable after Load(); thread-safe.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "core/status.h"
#include "http/message.h"

namespace entraide::http {

class StaticFiles {
 public:
  static core::StatusOr<std::unique_ptr<StaticFiles>> Load(const std::string& dir);

  // URL of a file for templates: the fingerprinted one. "" when there is no such file.
  std::string UrlFor(const std::string& name) const;
  // Answers GET /static/{name}: 200, 304 (If-None-Match) or 404.
  Response Serve(const Request& req, const std::string& name) const;

 private:
  struct File {
    std::string body, gzip, etag, content_type, last_modified, fingerprint;
  };
  std::map<std::string, File> files_;
};

}  // namespace entraide::http
