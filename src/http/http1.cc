#include "http/http1.h"

#include <algorithm>

namespace entraide::http {

namespace {

// RFC 9110 section 5.6.2: tchar.
bool IsTokenChar(unsigned char c) {
  if (c >= 'a' && c <= 'z') return true;
  if (c >= 'A' && c <= 'Z') return true;
  if (c >= '0' && c <= '9') return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s)
    if (!IsTokenChar(c)) return false;
  return true;
}

// A field value: visible characters, spaces, tabs and obs-text; never CR, LF, NUL or other controls.
bool IsFieldValue(std::string_view s) {
  for (unsigned char c : s)
    if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
  return true;
}

std::string_view TrimOws(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (Lower(a[i]) != Lower(b[i])) return false;
  return true;
}

HeadResult Error(int status, const char* reason) {
  HeadResult r;
  r.kind = HeadResult::Kind::kError;
  r.status = status;
  r.reason = reason;
  return r;
}

// Finds the end of the line starting at `pos`: the index of its CR (followed by LF), npos when the line is
// not complete yet, or `bad` set for a bare CR or LF.
size_t LineEnd(std::string_view in, size_t pos, bool* bad) {
  for (size_t i = pos; i < in.size(); ++i) {
    char c = in[i];
    if (c == '\n') {
      *bad = true;  // LF without CR
      return i;
    }
    if (c == '\r') {
      if (i + 1 == in.size()) return std::string_view::npos;
      if (in[i + 1] != '\n') *bad = true;
      return i;
    }
  }
  return std::string_view::npos;
}

// Splits a comma-separated list header into its trimmed, non-empty elements.
std::vector<std::string_view> ListElements(std::string_view v) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= v.size()) {
    size_t comma = v.find(',', start);
    std::string_view e =
        TrimOws(v.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    if (!e.empty()) out.push_back(e);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace

std::string_view RequestHead::Get(std::string_view lower_name) const {
  for (const auto& [k, v] : headers)
    if (k == lower_name) return v;
  return {};
}

HeadResult ParseRequestHead(std::string_view in, const HeadLimits& limits, RequestHead* out) {
  size_t pos = 0;
  // Tolerate a few empty lines before the request line (RFC 9112 section 2.2).
  for (int i = 0; i < 4 && in.size() - pos >= 2 && in[pos] == '\r' && in[pos + 1] == '\n'; ++i) pos += 2;

  // The server parses again at every read, so each limit is judged the same on part of a head as on all of
  // it: a head within the limits is never refused because a read cut it somewhere (found by fuzz_http_server).
  const size_t max_line = limits.max_target_bytes + 64;
  bool bad = false;
  size_t end = LineEnd(in, pos, &bad);
  if (bad) return Error(400, "a line does not end with CRLF");
  if (end == std::string_view::npos) {
    size_t partial = in.size() - pos - (!in.empty() && in.back() == '\r' ? 1 : 0);  // (a final CR may end the line)
    if (partial > max_line) return Error(414, "request line too long");
    return {};
  }
  std::string_view line = in.substr(pos, end - pos);
  if (line.size() > max_line) return Error(414, "request line too long");
  size_t line_start = pos;
  pos = end + 2;

  // request-line = method SP request-target SP HTTP-version
  size_t sp1 = line.find(' ');
  if (sp1 == std::string_view::npos) return Error(400, "malformed request line");
  size_t sp2 = line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos)
    return Error(400, "malformed request line");
  std::string_view method = line.substr(0, sp1);
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::string_view version = line.substr(sp2 + 1);
  if (!IsToken(method)) return Error(400, "malformed method");
  if (target.size() > limits.max_target_bytes) return Error(414, "request target too long");
  if (target.empty()) return Error(400, "empty request target");
  for (unsigned char c : target)
    if (c <= 0x20 || c == 0x7f) return Error(400, "control character in the request target");
  // Another version (HTTP/2.0 sent as text, HTTP/9.9) is a 400 like any malformed request: a 505 would be
  // logged as a server error.
  if (version.size() != 8 || version.substr(0, 7) != "HTTP/1." || (version[7] != '0' && version[7] != '1'))
    return Error(400, "not an HTTP/1.0 or HTTP/1.1 request");

  RequestHead head;
  head.method.assign(method);
  head.target.assign(target);
  head.minor_version = version[7] - '0';
  head.keep_alive = head.minor_version == 1;

  int content_lengths = 0, transfer_encodings = 0, hosts = 0;
  std::string_view te_value;
  for (;;) {
    if (pos - line_start > limits.max_head_bytes) return Error(431, "request head too large");
    end = LineEnd(in, pos, &bad);
    if (bad) return Error(400, "a line does not end with CRLF");
    if (end == std::string_view::npos) {
      if (in.size() - line_start > limits.max_head_bytes) return Error(431, "request head too large");
      return {};
    }
    std::string_view field = in.substr(pos, end - pos);
    pos = end + 2;
    if (field.empty()) {  // the empty line: end of the head, which counts in its size
      if (pos - line_start > limits.max_head_bytes) return Error(431, "request head too large");
      break;
    }
    if (field.front() == ' ' || field.front() == '\t') return Error(400, "obsolete line folding");
    size_t colon = field.find(':');
    if (colon == std::string_view::npos) return Error(400, "header line without a colon");
    std::string_view name = field.substr(0, colon);
    if (!IsToken(name)) return Error(400, "malformed header name (or whitespace before the colon)");
    std::string_view value = TrimOws(field.substr(colon + 1));
    if (!IsFieldValue(value)) return Error(400, "control character in a header value");
    if (head.headers.size() >= limits.max_headers) return Error(431, "too many header fields");
    std::string lower(name);
    for (char& c : lower) c = Lower(c);
    if (lower == "content-length") {
      ++content_lengths;
      if (value.empty() || value.size() > 18 ||
          !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return Error(400, "invalid Content-Length");
      uint64_t n = 0;
      for (char c : value) n = n * 10 + static_cast<uint64_t>(c - '0');
      head.content_length = n;
    } else if (lower == "transfer-encoding") {
      ++transfer_encodings;
      te_value = value;
    } else if (lower == "host") {
      ++hosts;
    } else if (lower == "connection") {
      for (auto token : ListElements(value)) {
        if (EqualsIgnoreCase(token, "close"))
          head.keep_alive = false;
        else if (EqualsIgnoreCase(token, "keep-alive") && head.minor_version == 0)
          head.keep_alive = true;
      }
    } else if (lower == "expect") {
      if (!EqualsIgnoreCase(value, "100-continue")) return Error(417, "unsupported Expect");
      head.expect_continue = head.minor_version == 1;
    }
    head.headers.emplace_back(std::move(lower), std::string(value));
  }

  if (content_lengths > 1) return Error(400, "more than one Content-Length");
  if (transfer_encodings > 0) {
    if (content_lengths > 0) return Error(400, "both Content-Length and Transfer-Encoding");
    if (head.minor_version == 0) return Error(400, "Transfer-Encoding on HTTP/1.0");
    if (transfer_encodings > 1 || !EqualsIgnoreCase(te_value, "chunked"))
      return Error(400, "Transfer-Encoding other than chunked");
    head.framing = RequestHead::Framing::kChunked;
  } else if (content_lengths == 1) {
    head.framing = RequestHead::Framing::kLength;
  }
  if (hosts > 1) return Error(400, "more than one Host");
  if (hosts == 0 && head.minor_version == 1) return Error(400, "no Host header");

  *out = std::move(head);
  HeadResult r;
  r.kind = HeadResult::Kind::kDone;
  r.consumed = pos;
  return r;
}

ChunkedDecoder::Result ChunkedDecoder::Fail(int status, const char* reason) {
  error_status_ = status;
  error_reason_ = reason;
  return Result::kError;
}

ChunkedDecoder::Result ChunkedDecoder::Feed(std::string_view in, size_t* used, std::string* body) {
  constexpr size_t kMaxOverhead = 8192;
  size_t i = 0;
  while (i < in.size()) {
    switch (state_) {
      case State::kSize:
      case State::kTrailer: {
        // Read one line into line_ (bounded), up to and including CRLF.
        char c = in[i++];
        if (++overhead_ > kMaxOverhead) return Fail(400, "chunk extensions or trailers too long");
        if (c == '\n') {
          if (line_.empty() || line_.back() != '\r') return Fail(400, "chunk line does not end with CRLF");
          line_.pop_back();
          if (state_ == State::kTrailer) {
            if (line_.empty()) {
              state_ = State::kDone;
              *used = i;
              return Result::kDone;
            }
            line_.clear();
            break;
          }
          // chunk-size [ chunk-ext ]
          std::string_view l = line_;
          size_t semi = l.find(';');
          std::string_view hex = TrimOws(l.substr(0, semi));
          if (hex.empty() || hex.size() > 15) return Fail(400, "malformed chunk size");
          uint64_t n = 0;
          for (char h : hex) {
            int d = (h >= '0' && h <= '9')   ? h - '0'
                    : (h >= 'a' && h <= 'f') ? h - 'a' + 10
                    : (h >= 'A' && h <= 'F') ? h - 'A' + 10
                                             : -1;
            if (d < 0) return Fail(400, "malformed chunk size");
            n = n * 16 + static_cast<uint64_t>(d);
          }
          line_.clear();
          if (n == 0) {
            state_ = State::kTrailer;
            break;
          }
          if (total_ + n > max_body_) return Fail(413, "chunked body too large");
          remaining_ = n;
          state_ = State::kData;
        } else {
          if (!line_.empty() && line_.back() == '\r') return Fail(400, "bare CR in a chunk line");
          line_ += c;
        }
        break;
      }
      case State::kData: {
        size_t take = static_cast<size_t>(std::min<uint64_t>(remaining_, in.size() - i));
        body->append(in.data() + i, take);
        i += take;
        remaining_ -= take;
        total_ += take;
        if (remaining_ == 0) state_ = State::kDataCrlf;
        break;
      }
      case State::kDataCrlf: {
        line_ += in[i++];
        if (line_.size() == 2) {
          if (line_ != "\r\n") return Fail(400, "chunk data not followed by CRLF");
          line_.clear();
          state_ = State::kSize;
        } else if (line_[0] != '\r') {
          return Fail(400, "chunk data not followed by CRLF");
        }
        break;
      }
      case State::kDone:
        *used = i;
        return Result::kDone;
    }
  }
  *used = i;
  return state_ == State::kDone ? Result::kDone : Result::kNeedMore;
}

const char* ReasonPhrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 304:
      return "Not Modified";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 411:
      return "Length Required";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 417:
      return "Expectation Failed";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Unknown";
  }
}

std::string StatusLine(int status) {
  std::string s = "HTTP/1.1 ";
  s += std::to_string(status);
  s += ' ';
  s += ReasonPhrase(status);
  s += "\r\n";
  return s;
}

bool SafeHeader(std::string_view name, std::string_view value) {
  if (!IsToken(name)) return false;
  for (unsigned char c : value)
    if (c == '\r' || c == '\n' || c == 0) return false;
  return true;
}

}  // namespace entraide::http
