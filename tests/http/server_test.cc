// The HTTP server's defences, on a real loopback socket with a small router of its own: deadlines, caps,
// framing (one request per request), uploads checked before they touch the disk, answers that say nothing
// internal. Clients connect from several 127.0.0.0/8 addresses to act as several people.
#include "http/server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "core/strings.h"
#include "test_util.h"

namespace entraide::http {
namespace {

using entraide::testing::Connection;
using entraide::testing::HttpResponse;
using entraide::testing::TempDir;
using Ms = std::chrono::milliseconds;

int64_t ElapsedMs(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration_cast<Ms>(std::chrono::steady_clock::now() - since).count();
}

// A new visitor from `source` asks for /ok and is answered 200 within 500 ms, connection included (`why` says
// what would have held it).
void ExpectAVisitorServedAtOnce(int port, const std::string& source, const std::string& why) {
  auto start = std::chrono::steady_clock::now();
  Connection visitor(port, source);
  visitor.Send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(visitor.Read(2000).status, 200) << why;
  EXPECT_LT(ElapsedMs(start), 500) << why;
}

// A new connection from `source` that has had its answer (200) to GET `target`, kept open.
std::unique_ptr<Connection> Served(int port, const std::string& source, const std::string& target = "/ok") {
  auto c = std::make_unique<Connection>(port, source);
  c->Send("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(c->Read().status, 200) << source << " " << target;
  return c;
}

class HttpServerTest : public ::testing::Test {
 protected:
  // Starts a server with `tune` applied to small, test-sized options.
  void Start(const std::function<void(ServerOptions&)>& tune = {}) {
    router_.Add("GET", "/ok", [](Request&) { return Response::Text(200, "ok\n"); });
    router_.Add("GET", "/addr", [](Request& r) { return Response::Text(200, r.remote_addr); });
    router_.Add("POST", "/echo", [this](Request& r) {
      ++handled_;
      return Response::Text(200, "got " + std::to_string(r.body.size()) + ": " + r.body);
    });
    router_.Add("GET", "/sleep", [](Request& r) {
      std::this_thread::sleep_for(Ms(std::stoi(r.Query("ms"))));
      return Response::Text(200, "slept\n");
    });
    // Answered by the event loop unless ?hit=0: then the FastHandler declines and a worker runs the handler.
    router_.Add(
        "GET", "/fast", [](Request& r) { return Response::Text(200, "worker " + r.Query("n") + "\n"); },
        [](Request& r) -> std::optional<Response> {
          if (r.Query("hit") == "0") return std::nullopt;
          return Response::Text(200, "loop " + r.Query("n") + "\n");
        });
    router_.Add("GET", "/delayed", [](Request&) {
      Response r = Response::Text(200, "later\n");
      r.delay_ms = 1500;
      return r;
    });
    router_.Add("GET", "/big", [](Request&) {
      Response r = Response::Text(200, std::string(4 << 20, 'x'));
      r.compressible = false;
      return r;
    });
    router_.Add("GET", "/file", [this](Request&) {
      // A file whose path is gone once it is open, as exports are sent.
      std::string path = files_.Join("export-" + std::to_string(++file_count_));
      std::ofstream(path, std::ios::binary) << FileContent();
      auto file = BodyFile::Open(path);
      std::filesystem::remove(path);
      if (!file.ok()) return Response::Text(500, file.status().message());
      Response r;
      r.content_type = "application/zip";
      r.file = *file;
      return r;
    });
    router_.Add("GET", "/boom", [](Request&) -> Response {
      throw std::runtime_error("sqlite: database is locked (/secret/path/entraide.db)");
    });
    router_.Add("GET", "/inject", [](Request&) {
      Response r = Response::Text(200, "x");
      r.Header("Location", "/a\r\nSet-Cookie: evil=1");
      return r;
    });
    router_.Add("POST", "/upload", [this](Request& r) {
      ++handled_;
      std::string out = "files=" + std::to_string(r.uploads.size());
      for (const auto& [k, v] : r.form) out += " " + k + "=" + v;
      for (const auto& f : r.uploads) out += " " + f.filename + ":" + std::to_string(f.size);
      return Response::Text(200, out);
    });
    options_.port = 0;
    options_.threads = 4;
    options_.queue = 16;
    options_.header_timeout_s = 2;
    options_.keepalive_timeout_s = 2;
    options_.min_rate_bytes = 200;
    options_.upload_dir = uploads_.path();
    options_.access_log = false;
    if (tune) tune(options_);
    fallbacks_.error_page = [](const Request& req, int status) {
      return Response::Text(status, "error " + std::to_string(status) + " ref " + req.id + "\n");
    };
    fallbacks_.upload_check = [](const Request& req) {
      if (req.Cookie("sid") == "good") return UploadCheck{0, std::string(43, 'T')};
      return UploadCheck{401, ""};
    };
    server_ = std::make_unique<Server>(router_, options_, fallbacks_);
    ASSERT_TRUE(server_->Start().ok());
  }
  void TearDown() override {
    if (server_) server_->Stop();
  }
  int port() const { return server_->port(); }
  int UploadFiles() const {
    int n = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(uploads_.path())) ++n;
    return n;
  }

  // Sends `bytes` and expects one answer with `status`, then the connection closed: the request hidden
  // after it ("GET /ok", which would answer 200) never gets an answer.
  void ExpectClosedWithoutAnsweringTheSmuggledRequest(const std::string& bytes, int status, const char* what) {
    Connection c(port());
    ASSERT_TRUE(c.connected());
    c.Send(bytes);
    HttpResponse r = c.Read(5000);
    EXPECT_EQ(r.status, status) << what;
    EXPECT_EQ(r.Header("connection"), "close") << what;
    HttpResponse smuggled = c.Read(1500);
    EXPECT_EQ(smuggled.status, 0) << what << ": the bytes after the body were answered as a request";
    EXPECT_TRUE(c.ClosedByPeer(3000)) << what;
  }

  // 16 MiB that no two offsets share, so a byte out of place shows.
  static const std::string& FileContent() {
    static const std::string content = [] {
      std::string c(16 << 20, '\0');
      uint32_t x = 2463534242u;
      for (auto& ch : c) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        ch = static_cast<char>(x);
      }
      return c;
    }();
    return content;
  }

