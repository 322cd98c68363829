// The HTTP/1.1 wire parser: request heads and chunked bodies, table-driven.
#include "http/http1.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <utility>

namespace entraide::http {
namespace {

struct HeadCase {
  const char* name;
  std::string input;
  HeadResult::Kind kind;
  int status;  // with kError
};

TEST(RequestHeadTest, AcceptsWellFormedHeadsAndRefusesAmbiguousOnes) {
  using K = HeadResult::Kind;
  const HeadCase cases[] = {
      {"simple GET", "GET / HTTP/1.1\r\nHost: x\r\n\r\n", K::kDone, 0},
      {"HTTP/1.0 without Host", "GET / HTTP/1.0\r\n\r\n", K::kDone, 0},
      {"leading empty line", "\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n", K::kDone, 0},
      {"incomplete head", "GET / HTTP/1.1\r\nHost: x\r\n", K::kIncomplete, 0},
      {"incomplete line", "GET / HT", K::kIncomplete, 0},
      {"CR at the very end", "GET / HTTP/1.1\r\nHost: x\r", K::kIncomplete, 0},
      {"two Content-Length", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n", K::kError,
       400},
      {"Content-Length and Transfer-Encoding",
       "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", K::kError, 400},
      {"Transfer-Encoding first",
       "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n", K::kError, 400},
      {"Content-Length with a sign", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +5\r\n\r\n", K::kError, 400},
      {"negative Content-Length", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", K::kError, 400},
      {"Content-Length list", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 5\r\n\r\n", K::kError, 400},
      {"Content-Length with letters", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 12abc\r\n\r\n", K::kError, 400},
      {"huge Content-Length", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n", K::kError,
       400},
      {"gzip transfer coding", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", K::kError, 400},
      {"chunked then gzip", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", K::kError, 400},
      {"two Transfer-Encoding",
       "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", K::kError,
       400},
      {"chunked on HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", K::kError, 400},
      {"space before the colon", "GET / HTTP/1.1\r\nHost: x\r\nContent-Length : 5\r\n\r\n", K::kError, 400},
      {"obsolete folding", "GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n 2\r\n\r\n", K::kError, 400},
      {"bare LF", "GET / HTTP/1.1\nHost: x\n\n", K::kError, 400},
      {"bare CR", "GET / HTTP/1.1\rHost: x\r\n\r\n", K::kError, 400},
      {"NUL in a value", std::string("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n", 38), K::kError, 400},
      {"no Host on 1.1", "GET / HTTP/1.1\r\n\r\n", K::kError, 400},
      {"two Host", "GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", K::kError, 400},
      {"HTTP/2 preface as text", "PRI * HTTP/2.0\r\n\r\n", K::kError, 400},
      {"unknown version", "GET / HTTP/9.9\r\nHost: x\r\n\r\n", K::kError, 400},
      {"two spaces", "GET  / HTTP/1.1\r\nHost: x\r\n\r\n", K::kError, 400},
      {"no version", "GET /\r\nHost: x\r\n\r\n", K::kError, 400},
      {"header without colon", "GET / HTTP/1.1\r\nHost: x\r\nnonsense\r\n\r\n", K::kError, 400},
      {"control character in the target", "GET /a\x01 HTTP/1.1\r\nHost: x\r\n\r\n", K::kError, 400},
      {"Expect other than 100-continue", "GET / HTTP/1.1\r\nHost: x\r\nExpect: 200-ok\r\n\r\n", K::kError, 417},
      {"target too long", "GET /" + std::string(9000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n", K::kError, 414},
      {"endless request line", "GET /" + std::string(9000, 'a'), K::kError, 414},
      {"head too large", "GET / HTTP/1.1\r\nHost: x\r\nX-A: " + std::string(17000, 'a') + "\r\n\r\n", K::kError, 431},
      {"endless header", "GET / HTTP/1.1\r\nHost: x\r\nX-A: " + std::string(17000, 'a'), K::kError, 431},
  };
  HeadLimits limits;
  for (const auto& c : cases) {
    RequestHead head;
    HeadResult r = ParseRequestHead(c.input, limits, &head);
    EXPECT_EQ(static_cast<int>(r.kind), static_cast<int>(c.kind)) << c.name << " (" << r.reason << ")";
    if (c.kind == K::kError) {
      EXPECT_EQ(r.status, c.status) << c.name;
    }
  }
}

// Found by fuzz_http_server: the server parses a head again at every read, so a head that is refused when a
// read cuts it at some byte must be refused whole too (a head of max_head_bytes + 2 was accepted in one read,
// refused with 431 when it came in two; a long method, the same with 414).
TEST(RequestHeadTest, EveryLimitJudgesAHeadTheSameWhereverAReadCutsIt) {
  HeadLimits limits;
  limits.max_target_bytes = 64;
  limits.max_head_bytes = 256;
  auto head_of = [](size_t size) {
    std::string start = "GET / HTTP/1.1\r\nHost: x\r\nX-Pad: ";
    return start + std::string(size - start.size() - 4, 'p') + "\r\n\r\n";
  };
  auto line_of = [](size_t size) {
    std::string end = " / HTTP/1.0";
    return std::string(size - end.size(), 'M') + end + "\r\n\r\n";
  };
  const std::pair<std::string, HeadResult::Kind> cases[] = {
      {head_of(256), HeadResult::Kind::kDone},
      {head_of(257), HeadResult::Kind::kError},
      {head_of(258), HeadResult::Kind::kError},
      {line_of(128), HeadResult::Kind::kDone},  // request line: max_target_bytes + 64
      {line_of(129), HeadResult::Kind::kError},
  };
  for (const auto& [in, whole] : cases) {
    RequestHead head;
    HeadResult r = ParseRequestHead(in, limits, &head);
    EXPECT_EQ(r.kind, whole) << in.size() << " bytes: " << r.reason;
    for (size_t n = 0; n < in.size(); ++n) {
      HeadResult part = ParseRequestHead(std::string_view(in).substr(0, n), limits, &head);
      if (whole == HeadResult::Kind::kDone)
        EXPECT_EQ(part.kind, HeadResult::Kind::kIncomplete) << n << ": " << part.reason;
      else
        EXPECT_NE(part.kind, HeadResult::Kind::kDone) << n;
    }
  }
}

TEST(RequestHeadTest, TooManyHeaderFieldsIs431) {
  std::string in = "GET / HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 120; ++i) in += "X-" + std::to_string(i) + ": 1\r\n";
  in += "\r\n";
  RequestHead head;
  HeadResult r = ParseRequestHead(in, HeadLimits{}, &head);
  EXPECT_EQ(r.kind, HeadResult::Kind::kError);
  EXPECT_EQ(r.status, 431);
}

TEST(RequestHeadTest, ReadsFramingKeepAliveAndHeaders) {
  std::string in =
      "POST /api/v1/x?y=1 HTTP/1.1\r\nHost: example\r\nX-Custom:   spaced value  \r\nContent-Length: 12\r\n"
      "Expect: 100-continue\r\n\r\nhello world!GET";
  RequestHead head;
  HeadResult r = ParseRequestHead(in, HeadLimits{}, &head);
  ASSERT_EQ(r.kind, HeadResult::Kind::kDone);
  EXPECT_EQ(in.substr(r.consumed), "hello world!GET") << "consumed stops at the end of the head";
  EXPECT_EQ(head.method, "POST");
  EXPECT_EQ(head.target, "/api/v1/x?y=1");
  EXPECT_EQ(head.framing, RequestHead::Framing::kLength);
  EXPECT_EQ(head.content_length, 12u);
  EXPECT_TRUE(head.keep_alive);
  EXPECT_TRUE(head.expect_continue);
  EXPECT_EQ(head.Get("x-custom"), "spaced value");

  RequestHead closing;
  ASSERT_EQ(ParseRequestHead("GET / HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, Close\r\n\r\n", {}, &closing).kind,
            HeadResult::Kind::kDone);
  EXPECT_FALSE(closing.keep_alive);
  RequestHead old;
  ASSERT_EQ(ParseRequestHead("GET / HTTP/1.0\r\n\r\n", {}, &old).kind, HeadResult::Kind::kDone);
  EXPECT_FALSE(old.keep_alive) << "HTTP/1.0 closes unless asked";
  ASSERT_EQ(ParseRequestHead("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", {}, &old).kind,
            HeadResult::Kind::kDone);
  EXPECT_TRUE(old.keep_alive);
  RequestHead chunked;
  ASSERT_EQ(ParseRequestHead("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked\r\n\r\n", {}, &chunked).kind,
            HeadResult::Kind::kDone);
  EXPECT_EQ(chunked.framing, RequestHead::Framing::kChunked);
}

// Feeds `in` to a decoder one byte at a time, and all at once; both must agree.
ChunkedDecoder::Result Decode(const std::string& in, uint64_t max, std::string* body, size_t* used_total, int* status) {
  ChunkedDecoder whole(max);
  std::string b1;
  size_t used = 0;
  auto r1 = whole.Feed(in, &used, &b1);
  ChunkedDecoder bytes(max);
  std::string b2;
  size_t total = 0;
  auto r2 = ChunkedDecoder::Result::kNeedMore;
  for (size_t i = 0; i < in.size() && r2 == ChunkedDecoder::Result::kNeedMore; ++i) {
    size_t u = 0;
    r2 = bytes.Feed(std::string_view(in).substr(i, 1), &u, &b2);
    total += u;
  }
  EXPECT_EQ(static_cast<int>(r1), static_cast<int>(r2)) << in;
  if (r1 != ChunkedDecoder::Result::kError) {
    EXPECT_EQ(b1, b2);
    EXPECT_EQ(used, total);
  }
  *body = b1;
  *used_total = used;
  *status = whole.error_status();
  return r1;
}

TEST(ChunkedDecoderTest, DecodesInAnyPiecesAndStopsAtTheEnd) {
  std::string body;
  size_t used = 0;
  int status = 0;
  std::string in = "5;ext=1\r\nhello\r\nA\r\n, chunked!\r\n0\r\nTrailer: x\r\n\r\nGET / HTTP/1.1";
  ASSERT_EQ(Decode(in, 1000, &body, &used, &status), ChunkedDecoder::Result::kDone);
  EXPECT_EQ(body, "hello, chunked!");
  EXPECT_EQ(in.substr(used), "GET / HTTP/1.1") << "what follows the body is the next request's";
  ASSERT_EQ(Decode("3\r\nabc\r\n", 1000, &body, &used, &status), ChunkedDecoder::Result::kNeedMore);
}

TEST(ChunkedDecoderTest, RefusesMalformedAndOversizedBodies) {
  const std::pair<std::string, int> cases[] = {
      {"zz\r\nabc\r\n0\r\n\r\n", 400},
      {"3\r\nabcX\r\n0\r\n\r\n", 400},   // data not followed by CRLF
      {"3\nabc\r\n0\r\n\r\n", 400},      // bare LF
      {"3\r\r\nabc\r\n0\r\n\r\n", 400},  // bare CR
      {"-3\r\nabc\r\n0\r\n\r\n", 400},
      {"ffffffffffffffffff\r\n", 400},                // size overflow
      {"800\r\n", 413},                               // 2048 bytes over a 1000-byte limit
      {"1;" + std::string(9000, 'x') + "\r\n", 400},  // endless extension
  };
  for (const auto& [in, expected] : cases) {
    std::string body;
    size_t used = 0;
    int status = 0;
    EXPECT_EQ(Decode(in, 1000, &body, &used, &status), ChunkedDecoder::Result::kError) << in.substr(0, 40);
    EXPECT_EQ(status, expected) << in.substr(0, 40);
  }
}

TEST(SafeHeaderTest, RefusesLineBreaksAndBadNames) {
  EXPECT_TRUE(SafeHeader("Location", "/fr/a?b=c"));
  EXPECT_FALSE(SafeHeader("Location", "/fr/\r\nSet-Cookie: x=1"));
  EXPECT_FALSE(SafeHeader("Location", "/fr/\nx"));
  EXPECT_FALSE(SafeHeader("Bad Name", "v"));
  EXPECT_FALSE(SafeHeader("", "v"));
}

}  // namespace
}  // namespace entraide::http
