// Fuzz target: raw bytes as a client sends them, through the server's own parsing path.
//  1. ParseRequestHead, under small limits (so that the fuzzer reaches them) and the defaults: it consumes no
//     more than it was given; a head it accepts parses again, alone, to the same head; and since the server
//     parses again at every read, a prefix of the bytes never says more than the whole: every prefix of an
//     accepted head is incomplete, and no prefix of anything is an error when the whole is accepted.
//  2. ChunkedDecoder (on what follows a chunked head, or on the bytes themselves): whole, byte by byte and in
//     uneven pieces, it gives the same body and outcome and uses the same bytes.
//  3. ParseTarget on an accepted head's target: no '.' or '..' segment, no NUL, valid UTF-8.
//  4. Server::ServeForTesting with a small router: the bytes in one read and in uneven reads get the same
//     answers, and what the server writes is a sequence of well-formed HTTP/1.1 responses.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/escape.h"
#include "core/log.h"
#include "core/strings.h"
#include "fuzz_util.h"
#include "http/http1.h"
#include "http/router.h"
#include "http/server.h"
#include "test_util.h"

namespace entraide::fuzz {
namespace {

using http::ChunkedDecoder;
using http::HeadLimits;
using http::HeadResult;
using http::RequestHead;

bool SameHead(const RequestHead& a, const RequestHead& b) {
  return a.method == b.method && a.target == b.target && a.minor_version == b.minor_version && a.headers == b.headers &&
         a.framing == b.framing && a.content_length == b.content_length && a.keep_alive == b.keep_alive &&
         a.expect_continue == b.expect_continue;
}

bool IsLowerToken(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if ((c >= 'A' && c <= 'Z') || static_cast<unsigned char>(c) <= ' ' || c == ':' || c == 0x7f) return false;
  return true;
}

// What an accepted head must look like, whatever the bytes were.
void CheckAcceptedHead(std::string_view in, const HeadResult& r, const RequestHead& head, const HeadLimits& limits) {
  FUZZ_CHECK(r.consumed >= 4 && r.consumed <= in.size());
  FUZZ_CHECK(in.substr(r.consumed - 4, 4) == "\r\n\r\n");
  size_t start = 0;  // up to 4 empty lines may come first
  while (start < 8 && in.substr(start, 2) == "\r\n") start += 2;
  FUZZ_CHECK(r.consumed - start <= limits.max_head_bytes);
  FUZZ_CHECK(!head.method.empty() && !head.target.empty());
  FUZZ_CHECK(head.target.size() <= limits.max_target_bytes);
  for (char c : head.target) FUZZ_CHECK(static_cast<unsigned char>(c) > ' ' && c != 0x7f);
  FUZZ_CHECK(head.minor_version == 0 || head.minor_version == 1);
  FUZZ_CHECK(head.headers.size() <= limits.max_headers);
  int lengths = 0, encodings = 0, hosts = 0;
  for (const auto& [name, value] : head.headers) {
    FUZZ_CHECK(IsLowerToken(name));
    FUZZ_CHECK(http::SafeHeader(name, value));
    if (!value.empty()) FUZZ_CHECK(value.front() != ' ' && value.back() != ' ');
    lengths += name == "content-length";
    encodings += name == "transfer-encoding";
    hosts += name == "host";
  }
  FUZZ_CHECK(lengths <= 1 && encodings <= 1 && hosts <= 1 && !(lengths && encodings));
  FUZZ_CHECK(hosts == 1 || head.minor_version == 0);
  FUZZ_CHECK((head.framing == RequestHead::Framing::kLength) == (lengths == 1));
  FUZZ_CHECK((head.framing == RequestHead::Framing::kChunked) == (encodings == 1));
  if (head.framing == RequestHead::Framing::kChunked) FUZZ_CHECK(head.minor_version == 1);
  if (head.expect_continue) FUZZ_CHECK(head.minor_version == 1);
}

// The head at the start of `in` under `limits`, with the invariants above. `prefix_stride` is how far apart
// the prefixes checked are (1: every prefix).
HeadResult CheckHead(std::string_view in, const HeadLimits& limits, size_t prefix_stride, RequestHead* out) {
  RequestHead head;
  HeadResult r = http::ParseRequestHead(in, limits, &head);
  if (r.kind == HeadResult::Kind::kError) {
    FUZZ_CHECK(r.status == 400 || r.status == 414 || r.status == 417 || r.status == 431);
  }
  if (r.kind == HeadResult::Kind::kDone) {
    CheckAcceptedHead(in, r, head, limits);
    RequestHead again;
    HeadResult alone = http::ParseRequestHead(in.substr(0, r.consumed), limits, &again);
    FUZZ_CHECK(alone.kind == HeadResult::Kind::kDone && alone.consumed == r.consumed);
    FUZZ_CHECK(SameHead(head, again));
  }
  // The server parses what it has at every read: a prefix must never decide otherwise than the whole.
  size_t end = r.kind == HeadResult::Kind::kDone ? r.consumed : in.size();
  for (size_t n = 0; n < end; n += (end - n > 2 * prefix_stride ? prefix_stride : 1)) {
    RequestHead part;
    HeadResult p = http::ParseRequestHead(in.substr(0, n), limits, &part);
    if (r.kind == HeadResult::Kind::kDone)
      FUZZ_CHECK(p.kind == HeadResult::Kind::kIncomplete);
    else
      FUZZ_CHECK(p.kind != HeadResult::Kind::kDone);
  }
  if (out) *out = std::move(head);
  return r;
}

struct Decoded {
  ChunkedDecoder::Result result = ChunkedDecoder::Result::kNeedMore;
  std::string body;
  size_t used = 0;  // with kDone
  int status = 0;   // with kError
};

// Feeds `in` to a fresh decoder in pieces of the sizes `piece(i)` says, as the server does at every read.
template <typename PieceSize>
Decoded Decode(std::string_view in, uint64_t max_body, PieceSize piece) {
  ChunkedDecoder d(max_body);
  Decoded out;
  size_t pos = 0;
  for (size_t i = 0; out.result == ChunkedDecoder::Result::kNeedMore && pos < in.size(); ++i) {
    size_t n = std::min(in.size() - pos, piece(i));
    size_t used = 0;
    out.result = d.Feed(in.substr(pos, n), &used, &out.body);
    if (out.result == ChunkedDecoder::Result::kError) {
      out.status = d.error_status();
      break;
    }
    FUZZ_CHECK(used <= n);
    if (out.result == ChunkedDecoder::Result::kNeedMore) FUZZ_CHECK(used == n);
    pos += used;
  }
  out.used = pos;
  FUZZ_CHECK(out.body.size() <= max_body);
  return out;
}

void CheckChunked(std::string_view in) {
  constexpr uint64_t kMaxBody = 1024;
  Decoded whole = Decode(in, kMaxBody, [&](size_t) { return in.size(); });
  Decoded bytes = Decode(in, kMaxBody, [](size_t) { return size_t{1}; });
  Decoded uneven = Decode(in, kMaxBody, [](size_t i) { return 1 + (i * 7919) % 23; });
  for (const Decoded* other : {&bytes, &uneven}) {
    FUZZ_CHECK(other->result == whole.result);
    FUZZ_CHECK(other->status == whole.status);
    if (whole.result != ChunkedDecoder::Result::kError) {
      FUZZ_CHECK(other->body == whole.body);
      FUZZ_CHECK(other->used == whole.used);
    }
  }
}

void CheckTarget(std::string_view target) {
  http::Request req;
  if (http::ParseTarget(target, 8192, req) != 0) return;
  FUZZ_CHECK(!req.path.empty() && req.path.front() == '/');
  FUZZ_CHECK(req.path.find('\0') == std::string::npos && req.path.find('\\') == std::string::npos);
  FUZZ_CHECK(core::IsValidUtf8(req.path));
  for (const auto& seg : core::Split(req.path, '/')) FUZZ_CHECK(seg != "." && seg != "..");
}

// ---- the server ----

const http::Router& TestRouter() {
  static const http::Router* router = [] {
    auto* r = new http::Router;
    r->Add("GET", "/", [](http::Request&) { return http::Response::Text(200, "ok\n"); });
    r->Add("POST", "/echo", [](http::Request& req) {
      return http::Response::Text(200, "got " + std::to_string(req.body.size()) + ": " + req.body);
    });
    r->Add("POST", "/upload", [](http::Request& req) {
      std::string out = "fields=" + std::to_string(req.form.size()) + " files=" + std::to_string(req.uploads.size());
      for (const auto& f : req.uploads) out += " " + f.field + ":" + std::to_string(f.size) + ":" + f.sha256;
      return http::Response::Text(200, out);
    });
    r->Add("GET", "/api/items/{id}", [](http::Request& req) {
      return http::Response::Json(200, "{\"id\":" + core::JsonQuote(req.Param("id")) + "}");
    });
    r->Add("GET", "/big", [](http::Request& req) {  // gzip when asked
      return http::Response::Text(200, std::string(2048, 'a') + req.Query("x"));
    });
    r->Add("GET", "/later", [](http::Request&) {
      http::Response resp = http::Response::Text(200, "later\n");
      resp.delay_ms = 5;
      return resp;
    });
    r->Add("GET", "/throw", [](http::Request&) -> http::Response { throw std::runtime_error("handler failed"); });
    return r;
  }();
  return *router;
}

// A session when the cookie says so: s=1 signed in (CSRF token "tok"), s=2 refused; else none.
http::UploadCheck CheckUploadSession(const http::Request& req) {
  std::string s = req.Cookie("s");
  if (s == "1") return {0, "tok"};
  if (s == "2") return {403, ""};
  return {401, ""};
}

http::Server& TestServer() {
  static testing::TempDir* uploads = new testing::TempDir;
  static http::Server* server = [] {
    core::SetLogLevel(core::LogLevel::kOff);
    http::ServerOptions o;
    o.threads = 4;
    o.access_log = false;
    o.head.max_target_bytes = 256;
    o.head.max_head_bytes = 1024;
    o.head.max_headers = 16;
    o.max_body_bytes = 2048;
    o.max_multipart_bytes = 16384;
    o.max_upload_file_bytes = 1024;
    o.max_multipart_parts = 8;
    o.max_keepalive_requests = 8;
    o.upload_dir = uploads->path();
    http::Fallbacks f;
    f.upload_check = CheckUploadSession;
    return new http::Server(TestRouter(), o, f);
  }();
  return *server;
}

// The answers with what changes from run to run masked (Date, X-Request-Id), and the status of an error
// found while reading the head reduced to "4xx": how much of a malformed head has arrived may change which
// fault is found first (an over-long line before its missing space), never whether there is one.
std::string Normalized(std::string_view out) {
  std::string norm;
  for (std::string_view line : core::Split(out, '\n', false)) {
    if (core::StartsWith(line, "Date: "))
      line = "Date: ";
    else if (core::StartsWith(line, "X-Request-Id: "))
      line = "X-Request-Id: ";
    else if (core::StartsWith(line, "HTTP/1.1 4"))
      line = "HTTP/1.1 4xx";
    else if (core::StartsWith(line, "Error 4"))
      line = "Error 4xx";
    norm += line;
    norm += '\n';
  }
  return norm;
}

// What the server wrote is a sequence of responses: a status line, headers that are safe to send,
// Content-Length (the body follows, or not after HEAD), and "Connection: close" only on the last one.
void CheckResponses(std::string_view out) {
  size_t pos = 0;
  while (pos < out.size()) {
    std::string_view rest = out.substr(pos);
    FUZZ_CHECK(core::StartsWith(rest, "HTTP/1.1 ") && rest.size() >= 12);
    int status = std::stoi(std::string(rest.substr(9, 3)));
    FUZZ_CHECK(status >= 200 && status <= 599);
    size_t end = rest.find("\r\n\r\n");
    FUZZ_CHECK(end != std::string_view::npos);
    size_t length = 0;
    bool has_length = false, close = false;
    for (std::string_view line : core::Split(rest.substr(0, end + 1), '\n', false)) {
      FUZZ_CHECK(!line.empty() && line.back() == '\r');
      line.remove_suffix(1);
      if (core::StartsWith(line, "HTTP/1.1 ")) continue;
      size_t colon = line.find(": ");
      FUZZ_CHECK(colon != std::string_view::npos);
      FUZZ_CHECK(http::SafeHeader(line.substr(0, colon), line.substr(colon + 2)));
      if (core::StartsWith(line, "Content-Length: ")) {
        has_length = true;
        length = std::stoul(std::string(line.substr(16)));
      }
      if (line == "Connection: close") close = true;
    }
    FUZZ_CHECK(has_length);
    size_t next = pos + end + 4;
    // After a HEAD request the body is left out: the next response (or the end) comes at once.
    if (next + length <= out.size() &&
        (next + length == out.size() || core::StartsWith(out.substr(next + length), "HTTP/1.1 ")))
      next += length;
    else
      FUZZ_CHECK(next == out.size() || core::StartsWith(out.substr(next), "HTTP/1.1 "));
    if (close) FUZZ_CHECK(next == out.size());
    pos = next;
  }
}

void CheckServer(std::string_view in) {
  http::Server& server = TestServer();
  std::string whole = server.ServeForTesting({in});
  CheckResponses(whole);
  std::vector<std::string_view> reads;
  for (size_t pos = 0, i = 0; pos < in.size(); ++i) {
    size_t n = std::min(in.size() - pos, 1 + (i * 7919) % 29);
    reads.push_back(in.substr(pos, n));
    pos += n;
  }
  std::string pieces = server.ServeForTesting(reads);
  FUZZ_CHECK(Normalized(whole) == Normalized(pieces));
}

}  // namespace
}  // namespace entraide::fuzz

extern "C" int FuzzHttpServer(const uint8_t* data, size_t size) {
  using namespace entraide::fuzz;
  std::string_view in = AsText(data, size);
  HeadLimits small;
  small.max_target_bytes = 64;
  small.max_head_bytes = 256;
  small.max_headers = 8;
  CheckHead(in, small, 1, nullptr);
  RequestHead head;
  HeadResult r = CheckHead(in, HeadLimits(), 61, &head);
  if (r.kind == HeadResult::Kind::kDone) {
    CheckTarget(head.target);
    if (head.framing == RequestHead::Framing::kChunked) CheckChunked(in.substr(r.consumed));
  } else {
    CheckChunked(in);
  }
  CheckServer(in);
  return 0;
}

ENTRAIDE_FUZZ_TARGET(FuzzHttpServer)