  TempDir uploads_, files_;
  std::atomic<int> file_count_{0};
  Router router_;
  ServerOptions options_;
  Fallbacks fallbacks_;
  std::unique_ptr<Server> server_;
  std::atomic<int> handled_{0};
};

const std::string kSmuggled = "GET /ok HTTP/1.1\r\nHost: x\r\n\r\n";

TEST_F(HttpServerTest, RequestHeadMustArriveWithinTheDeadlineNotPerRead) {
  Start();
  Connection c(port());
  auto start = std::chrono::steady_clock::now();
  // One byte every 300 ms: every read is quick, the head as a whole is not.
  std::string head = "GET /ok HTTP/1.1\r\nHost: x\r\nX-Slow: " + std::string(40, 'a');
  bool closed = false;
  for (char ch : head) {
    if (!c.Send(std::string(1, ch))) {
      closed = true;
      break;
    }
    if (c.ClosedByPeer(300)) {
      closed = true;
      break;
    }
  }
  EXPECT_TRUE(closed || c.ClosedByPeer(2000));
  int64_t ms = ElapsedMs(start);
  EXPECT_GE(ms, 1900) << "closed before the 2 s deadline";
  EXPECT_LT(ms, 4000) << "the deadline is for the whole head";
  EXPECT_EQ(server_->stats().timeouts, 1);
}

TEST_F(HttpServerTest, SilentNewConnectionsAreClosedAfterTheHeaderTimeout) {
  Start();
  Connection c(port());
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(c.ClosedByPeer(5000));
  EXPECT_GE(ElapsedMs(start), 1900);
}

TEST_F(HttpServerTest, ConnectionsBeyondThePerAddressCapAreClosedAtOnce) {
  Start([](ServerOptions& o) { o.max_connections_per_address = 3; });
  std::vector<std::unique_ptr<Connection>> held;
  for (int i = 0; i < 3; ++i) held.push_back(std::make_unique<Connection>(port(), "127.0.0.5"));
  // Let the loop accept them, in order.
  for (auto& c : held) {
    c->Send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(c->Read().status, 200);
  }
  Connection fourth(port(), "127.0.0.5");
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(fourth.ClosedByPeer(1000)) << "the fourth connection from one address is closed";
  EXPECT_LT(ElapsedMs(start), 500);
  Connection other(port(), "127.0.0.6");
  other.Send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(other.Read().status, 200) << "another address is not affected";
  held.pop_back();  // one closes: a new one from the first address is welcome again
  for (int attempt = 0; attempt < 50; ++attempt) {
    Connection again(port(), "127.0.0.5");
    again.Send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
    if (again.Read(1000).status == 200) return;
    std::this_thread::sleep_for(Ms(20));  // the server has not seen the close yet
  }
  ADD_FAILURE() << "a freed place was never given back";
}

TEST_F(HttpServerTest, TrustedProxiesAreNotCappedAndNameTheClient) {
  Start([](ServerOptions& o) {
    o.max_connections_per_address = 2;
    o.trusted_proxies = {"127.0.0.7/32", "::1"};
  });
  std::vector<std::unique_ptr<Connection>> via_proxy;
  for (int i = 0; i < 6; ++i) {
    via_proxy.push_back(std::make_unique<Connection>(port(), "127.0.0.7"));
    via_proxy.back()->Send("GET /addr HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 198.51.100.4, 203.0.113." +
                           std::to_string(i) + "\r\n\r\n");
  }
  for (int i = 0; i < 6; ++i) {
    HttpResponse r = via_proxy[i]->Read();
    EXPECT_EQ(r.status, 200) << i;
    EXPECT_EQ(r.body, "203.0.113." + std::to_string(i)) << "the right-most address the proxy saw";
  }
  // Another proxy hop that is itself trusted is skipped; garbage stops the walk.
  Connection chained(port(), "127.0.0.7");
  chained.Send("GET /addr HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 192.0.2.1, 127.0.0.7\r\n\r\n");
  EXPECT_EQ(chained.Read().body, "192.0.2.1");
  chained.Send("GET /addr HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 192.0.2.1, not-an-address\r\n\r\n");
  EXPECT_EQ(chained.Read().body, "127.0.0.7");
  // Anyone else's X-Forwarded-For is ignored.
  Connection direct(port(), "127.0.0.8");
  direct.Send("GET /addr HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 10.9.9.9\r\n\r\n");
  EXPECT_EQ(direct.Read().body, "127.0.0.8");
}

TEST_F(HttpServerTest, IdleKeepAliveConnectionsHoldNoWorker) {
  Start([](ServerOptions& o) {
    o.threads = 1;
    o.keepalive_timeout_s = 30;
  });
  std::vector<std::unique_ptr<Connection>> idle;
  for (int i = 0; i < 6; ++i) idle.push_back(Served(port(), "127.0.1." + std::to_string(i + 1)));
  // Six idle keep-alive connections and one worker: a new visitor is still served at once.
  ExpectAVisitorServedAtOnce(port(), "127.0.2.1", "six idle keep-alive connections");
  // And the idle ones still work.
  idle[0]->Send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(idle[0]->Read().status, 200);
}

TEST_F(HttpServerTest, BodyBelowTheMinimumRateIsDroppedWithoutReachingAHandler) {
  Start([](ServerOptions& o) {
    o.header_timeout_s = 1;
    o.min_rate_bytes = 100;
  });
  Connection c(port());
  c.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nabcdefghij");
  auto start = std::chrono::steady_clock::now();
  bool closed = false;
  for (int i = 0; i < 40 && !closed; ++i) {
    if (!c.Send("k")) break;
    closed = c.ClosedByPeer(200);
  }
  EXPECT_TRUE(closed || c.ClosedByPeer(3000));
  EXPECT_LT(ElapsedMs(start), 5000);
  EXPECT_EQ(handled_.load(), 0);
  // A body that keeps up is fine.
  Connection ok(port());
  ok.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
  EXPECT_EQ(ok.Read().body, "got 5: hello");
}

TEST_F(HttpServerTest, SlowReadersAndDelayedAnswersHoldNoWorker) {
  Start([](ServerOptions& o) { o.threads = 1; });
  // A client that asks for 4 MiB and reads nothing.
  Connection reader(port(), "127.0.3.1");
  int small = 4096;
  setsockopt(reader.fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  reader.Send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n");
  // A throttled answer due in 1.5 s.
  Connection delayed(port(), "127.0.3.2");
  delayed.Send("GET /delayed HTTP/1.1\r\nHost: x\r\n\r\n");
  std::this_thread::sleep_for(Ms(200));
  auto start = std::chrono::steady_clock::now();
  ExpectAVisitorServedAtOnce(port(), "127.0.3.3", "the only worker was held");
  HttpResponse later = delayed.Read(5000);
  EXPECT_EQ(later.body, "later\n");
  EXPECT_GE(ElapsedMs(start), 1000) << "the delay was not applied";
}

TEST_F(HttpServerTest, AFileBodyReachesASlowReaderWholeWithoutHoldingAWorker) {
  Start([](ServerOptions& o) { o.threads = 1; });
  // 16 MiB: more than the kernel buffers while the reader reads nothing, so the worker meets a full socket.
  Connection reader(port(), "127.0.3.5");
  reader.Send("GET /file HTTP/1.1\r\nHost: x\r\n\r\n");
  std::this_thread::sleep_for(Ms(300));
  ExpectAVisitorServedAtOnce(port(), "127.0.3.6", "the only worker was held by the download");
  HttpResponse r = reader.Read(20000);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("content-length"), std::to_string(FileContent().size()));
  EXPECT_EQ(r.Header("content-encoding"), "");
  EXPECT_TRUE(r.body == FileContent()) << "the file arrived changed (" << r.body.size() << " bytes)";
  reader.Send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(reader.Read(2000).body, "ok\n") << "the connection goes on to its next request";
}

TEST_F(HttpServerTest, HeadOfAFileBodySaysItsSizeAndSendsNothingElse) {
  Start();
  // Read raw: the test client would wait for the body a Content-Length announces.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port()));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  std::string both = "HEAD /file HTTP/1.1\r\nHost: x\r\n\r\nGET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  ASSERT_EQ(::send(fd, both.data(), both.size(), 0), static_cast<ssize_t>(both.size()));
  std::string got;
  char buf[65536];
  pollfd p{fd, POLLIN, 0};
  while (::poll(&p, 1, 3000) > 0) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    got.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  EXPECT_NE(got.find("Content-Length: " + std::to_string(FileContent().size()) + "\r\n"), std::string::npos) << got;
  EXPECT_TRUE(core::EndsWith(got, "\r\n\r\nok\n")) << "HEAD sent a body:\n" << got.substr(0, 2000);
  EXPECT_LT(got.size(), 2000u);
}

TEST_F(HttpServerTest, AClientLeavingMidDownloadEndsOnlyItsConnection) {
  // sendfile(2) takes no MSG_NOSIGNAL, and Linux may raise SIGPIPE when it writes to a reset connection (a
  // process that does not ignore it, like this one, then ends): the server's threads block it. On the kernel
  // where this was written the write fails with EPIPE without the signal, so this checks the outcome only.
  Start();
  for (int i = 0; i < 3; ++i) {
    Connection leaver(port(), "127.0.3.7");
    int small = 4096;
    setsockopt(leaver.fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    leaver.Send("GET /file HTTP/1.1\r\nHost: x\r\n\r\n");
    std::this_thread::sleep_for(Ms(100));
    // Half-closed first (the server's side goes to CLOSE_WAIT), then reset: Linux reports EPIPE, with SIGPIPE, to
    // the server's next write.
    ::shutdown(leaver.fd(), SHUT_WR);
    std::this_thread::sleep_for(Ms(50));
    struct linger hard = {1, 0};
    setsockopt(leaver.fd(), SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
  }
  std::this_thread::sleep_for(Ms(300));
  Connection visitor(port(), "127.0.3.8");
  visitor.Send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(visitor.Read(2000).status, 200);
}

TEST_F(HttpServerTest, AFullQueueAnswers503AtOnce) {
  Start([](ServerOptions& o) {
    o.threads = 1;
    o.queue = 1;
  });
  Connection busy(port(), "127.0.4.1");
  busy.Send("GET /sleep?ms=1500 HTTP/1.1\r\nHost: x\r\n\r\n");
  std::this_thread::sleep_for(Ms(200));
  Connection waiting(port(), "127.0.4.2");
  waiting.Send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
  std::this_thread::sleep_for(Ms(200));
  Connection refused(port(), "127.0.4.3");
  auto start = std::chrono::steady_clock::now();
  refused.Send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
  HttpResponse r = refused.Read(1000);
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.Header("retry-after"), "5");
  EXPECT_LT(ElapsedMs(start), 500);
  EXPECT_EQ(waiting.Read(5000).status, 200) << "the queued request is served";
  EXPECT_EQ(busy.Read(5000).status, 200);
}

TEST_F(HttpServerTest, AmbiguousFramingIsA400AndTheConnectionCloses) {
  Start();
  const std::pair<std::string, const char*> cases[] = {
      {"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc", "two Content-Length"},
      {"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
       "Content-Length with Transfer-Encoding"},
      {"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3x\r\n\r\nabc", "an invalid Content-Length"},
      {"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", "another coding"},
      {"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length : 3\r\n\r\nabc", "a space before the colon"},
      {"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n", "a bad chunk"},
  };
  for (const auto& [bytes, what] : cases) ExpectClosedWithoutAnsweringTheSmuggledRequest(bytes + kSmuggled, 400, what);
  EXPECT_EQ(handled_.load(), 0);
}

TEST_F(HttpServerTest, AnswersBeforeTheBodyWasReadCloseTheConnection) {
  Start([](ServerOptions& o) { o.max_body_bytes = 100; });
  // The smuggled request sits inside the declared body of each.
  ExpectClosedWithoutAnsweringTheSmuggledRequest(
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n" + kSmuggled, 413, "413 before the body");
  ExpectClosedWithoutAnsweringTheSmuggledRequest(
      "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data\r\nContent-Length: 60\r\n\r\n" + kSmuggled,
      400, "multipart without a boundary");
  // A multipart request whose declared body ends with the smuggled request.
  auto multipart = [](bool session, const std::string& parts) {
    std::string body = parts + kSmuggled;
    return std::string("POST /upload HTTP/1.1\r\nHost: x\r\n") + (session ? "Cookie: sid=good\r\n" : "") +
           "Content-Type: multipart/form-data; boundary=b\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\n\r\n" + body;
  };
  std::string many;
  for (int i = 0; i < 101; ++i) many += "--b\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nv\r\n";
  ExpectClosedWithoutAnsweringTheSmuggledRequest(multipart(true, many + "--b--\r\n"), 400, "more than 100 parts");
  std::string file = "--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\r\n\r\nhello\r\n--b--\r\n";
  ExpectClosedWithoutAnsweringTheSmuggledRequest(multipart(false, file), 401, "a file without a session");
  ExpectClosedWithoutAnsweringTheSmuggledRequest(multipart(true, file), 403, "a file before the CSRF token");
  ExpectClosedWithoutAnsweringTheSmuggledRequest(multipart(true, "this is not a multipart body at all\r\n"), 400,
                                                 "a malformed multipart body (a parser exception)");
  EXPECT_EQ(handled_.load(), 0);
  EXPECT_EQ(UploadFiles(), 0);
}

// A client that writes its whole body before reading (as most do) still gets the early answer: the server
// reads and discards the rest instead of closing with unread bytes, which would reset the connection.
TEST_F(HttpServerTest, AnEarlyAnswerReachesAClientThatIsStillSendingItsBody) {
  Start([](ServerOptions& o) { o.max_body_bytes = 1000; });
  for (int attempt = 0; attempt < 5; ++attempt) {
    Connection c(port());
    std::string body(3 << 20, 'x');
    c.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n");
    EXPECT_TRUE(c.Send(body)) << "the server reset the connection while the body was on its way";
    HttpResponse r = c.Read(5000);
    EXPECT_EQ(r.status, 413) << "attempt " << attempt;
    EXPECT_TRUE(c.ClosedByPeer(3000));
  }
  EXPECT_EQ(handled_.load(), 0);
  // The server is free for the next visitor.
  EXPECT_EQ(entraide::testing::RawRequest(port(), "GET /ok HTTP/1.1\r\nHost: x\r\n\r\n").status, 200);
}

TEST_F(HttpServerTest, ABodyIsNeverReadAsTheNextRequest) {
  Start();
  Connection c(port());
  // A GET with a body a handler ignores, and a chunked POST whose data looks like a request.
  std::string chunk = "GET /ok HTTP/1.1\r\nHost: x\r\n\r\n";
  char size[16];
  std::snprintf(size, sizeof size, "%zx", chunk.size());
  c.Send("GET /ok HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(kSmuggled.size()) + "\r\n\r\n" + kSmuggled +
         "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + size + "\r\n" + chunk +
         "\r\n0\r\n\r\nGET /addr HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(c.Read().body, "ok\n");
  EXPECT_EQ(c.Read().body, "got " + std::to_string(chunk.size()) + ": " + chunk);
  EXPECT_EQ(c.Read().body, "127.0.0.1");
  EXPECT_EQ(c.Read(1000).status, 0) << "three requests, three answers";
}

TEST_F(HttpServerTest, ExpectContinueGetsAnInterimAnswer) {
  Start();
  Connection c(port());
  c.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
  // The raw bytes: the interim answer comes before the body is sent.
  char buf[64] = {};
  pollfd p{c.fd(), POLLIN, 0};
  ASSERT_EQ(::poll(&p, 1, 2000), 1);
  ssize_t n = ::recv(c.fd(), buf, sizeof buf - 1, 0);
  ASSERT_GT(n, 0);
  EXPECT_EQ(std::string(buf, static_cast<size_t>(n)), "HTTP/1.1 100 Continue\r\n\r\n");
  c.Send("hello");
  EXPECT_EQ(c.Read().body, "got 5: hello");
}

std::string UploadRequest(const std::string& body, const std::string& extra_headers = "") {
  return "POST /upload HTTP/1.1\r\nHost: x\r\nCookie: sid=good\r\n" + extra_headers +
         "Content-Type: multipart/form-data; boundary=b\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
}

TEST_F(HttpServerTest, UploadsAreWrittenOnlyAfterTheSessionAndTheToken) {
  Start();
  std::string token(43, 'T');
  std::string csrf_part = "--b\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n" + token + "\r\n";
  std::string file = "--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\r\n\r\nhello\r\n";
  // The token first, then the file: accepted.
  HttpResponse ok = entraide::testing::RawRequest(port(), UploadRequest(csrf_part + file + "--b--\r\n"));
  EXPECT_EQ(ok.status, 200);
  EXPECT_NE(ok.body.find("files=1"), std::string::npos) << ok.body;
  EXPECT_NE(ok.body.find("a.txt:5"), std::string::npos) << ok.body;
  // The token in X-CSRF-Token: accepted.
  HttpResponse header =
      entraide::testing::RawRequest(port(), UploadRequest(file + "--b--\r\n", "X-CSRF-Token: " + token + "\r\n"));
  EXPECT_EQ(header.status, 200);
  // A wrong token, or the token after the file: refused, nothing written.
  std::string wrong = "--b\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nnope\r\n";
  EXPECT_EQ(entraide::testing::RawRequest(port(), UploadRequest(wrong + file + "--b--\r\n")).status, 403);
  EXPECT_EQ(entraide::testing::RawRequest(port(), UploadRequest(file + csrf_part + "--b--\r\n")).status, 403);
  // No session: fields alone are read (RFC 8058's one-click unsubscribe may be multipart), files are not.
  std::string field = "--b\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\nOne-Click\r\n--b--\r\n";
  HttpResponse anonymous = entraide::testing::RawRequest(
      port(), "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: " +
                  std::to_string(field.size()) + "\r\n\r\n" + field);
  EXPECT_EQ(anonymous.status, 200);
  EXPECT_NE(anonymous.body.find("List-Unsubscribe=One-Click"), std::string::npos);
  EXPECT_EQ(UploadFiles(), 0) << "temp files are removed once the request is answered";
}

TEST_F(HttpServerTest, AnAbandonedUploadLeavesNoFileAndLeftoversGoAtStart) {
  {
    std::ofstream(uploads_.Join("upload-leftover1")) << "from a killed process";
    std::ofstream(uploads_.Join("keep-me")) << "not ours";
  }
  Start();
  EXPECT_FALSE(std::filesystem::exists(uploads_.Join("upload-leftover1")));
  EXPECT_TRUE(std::filesystem::exists(uploads_.Join("keep-me")));
  std::filesystem::remove(uploads_.Join("keep-me"));
  {
    Connection c(port());
    std::string token(43, 'T');
    std::string start = "--b\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n" + token +
                        "\r\n--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"big.bin\"\r\n\r\n" +
                        std::string(200000, 'z');
    c.Send(
        "POST /upload HTTP/1.1\r\nHost: x\r\nCookie: sid=good\r\nContent-Type: multipart/form-data; boundary=b\r\n"
        "Content-Length: 5000000\r\n\r\n" +
        start);
    for (int i = 0; i < 100 && UploadFiles() == 0; ++i) std::this_thread::sleep_for(Ms(10));
    EXPECT_EQ(UploadFiles(), 1) << "the upload is being written";
  }  // the client goes away mid-upload
  for (int i = 0; i < 300 && UploadFiles() > 0; ++i) std::this_thread::sleep_for(Ms(10));
  EXPECT_EQ(UploadFiles(), 0);
  EXPECT_EQ(handled_.load(), 0);
}

TEST_F(HttpServerTest, ServerErrorsSayNothingInternalAndCarryARequestId) {
  Start();
  HttpResponse r = entraide::testing::RawRequest(port(), "GET /boom HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body.find("database is locked"), std::string::npos);
  EXPECT_EQ(r.body.find("/secret/path"), std::string::npos);
  std::string id = r.Header("x-request-id");
  EXPECT_EQ(id.size(), 12u);
  EXPECT_NE(r.body.find(id), std::string::npos) << "the error page shows the reference";
  HttpResponse other = entraide::testing::RawRequest(port(), "GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_NE(other.Header("x-request-id"), id);
}

TEST_F(HttpServerTest, HeadersWithLineBreaksAreNeverSent) {
  Start();
  HttpResponse r = entraide::testing::RawRequest(port(), "GET /inject HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.Header("location").empty());
  EXPECT_TRUE(r.Header("set-cookie").empty());
}

TEST_F(HttpServerTest, StopFinishesARequestInFlightAndClosesIdleConnections) {
  Start();
  Connection idle(port());
  idle.Send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_EQ(idle.Read().status, 200);
  Connection working(port());
  working.Send("GET /sleep?ms=800 HTTP/1.1\r\nHost: x\r\n\r\n");
  std::this_thread::sleep_for(Ms(200));
  std::thread stopper([this] { server_->Stop(); });
  HttpResponse r = working.Read(5000);
  EXPECT_EQ(r.status, 200) << "the request in flight was answered";
  EXPECT_EQ(r.Header("connection"), "close");
  EXPECT_TRUE(idle.ClosedByPeer(3000));
  stopper.join();
}

// The status and body of each Content-Length framed response in `out`, in order.
std::vector<std::pair<int, std::string>> Answers(std::string_view out) {
  std::vector<std::pair<int, std::string>> answers;
  while (!out.empty()) {
    size_t end = out.find("\r\n\r\n");
    size_t length_at = out.find("Content-Length: ");
    if (end == std::string_view::npos || length_at > end) break;
    size_t length = std::stoul(std::string(out.substr(length_at + 16, out.find("\r\n", length_at) - length_at - 16)));
    answers.emplace_back(std::stoi(std::string(out.substr(9, 3))), std::string(out.substr(end + 4, length)));
    out.remove_prefix(std::min(out.size(), end + 4 + length));
  }
  return answers;
}

TEST_F(HttpServerTest, ServeForTestingAnswersAsTheServerDoesOnASocket) {
  Start();
  std::string token(43, 'T');
  std::string upload =
      "--b\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n" + token +
      "\r\n--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\r\n\r\nhello\r\n--b--\r\n";
  std::string bytes =
      "GET /ok HTTP/1.1\r\nHost: x\r\n\r\n"
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
      "GET /missing HTTP/1.1\r\nHost: x\r\n\r\n" +
      UploadRequest(upload) + "GET /addr HTTP/1.1\r\nHost: x\r\n\r\n" +
      "GET /ok HTTP/1.1\r\nHost: x\r\nContent-Length: 1x\r\n\r\n";
  Connection c(port());
  c.Send(bytes);
  std::vector<std::pair<int, std::string>> socket;
  for (HttpResponse r = c.Read(); r.status != 0; r = c.Read(1000)) socket.emplace_back(r.status, r.body);
  ASSERT_EQ(socket.size(), 7u);

  Server offline(router_, options_, fallbacks_);
  std::vector<std::pair<int, std::string>> whole = Answers(offline.ServeForTesting({bytes}));
  std::vector<std::string_view> reads;
  for (size_t pos = 0; pos < bytes.size(); pos += 7) reads.push_back(std::string_view(bytes).substr(pos, 7));
  std::vector<std::pair<int, std::string>> pieces = Answers(offline.ServeForTesting(reads));
  ASSERT_EQ(whole.size(), socket.size());
  ASSERT_EQ(pieces.size(), socket.size());
  for (size_t i = 0; i < socket.size(); ++i) {
    EXPECT_EQ(whole[i].first, socket[i].first) << i;
    EXPECT_EQ(pieces[i].first, socket[i].first) << i;
    if (socket[i].first < 400) {  // (error pages carry the request id)
      EXPECT_EQ(whole[i].second, socket[i].second) << i;
      EXPECT_EQ(pieces[i].second, socket[i].second) << i;
    }
  }
  EXPECT_EQ(socket[4].second, "files=1 csrf=" + token + " a.txt:5");
  EXPECT_EQ(UploadFiles(), 0);
}

TEST_F(HttpServerTest, AFastHandlerAnswersOnTheEventLoopWhileEveryWorkerIsBusy) {
  Start([](ServerOptions& o) { o.threads = 1; });
  Connection sleeper(port(), "127.0.3.1");
  sleeper.Send("GET /sleep?ms=1500 HTTP/1.1\r\nHost: x\r\n\r\n");
  std::this_thread::sleep_for(Ms(100));  // the only worker is asleep
  auto start = std::chrono::steady_clock::now();
  Connection reader(port(), "127.0.3.2");
  reader.Send("GET /fast?n=1 HTTP/1.1\r\nHost: x\r\n\r\n");
  HttpResponse r = reader.Read(3000);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "loop 1\n");
  EXPECT_LT(ElapsedMs(start), 500) << "no worker was free: the loop answered";
  EXPECT_EQ(r.Header("x-content-type-options"), "nosniff") << "what every answer gets";
  EXPECT_FALSE(r.Header("x-request-id").empty());
  // Declined: the request waits for the worker, and its handler sees it whole.
  reader.Send("GET /fast?hit=0&n=2 HTTP/1.1\r\nHost: x\r\n\r\n");
  r = reader.Read(5000);
  EXPECT_EQ(r.body, "worker 2\n");
  EXPECT_GT(ElapsedMs(start), 1000) << "it waited for the sleeping worker";
  EXPECT_EQ(sleeper.Read(3000).status, 200);
  // Forty pipelined requests, answered in order.
  std::string pipelined;
  for (int i = 0; i < 40; ++i)
    pipelined += "GET /fast?n=" + std::to_string(i) + (i % 7 == 3 ? "&hit=0" : "") + " HTTP/1.1\r\nHost: x\r\n\r\n";
  reader.Send(pipelined);
  for (int i = 0; i < 40; ++i) {
    HttpResponse p = reader.Read(3000);
    ASSERT_EQ(p.status, 200) << i;
    // Each in its turn; the loop's until the first it declines (a worker then answers what follows it).
    EXPECT_TRUE(core::EndsWith(p.body, " " + std::to_string(i) + "\n")) << p.body;
    if (i < 3) {
      EXPECT_EQ(p.body, "loop " + std::to_string(i) + "\n");
    } else if (i % 7 == 3) {
      EXPECT_EQ(p.body, "worker " + std::to_string(i) + "\n");
    }
  }
  // HEAD is answered as GET without the body; a POST to the route is not the loop's.
  Connection head(port(), "127.0.3.3");
  head.Send("HEAD /fast?n=3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  r = head.Read(3000);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("content-length"), "7");
  EXPECT_EQ(r.body, "") << "the body was sent after the head";
  reader.Send("POST /fast HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(reader.Read(3000).status, 405);
}

TEST_F(HttpServerTest, ConnectionsAreSharedAmongTheEventLoopsAndTheCapsHoldAcrossThem) {
  Start([](ServerOptions& o) {
    o.event_loops = 3;
    o.max_connections_per_address = 4;
  });
  std::vector<std::unique_ptr<Connection>> held;
  for (int i = 0; i < 6; ++i) held.push_back(Served(port(), "127.0.4." + std::to_string(i + 1)));
  EXPECT_EQ(server_->stats().connections_by_loop, (std::vector<int64_t>{2, 2, 2})) << "to the loop with the fewest";
  // One address's cap counts its connections on every loop.
  for (int i = 0; i < 4; ++i) held.push_back(Served(port(), "127.0.4.9", "/fast?n=" + std::to_string(i)));
  Connection fifth(port(), "127.0.4.9");
  EXPECT_TRUE(fifth.ClosedByPeer(1000)) << "the fifth connection from one address is closed";
  // Every loop serves its connections, with keep-alive and in parallel with the others.
  std::vector<std::thread> clients;
  std::atomic<int> answered{0};
  for (auto& c : held)
    clients.emplace_back([&, conn = c.get()] {
      for (int i = 0; i < 20; ++i) {
        conn->Send(i % 2 ? "GET /ok HTTP/1.1\r\nHost: x\r\n\r\n" : "GET /fast HTTP/1.1\r\nHost: x\r\n\r\n");
        if (conn->Read(3000).status == 200) ++answered;
      }
    });
  for (auto& t : clients) t.join();
  EXPECT_EQ(answered.load(), 200);
  EXPECT_EQ(server_->stats().connections_open, 10);
  held.clear();
  for (int i = 0; i < 100 && server_->stats().connections_open > 0; ++i) std::this_thread::sleep_for(Ms(20));
  EXPECT_EQ(server_->stats().connections_by_loop, (std::vector<int64_t>{0, 0, 0}));
  // A request in flight on another loop than the first is finished by Stop.
  std::vector<std::unique_ptr<Connection>> three;
  for (int i = 0; i < 3; ++i) three.push_back(std::make_unique<Connection>(port(), "127.0.5." + std::to_string(i + 1)));
  for (auto& c : three) c->Send("GET /sleep?ms=600 HTTP/1.1\r\nHost: x\r\n\r\n");
  std::this_thread::sleep_for(Ms(200));
  std::thread stopper([this] { server_->Stop(); });
  for (auto& c : three) EXPECT_EQ(c->Read(5000).status, 200);
  stopper.join();
}

}  // namespace
}  // namespace entraide::http
