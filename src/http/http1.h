// HTTP/1.1 on the wire (RFC 9112), the strict parts the server needs: the request head, the body's framing,
// chunked decoding and the response head. Pure functions and small value types, no I/O: the server feeds them
// the bytes it has read, and the fuzzer feeds them anything.
//
// Strict on purpose, because a server behind a proxy must frame each request exactly as the proxy did
// (request smuggling): lines end with CRLF (a bare CR or LF is an error), no whitespace before a header's colon,
// no obsolete line folding, one Content-Length at most and only digits, Transfer-Encoding only as exactly
// "chunked" on HTTP/1.1 and never together with Content-Length, one Host on HTTP/1.1. Every error carries the
// status to answer (400, 414, 417, 431) and the connection is closed after it. Thread-safe (no state).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace entraide::http {

struct HeadLimits {
  size_t max_target_bytes = 8192;  // 414 beyond
  size_t max_head_bytes = 16384;   // request line + headers; 431 beyond
  size_t max_headers = 100;        // 431 beyond
};

// A parsed request head. Header names are lower-cased; values are trimmed of surrounding spaces and tabs.
struct RequestHead {
  std::string method, target;
  int minor_version = 1;  // HTTP/1.<minor>
  std::vector<std::pair<std::string, std::string>> headers;

  enum class Framing { kNone, kLength, kChunked };
  Framing framing = Framing::kNone;
  uint64_t content_length = 0;  // with kLength
  bool keep_alive = true;       // what the client asked (HTTP/1.1 default on, 1.0 default off)
  bool expect_continue = false;

  // The first value of a header (lower-case name), or "".
  std::string_view Get(std::string_view lower_name) const;
};

struct HeadResult {
  enum class Kind { kIncomplete, kDone, kError };
  Kind kind = Kind::kIncomplete;
  size_t consumed = 0;      // with kDone: the head's length in bytes, CRLF CRLF included
  int status = 0;           // with kError
  const char* reason = "";  // with kError: what was wrong, for the log
};

// Parses the head at the start of `in`. kIncomplete when the terminating empty line has not arrived yet (and
// the head is still within its limits). Leading empty lines (a CRLF some clients send after a POST body) are
// skipped, at most 4 of them.
HeadResult ParseRequestHead(std::string_view in, const HeadLimits& limits, RequestHead* out);

// Incremental decoder of a chunked body (RFC 9112 section 7.1). Feed it bytes as they come; it appends the
// data to `body` and says how many input bytes it used. Chunk extensions are skipped; trailer fields are read
// and dropped. Errors: a malformed size line or a missing CRLF (400), more than `max_body` bytes of data
// (413), more than 8 KiB of extensions or trailers (400).
class ChunkedDecoder {
 public:
  explicit ChunkedDecoder(uint64_t max_body) : max_body_(max_body) {}
  enum class Result { kNeedMore, kDone, kError };
  Result Feed(std::string_view in, size_t* used, std::string* body);
  int error_status() const { return error_status_; }
  const char* error_reason() const { return error_reason_; }

 private:
  enum class State { kSize, kData, kDataCrlf, kTrailer, kDone };
  Result Fail(int status, const char* reason);
  State state_ = State::kSize;
  uint64_t max_body_;
  uint64_t total_ = 0, remaining_ = 0;
  std::string line_;  // the size line or a trailer line being read
  size_t overhead_ = 0;
  int error_status_ = 0;
  const char* error_reason_ = "";
};

// "HTTP/1.1 404 Not Found\r\n" for a status.
std::string StatusLine(int status);
const char* ReasonPhrase(int status);

// True when `value` may be sent as a header value (no CR, LF or NUL) and `name` is a token.
bool SafeHeader(std::string_view name, std::string_view value);

}  // namespace entraide::http
