// Fuzz target: a multipart/form-data body through the server's own upload path (Server::ServeForTesting:
// the session check, Poco's MultipartReader, the CSRF rule, files streamed to disk under their limits).
// The first byte chooses the request around the body: the session (none, signed in, refused), whether the
// token comes in X-CSRF-Token, Expect: 100-continue, the boundary, and a Content-Length longer than the body
// (the client goes away mid-upload). Invariants: a handler sees only files within the limits, on disk with
// the size and SHA-256 it was told, and files only from a signed-in person whose token was checked before
// them; fields stay within their limit; and once the request is answered no file is left in the upload
// folder, whatever happened.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>

#include "core/log.h"
#include "core/sha256.h"
#include "core/strings.h"
#include "fuzz_util.h"
#include "http/router.h"
#include "http/server.h"
#include "test_util.h"

namespace entraide::fuzz {
namespace {

constexpr size_t kMaxFieldBytes = 2048;
constexpr size_t kMaxFileBytes = 1024;
constexpr int kMaxParts = 8;

struct Session {
  int status;  // what the session check says: 0 signed in (token "tok"), 401 none, 403 refused
  bool csrf_header;
};
thread_local Session session;

std::string ReadWhole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

http::Response CheckUpload(http::Request& req) {
  FUZZ_CHECK(req.multipart);
  size_t field_bytes = 0;
  bool token_field = false;
  for (const auto& [name, value] : req.form) {
    field_bytes += value.size();
    if (name == "csrf" && value == "tok") token_field = true;
  }
  FUZZ_CHECK(field_bytes <= kMaxFieldBytes);
  FUZZ_CHECK(req.form.size() + req.uploads.size() <= static_cast<size_t>(kMaxParts));
  if (!req.uploads.empty()) {
    FUZZ_CHECK(session.status == 0);
    FUZZ_CHECK(session.csrf_header || token_field);
  }
  for (const auto& f : req.uploads) {
    FUZZ_CHECK(f.size >= 0 && static_cast<size_t>(f.size) <= kMaxFileBytes);
    std::string content = ReadWhole(f.path);
    FUZZ_CHECK(content.size() == static_cast<size_t>(f.size));
    FUZZ_CHECK(core::Sha256Hex(content) == f.sha256);
  }
  return http::Response::Text(
      200, "fields=" + std::to_string(req.form.size()) + " files=" + std::to_string(req.uploads.size()));
}

struct Target {
  testing::TempDir uploads;
  http::Router router;
  std::unique_ptr<http::Server> server;

  Target() {
    core::SetLogLevel(core::LogLevel::kOff);
    router.Add("POST", "/upload", CheckUpload);
    http::ServerOptions o;
    o.access_log = false;
    o.max_body_bytes = kMaxFieldBytes;
    o.max_multipart_bytes = 64 * 1024;
    o.max_upload_file_bytes = kMaxFileBytes;
    o.max_multipart_parts = kMaxParts;
    o.upload_dir = uploads.path();
    http::Fallbacks f;
    f.upload_check = [](const http::Request&) {
      return http::UploadCheck{session.status, session.status == 0 ? "tok" : ""};
    };
    server = std::make_unique<http::Server>(router, o, f);
  }
};

}  // namespace
}  // namespace entraide::fuzz

extern "C" int FuzzMultipart(const uint8_t* data, size_t size) {
  using namespace entraide::fuzz;
  static Target* target = new Target;
  if (size == 0) return 0;
  uint8_t flags = data[0];
  std::string_view body = AsText(data + 1, size - 1);
  static const int kStatuses[] = {0, 401, 403, 0};
  session = {kStatuses[flags & 3], (flags & 4) != 0};
  static const char* const kBoundaries[] = {"b", "----WebKitFormBoundaryx5R7", "\"a b\"", "b; charset=utf-8"};
  std::string head = "POST /upload HTTP/1.1\r\nHost: fuzz\r\nContent-Type: multipart/form-data; boundary=";
  head += kBoundaries[(flags >> 3) & 3];
  head += "\r\nContent-Length: " + std::to_string(body.size() + ((flags & 0x20) ? 10 : 0)) + "\r\n";
  if (session.csrf_header) head += "X-CSRF-Token: tok\r\n";
  if (flags & 0x40) head += "Expect: 100-continue\r\n";
  head += "\r\n";
  std::string out = target->server->ServeForTesting({head, body});
  FUZZ_CHECK(entraide::core::StartsWith(out, "HTTP/1.1 "));
  // Every upload file is gone once the request was answered (kept, refused or abandoned).
  FUZZ_CHECK(std::filesystem::is_empty(target->uploads.path()));
  return 0;
}

ENTRAIDE_FUZZ_TARGET(FuzzMultipart)
