#include "http/server.h"

#include <Poco/Exception.h>
#include <Poco/Net/MediaType.h>
#include <Poco/Net/MessageHeader.h>
#include <Poco/Net/MultipartReader.h>
#include <Poco/Net/NameValueCollection.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <filesystem>
#include <istream>
#include <mutex>
#include <streambuf>
#include <thread>
#include <unordered_map>
#include <utility>

#include "core/clock.h"
#include "core/log.h"
#include "core/sha256.h"
#include "core/strings.h"
#include "http/client_address.h"
#include "http/compress.h"
#include "http/request_metrics.h"

namespace entraide::http {

int ParseTarget(std::string_view target, size_t max_bytes, Request& req) {
  if (target.size() > max_bytes) return 414;
  if (target.empty() || target.front() != '/') return 400;
  size_t q = target.find('?');
  std::string_view raw_path = target.substr(0, q);
  size_t hash = raw_path.find('#');
  if (hash != std::string_view::npos) raw_path = raw_path.substr(0, hash);
  auto path = core::PercentDecode(raw_path, false);
  if (!path) return 400;
  if (path->find('\0') != std::string::npos || path->find('\\') != std::string::npos) return 400;
  if (!core::IsValidUtf8(*path)) return 400;
  for (const auto& seg : core::Split(*path, '/')) {
    if (seg == ".." || seg == ".") return 400;
    // A segment that still decodes to '..' was double-encoded: refuse it too.
    auto again = core::PercentDecode(seg, false);
    if (again && (*again == ".." || again->find('/') != std::string::npos || again->find('\\') != std::string::npos))
      return 400;
  }
  req.path = std::move(*path);
  if (q != std::string_view::npos) {
    std::string_view qs = target.substr(q + 1);
    size_t h = qs.find('#');
    if (h != std::string_view::npos) qs = qs.substr(0, h);
    auto pairs = core::ParseFormUrlEncoded(qs);
    if (!pairs) return 400;
    req.query = std::move(*pairs);
  }
  return 0;
}

void Server::Finish(const Request& req, Response& resp) {
  resp.Header("Content-Security-Policy",
              "default-src 'self'; img-src 'self'; object-src 'none'; base-uri 'self'; "
              "form-action 'self'; frame-ancestors 'none'");
  resp.Header("X-Content-Type-Options", "nosniff");
  resp.Header("Referrer-Policy", "same-origin");
  resp.Header("X-Frame-Options", "DENY");
  bool is_text = core::StartsWith(resp.content_type, "text/") ||
                 core::StartsWith(resp.content_type, "application/json") ||
                 core::StartsWith(resp.content_type, "application/atom+xml");
  if (resp.compressible && is_text && !resp.file && resp.body.size() > 512 &&
      resp.FindHeader("Content-Encoding").empty()) {
    resp.Header("Vary", "Accept-Encoding");
    if (AcceptsGzip(req.Header("accept-encoding"))) {
      resp.body = resp.gzip_body.empty() ? GzipCompress(resp.body) : std::move(resp.gzip_body);
      resp.Header("Content-Encoding", "gzip");
    }
  }
}

namespace {

// sendfile(2) has no MSG_NOSIGNAL: a client gone mid-download would raise SIGPIPE, which ends the process unless
// ignored. The server's own threads block it (a blocked SIGPIPE raised by a write stays pending on that thread,
// harmlessly); the write fails with EPIPE as send() does.
void BlockSigpipe() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Who owns a connection. The event loop owns it in every state but kWorker; a worker owns it in kWorker and
// hands it back by storing another state (release) before re-arming its descriptor, so each side sees the
// other's writes.
enum class ConnState : uint8_t { kReadingHead, kReadingBody, kWorker, kWriting, kDelayed, kLingering };

struct EventLoop;

struct Conn {
  EventLoop* loop = nullptr;  // the event loop that owns it (none in ServeForTesting)
  int fd = -1;
  std::string peer;      // canonical address of the socket's peer
  bool trusted = false;  // the peer is a trusted proxy
  std::atomic<ConnState> state{ConnState::kReadingHead};
  int64_t deadline_ms = 0;
  int64_t phase_start_ms = 0;  // when the head's first byte arrived, the body began, or the response was ready
  uint64_t phase_bytes = 0;    // body bytes received or response bytes written in this phase
  bool head_started = false;   // a byte of the current request arrived (before it: an idle connection)
  bool peer_closed = false;    // the client shut down its side (what it sent may still be served)
  int served = 0;

  std::string in;  // received, not consumed yet
  RequestHead head;
  bool have_head = false;
  std::unique_ptr<ChunkedDecoder> chunked;
  std::string body;
  int early_status = 0;  // an error found before any handler: answered, then the connection closes
  const char* early_reason = "";
  bool early_api = false;
  bool sent_continue = false;
  std::unique_ptr<Request> prepared;          // built by the loop for its fast path, which left it to a worker
  const Handler* prepared_handler = nullptr;  // and its route's handler, when the loop matched one

  std::string out_head, out_body;  // the response being written
  size_t out_pos = 0;
  std::shared_ptr<const BodyFile> out_file;  // sent after out_body, from file_pos
  off_t file_pos = 0;
  bool close_after = false;
  // The answer went out before the request's body was read whole: close gently (see BeginLinger).
  bool linger = false;
  int64_t linger_end_ms = 0;
  uint64_t lingered_bytes = 0;

  void ResetForNextRequest() {
    head = RequestHead();
    have_head = false;
    head_started = false;
    chunked.reset();
    body.clear();
    early_status = 0;
    early_reason = "";
    early_api = false;
    sent_continue = false;
    prepared.reset();
    prepared_handler = nullptr;
    out_head.clear();
    out_body.clear();
    out_pos = 0;
    out_file.reset();
    file_pos = 0;
    phase_bytes = 0;
  }
};

bool IsMultipart(const RequestHead& head) {
  return core::StartsWith(core::ToLowerAscii(head.Get("content-type")), "multipart/form-data");
}

std::string HttpDateNow() {
  thread_local int64_t cached_second = -1;
  thread_local std::string cached;
  int64_t now = ::time(nullptr);
  if (now != cached_second) {
    cached_second = now;
    cached = core::FormatHttpDate(now);
  }
  return cached;
}

// Counts multipart requests being read; a slot is held for the duration of one upload.
class UploadSlot {
 public:
  UploadSlot(std::atomic<int>& in_use, int max) : in_use_(in_use) {
    acquired_ = in_use_.fetch_add(1) < max;
    if (!acquired_) in_use_.fetch_sub(1);
  }
  ~UploadSlot() {
    if (acquired_) in_use_.fetch_sub(1);
  }
  bool acquired() const { return acquired_; }

 private:
  std::atomic<int>& in_use_;
  bool acquired_;
};

// One event-loop thread and what it owns: its epoll set and its connections. The first loop also accepts, and
// gives each new connection to the loop that has the fewest; the others take theirs from `incoming`.
struct EventLoop {
  int index = 0;
  int epoll_fd = -1, wake_fd = -1;
  std::thread thread;
  std::unordered_map<Conn*, std::unique_ptr<Conn>> conns;  // this loop's thread only
  std::atomic<int> open{0};  // connections given to this loop and not closed yet (read by the accepting loop)
  int64_t last_sweep_ms = 0;
  std::mutex mu;                                // guards the two lists below
  std::vector<Conn*> closing;                   // connections workers are done with, closed by this loop
  std::vector<std::unique_ptr<Conn>> incoming;  // accepted by the first loop, for this one
};

}  // namespace

struct Server::Impl {
  const Router& router;
  ServerOptions options;
  Fallbacks fallbacks;
  TrustedProxies trusted;

  int listen_fd = -1, spare_fd = -1;
  int port = 0;
  std::vector<std::unique_ptr<EventLoop>> loops;
  std::vector<std::thread> workers;
  std::atomic<bool> stopping{false};
  std::atomic<bool> accepting_done{false};  // the first loop stopped accepting: the others may end
  bool started = false;

  // Connections by client address: counted up by the accepting loop, down by whichever loop closes one.
  std::mutex per_address_mu;
  std::unordered_map<std::string, int> per_address;
  // The accepting loop only.
  int64_t last_refusal_log_ms = 0;
  int64_t refusals_unlogged = 0;
  std::string last_refused;

  // Requests waiting for a worker.
  std::mutex queue_mu;
  std::condition_variable queue_cv;
  std::deque<Conn*> queue;
  bool queue_closed = false;

  std::atomic<int> uploads{0};
  std::atomic<int64_t> stat_open{0}, stat_refused{0}, stat_timeouts{0}, stat_requests{0};
  std::unique_ptr<RequestMetrics> metrics;  // made at Start(), once every route is in the router

  Impl(const Router& r, ServerOptions o, Fallbacks f)
      : router(r), options(std::move(o)), fallbacks(std::move(f)), trusted(options.trusted_proxies) {}

  int64_t GraceMs() const { return static_cast<int64_t>(options.header_timeout_s) * 1000; }
  // The moment a phase that moved `bytes` since `start` falls below the minimum rate (after the grace).
  int64_t RateDeadline(int64_t start, uint64_t bytes) const {
    int rate = std::max(1, options.min_rate_bytes);
    return start + GraceMs() + static_cast<int64_t>(bytes * 1000 / static_cast<uint64_t>(rate));
  }

  // ---- both sides ----

  void Arm(Conn* c, uint32_t events) {
    epoll_event ev{};
    ev.events = events | EPOLLONESHOT;
    ev.data.ptr = c;
    epoll_ctl(c->loop->epoll_fd, EPOLL_CTL_MOD, c->fd, &ev);
  }

  static void Wake(EventLoop& loop) {
    uint64_t one = 1;
    ssize_t ignored = ::write(loop.wake_fd, &one, sizeof one);
    (void)ignored;
  }

  // After the threads ended (or when Start fails): every descriptor and connection left.
  void CloseDescriptors() {
    for (auto& loop : loops) {
      for (auto& [ptr, conn] : loop->conns) ::close(ptr->fd);
      loop->conns.clear();
      for (auto& conn : loop->incoming) ::close(conn->fd);
      loop->incoming.clear();
      for (int* fd : {&loop->epoll_fd, &loop->wake_fd})
        if (*fd >= 0) ::close(std::exchange(*fd, -1));
    }
    for (int* fd : {&listen_fd, &spare_fd})
      if (*fd >= 0) ::close(std::exchange(*fd, -1));
  }

  enum class Step { kNeedMore, kReady, kDrop };

  // Moves a connection's received bytes forward: parses the head, then gathers the body in memory (not for
  // multipart, which a worker streams). kReady when a request (or an error to answer) is complete.
  Step Advance(Conn& c, int64_t now) {
    if (!c.have_head) {
      if (c.in.empty()) return c.peer_closed ? Step::kDrop : Step::kNeedMore;
      if (!c.head_started) {
        c.head_started = true;
        c.phase_start_ms = now;
        c.deadline_ms = now + GraceMs();  // the whole head must arrive by then
      }
      HeadResult r = ParseRequestHead(c.in, options.head, &c.head);
      if (r.kind == HeadResult::Kind::kIncomplete) return c.peer_closed ? Step::kDrop : Step::kNeedMore;
      if (r.kind == HeadResult::Kind::kError) {
        c.early_status = r.status;
        c.early_reason = r.reason;
        c.close_after = true;
        // Only to choose between a JSON and an HTML error page: does the request line name the API?
        size_t sp = c.in.find(' ');
        c.early_api = sp != std::string::npos && sp < 32 && c.in.compare(sp + 1, 5, "/api/") == 0;
        c.in.clear();
        return Step::kReady;
      }
      c.in.erase(0, r.consumed);
      c.have_head = true;
      if (c.head.framing == RequestHead::Framing::kNone || IsMultipart(c.head)) return Step::kReady;
      if (c.head.framing == RequestHead::Framing::kLength && c.head.content_length > options.max_body_bytes) {
        c.early_status = 413;
        c.early_reason = "body larger than the limit";
        c.close_after = true;
        return Step::kReady;
      }
      if (c.head.framing == RequestHead::Framing::kChunked)
        c.chunked = std::make_unique<ChunkedDecoder>(options.max_body_bytes);
      c.phase_start_ms = now;
      c.phase_bytes = 0;
    }
    if (c.head.framing == RequestHead::Framing::kNone || IsMultipart(c.head)) return Step::kReady;
    if (c.head.framing == RequestHead::Framing::kLength) {
      size_t need = static_cast<size_t>(c.head.content_length) - c.body.size();
      size_t take = std::min(need, c.in.size());
      c.body.append(c.in, 0, take);
      c.in.erase(0, take);
      c.phase_bytes += take;
      if (c.body.size() == c.head.content_length) return Step::kReady;
    } else {
      size_t used = 0;
      auto result = c.chunked->Feed(c.in, &used, &c.body);
      c.in.erase(0, used);
      c.phase_bytes += used;
      if (result == ChunkedDecoder::Result::kDone) return Step::kReady;
      if (result == ChunkedDecoder::Result::kError) {
        c.early_status = c.chunked->error_status();
        c.early_reason = c.chunked->error_reason();
        c.close_after = true;
        return Step::kReady;
      }
    }
    if (c.peer_closed) return Step::kDrop;
    c.deadline_ms = RateDeadline(c.phase_start_ms, c.phase_bytes);
    if (c.head.expect_continue && !c.sent_continue) {
      static const char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
      ssize_t ignored = ::send(c.fd, kContinue, sizeof kContinue - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
      (void)ignored;
      c.sent_continue = true;
    }
    return Step::kNeedMore;
  }

  // Writes what it can of the response without blocking: 1 all written, 0 the socket is full, -1 an error.
  int WriteOut(Conn& c) {
    for (;;) {
      size_t total = c.out_head.size() + c.out_body.size();
      if (c.out_pos >= total) return c.out_file ? SendFileOut(c) : 1;
      iovec iov[2];
      int n = 0;
      if (c.out_pos < c.out_head.size()) {
        iov[n++] = {c.out_head.data() + c.out_pos, c.out_head.size() - c.out_pos};
        if (!c.out_body.empty()) iov[n++] = {c.out_body.data(), c.out_body.size()};
      } else {
        size_t off = c.out_pos - c.out_head.size();
        iov[n++] = {c.out_body.data() + off, c.out_body.size() - off};
      }
      msghdr msg{};
      msg.msg_iov = iov;
      msg.msg_iovlen = static_cast<size_t>(n);
      ssize_t w = ::sendmsg(c.fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (w > 0) {
        c.out_pos += static_cast<size_t>(w);
        c.phase_bytes += static_cast<uint64_t>(w);
        continue;
      }
      if (w < 0 && errno == EINTR) continue;
      if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return 0;
      return -1;
    }
  }

  // Writes a response just made ready, as WriteOut; when the socket is full, the rest is due at the minimum rate.
  int StartWrite(Conn& c, int64_t now) {
    c.phase_start_ms = now;
    c.phase_bytes = 0;
    int w = WriteOut(c);
    if (w == 0) c.deadline_ms = RateDeadline(now, 0);
    return w;
  }

  // The file body, after the head and body: the kernel copies it to the socket (nothing in memory here).
  int SendFileOut(Conn& c) {
    for (;;) {
      int64_t left = c.out_file->size() - static_cast<int64_t>(c.file_pos);
      if (left <= 0) return 1;
      ssize_t w =
          ::sendfile(c.fd, c.out_file->fd(), &c.file_pos, static_cast<size_t>(std::min<int64_t>(left, 1 << 20)));
      if (w > 0) {
        c.phase_bytes += static_cast<uint64_t>(w);
        continue;
      }
      if (w == 0) return -1;  // the file is shorter than it was when opened: the response cannot be finished
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
      return -1;
    }
  }

  // After a response was written whole: the next request on this connection, if any.
  Step AfterResponse(Conn& c, int64_t now) {
    if (c.close_after && !c.peer_closed && !stopping.load()) c.linger = true;
    if (c.close_after || stopping.load()) return Step::kDrop;
    ++c.served;
    c.ResetForNextRequest();
    c.deadline_ms = now + static_cast<int64_t>(options.keepalive_timeout_s) * 1000;
    return Advance(c, now);
  }

  // ---- event loop ----

  void Enqueue(Conn* c) {
    c->state.store(ConnState::kWorker, std::memory_order_release);
    {
      std::lock_guard<std::mutex> lock(queue_mu);
      if (static_cast<int>(queue.size()) < options.queue) {
        queue.push_back(c);
        queue_cv.notify_one();
        return;
      }
    }
    // Every worker is busy and the queue is full: say so plainly, without a worker.
    static const std::string kBusy = [] {
      std::string body = "The server is busy; try again in a few seconds.\n";
      return StatusLine(503) +
             "Content-Type: text/plain; charset=utf-8\r\nContent-Length: " + std::to_string(body.size()) +
             "\r\nRetry-After: 5\r\nConnection: close\r\n\r\n" + body;
    }();
    ssize_t ignored = ::send(c->fd, kBusy.data(), kBusy.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    (void)ignored;
    core::LogWarning("request refused: the queue is full", {{"addr", c->peer}});
    Close(c);
  }

  // Closing a socket whose receive queue still holds bytes makes the kernel send a reset, and a client still
  // writing its body then loses the answer (a 413 or a 400 arrives as "connection reset"). So after such an
  // answer the server only shuts its sending side, reads and discards what the client still sends, and closes
  // when the client does, after kLingerIdleMs without a byte, or after kLingerMs in all (as nginx's
  // lingering_close does).
  static constexpr int64_t kLingerMs = 5000, kLingerIdleMs = 1000;
  static constexpr uint64_t kLingerMaxBytes = 64u << 20;

  bool BeginLinger(Conn* c) {
    if (::shutdown(c->fd, SHUT_WR) != 0) return false;
    int64_t now = NowMs();
    c->linger_end_ms = now + kLingerMs;
    c->deadline_ms = now + kLingerIdleMs;
    c->state.store(ConnState::kLingering, std::memory_order_relaxed);
    Arm(c, EPOLLIN);
    return true;
  }

  void Discard(Conn* c, int64_t now) {
    char buf[65536];
    for (int reads = 0; reads < 16; ++reads) {
      ssize_t n = ::recv(c->fd, buf, sizeof buf, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      if (n <= 0 || (c->lingered_bytes += static_cast<uint64_t>(n)) > kLingerMaxBytes) {
        Close(c);  // the client closed (or reset), or sent more than a lingering close reads
        return;
      }
    }
    // Quiet for now, or more waiting (read at the next event, after the other connections had their turn).
    c->deadline_ms = std::min(now + kLingerIdleMs, c->linger_end_ms);
    Arm(c, EPOLLIN);
  }

  void Close(Conn* c) {
    if (c->linger) {
      c->linger = false;
      if (BeginLinger(c)) return;
    }
    ::close(c->fd);
    {
      std::lock_guard<std::mutex> lock(per_address_mu);
      auto it = per_address.find(c->peer);
      if (it != per_address.end() && --it->second <= 0) per_address.erase(it);
    }
    stat_open.fetch_sub(1);
    c->loop->open.fetch_sub(1, std::memory_order_relaxed);
    c->loop->conns.erase(c);
  }

  void Accept(int64_t now) {
    for (;;) {
      sockaddr_storage ss{};
      socklen_t len = sizeof ss;
      int fd = ::accept4(listen_fd, reinterpret_cast<sockaddr*>(&ss), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EINTR || errno == ECONNABORTED) continue;
        if ((errno == EMFILE || errno == ENFILE) && spare_fd >= 0) {
          // Out of descriptors: accept and close one connection with the spare, so the listening socket does
          // not stay readable forever.
          ::close(spare_fd);
          int victim = ::accept(listen_fd, nullptr, nullptr);
          if (victim >= 0) ::close(victim);
          spare_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
          Refused("(descriptors exhausted)", now);
        }
        return;
      }
      char buf[INET6_ADDRSTRLEN] = "";
      if (ss.ss_family == AF_INET)
        inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&ss)->sin_addr, buf, sizeof buf);
      else if (ss.ss_family == AF_INET6)
        inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(&ss)->sin6_addr, buf, sizeof buf);
      std::string peer = CanonicalAddress(buf);
      if (peer.empty()) peer = buf;
      bool is_trusted = trusted.Contains(peer);
      bool refuse = stat_open.load() >= options.max_connections;
      {
        std::lock_guard<std::mutex> lock(per_address_mu);
        int& n = per_address[peer];
        if (!is_trusted && n >= options.max_connections_per_address) refuse = true;
        if (!refuse) ++n;
        if (n == 0) per_address.erase(peer);
      }
      if (refuse) {
        ::close(fd);
        Refused(peer, now);
        continue;
      }
      int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      auto conn = std::make_unique<Conn>();
      conn->fd = fd;
      conn->peer = std::move(peer);
      conn->trusted = is_trusted;
      // A new connection that says nothing is closed after the header timeout.
      conn->deadline_ms = now + GraceMs();
      stat_open.fetch_add(1);
      // To the loop with the fewest connections (this one on a tie); each loop counts its own down in Close.
      EventLoop* to = loops[0].get();
      for (auto& l : loops)
        if (l->open.load(std::memory_order_relaxed) < to->open.load(std::memory_order_relaxed)) to = l.get();
      to->open.fetch_add(1, std::memory_order_relaxed);
      if (to == loops[0].get()) {
        Adopt(*to, std::move(conn));
      } else {
        {
          std::lock_guard<std::mutex> lock(to->mu);
          to->incoming.push_back(std::move(conn));
        }
        Wake(*to);
      }
    }
  }

  // A new connection joins `loop` (on that loop's thread), waiting for its first request.
  void Adopt(EventLoop& loop, std::unique_ptr<Conn> conn) {
    Conn* c = conn.get();
    c->loop = &loop;
    loop.conns.emplace(c, std::move(conn));
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLONESHOT;
    ev.data.ptr = c;
    if (epoll_ctl(loop.epoll_fd, EPOLL_CTL_ADD, c->fd, &ev) != 0) Close(c);
  }

  void Refused(const std::string& peer, int64_t now) {
    stat_refused.fetch_add(1);
    ++refusals_unlogged;
    last_refused = peer;
    // One line a minute at most: a flood must not fill the disk with log lines.
    if (now - last_refusal_log_ms >= 60000) LogRefusals(now);
  }

  void LogRefusals(int64_t now) {
    if (refusals_unlogged == 0) return;
    core::LogWarning("connections refused: over the per-address or total connection cap",
                     {{"count", std::to_string(refusals_unlogged)}, {"last_addr", last_refused}});
    refusals_unlogged = 0;
    last_refusal_log_ms = now;
  }

  void OnReadable(Conn* c, int64_t now) {
    char buf[16384];
    size_t got = 0;
    for (;;) {
      ssize_t n = ::recv(c->fd, buf, sizeof buf, 0);
      if (n > 0) {
        c->in.append(buf, static_cast<size_t>(n));
        got += static_cast<size_t>(n);
        if (got >= 65536) break;  // let other connections have their turn; the rest comes at the next event
        continue;
      }
      if (n == 0) {
        c->peer_closed = true;
        break;
      }
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      Close(c);
      return;
    }
    Step step = Advance(*c, now);
    if (step == Step::kReady && c->peer_closed) c->close_after = true;
    Follow(c, step);
  }

  // What the loop does with a connection after a step: hand it to a worker, close it, or wait for bytes.
  void Follow(Conn* c, Step step) {
    switch (step) {
      case Step::kReady:
        Ready(c);
        return;
      case Step::kDrop:
        Close(c);
        return;
      case Step::kNeedMore:
        c->state.store(c->have_head ? ConnState::kReadingBody : ConnState::kReadingHead, std::memory_order_relaxed);
        Arm(c, EPOLLIN);
        return;
    }
  }

  // A complete request: answered here when its route's FastHandler can (a cached library page for a visitor),
  // without the hand-off to a worker, which costs a small cached page most of its time (a futex wake, two
  // context switches, a queue lock); otherwise a worker's. Pipelined requests are answered in turn, at most
  // kFastInARow per event: the rest goes to a worker, so that other connections get their turn.
  static constexpr int kFastInARow = 16;

  void Ready(Conn* c) {
    for (int i = 0; i < kFastInARow; ++i) {
      if (!AnswerFast(*c)) break;
      int64_t now = NowMs();
      int w = StartWrite(*c, now);
      if (w < 0) {
        Close(c);
        return;
      }
      if (w == 0) {
        c->state.store(ConnState::kWriting, std::memory_order_relaxed);
        Arm(c, EPOLLOUT);
        return;
      }
      Step step = AfterResponse(*c, now);
      if (step != Step::kReady) {
        Follow(c, step);
        return;
      }
    }
    Enqueue(c);
  }

  void ContinueWrite(Conn* c, int64_t now) {
    int w = WriteOut(*c);
    if (w < 0) {
      Close(c);
      return;
    }
    if (w == 0) {
      c->state.store(ConnState::kWriting, std::memory_order_relaxed);
      c->deadline_ms = RateDeadline(c->phase_start_ms, c->phase_bytes);
      Arm(c, EPOLLOUT);
      return;
    }
    Follow(c, AfterResponse(*c, now));
  }

  void Sweep(EventLoop& loop, int64_t now) {
    loop.last_sweep_ms = now;
    std::vector<Conn*> expired, due;
    for (auto& [ptr, conn] : loop.conns) {
      ConnState s = ptr->state.load(std::memory_order_acquire);
      if (s == ConnState::kWorker || ptr->deadline_ms > now) continue;
      (s == ConnState::kDelayed ? due : expired).push_back(ptr);
    }
    for (Conn* c : due) {
      c->phase_start_ms = now;
      c->phase_bytes = 0;
      ContinueWrite(c, now);
    }
    for (Conn* c : expired) {
      // A connection that has not begun a request is only idle; anything else was too slow.
      ConnState s = c->state.load(std::memory_order_relaxed);
      if (s != ConnState::kLingering && (c->head_started || s == ConnState::kWriting)) {
        stat_timeouts.fetch_add(1);
        core::LogDebug("connection closed: too slow", {{"addr", c->peer}});
      }
      Close(c);
    }
    if (loop.index == 0) LogRefusals(now);
  }

  // What other threads left for this loop: connections to close (from workers), new ones (from the first loop).
  void DrainLists(EventLoop& loop) {
    std::vector<Conn*> list;
    std::vector<std::unique_ptr<Conn>> fresh;
    {
      std::lock_guard<std::mutex> lock(loop.mu);
      list.swap(loop.closing);
      fresh.swap(loop.incoming);
    }
    for (Conn* c : list) Close(c);
    for (auto& c : fresh) Adopt(loop, std::move(c));
  }

  // An event for a connection: read or write, or retry later when its worker has not finished handing it back.
  void OnEvent(EventLoop& loop, Conn* c, int64_t now, std::vector<Conn*>& retry) {
    if (!loop.conns.count(c)) return;
    ConnState s = c->state.load(std::memory_order_acquire);
    if (s == ConnState::kWriting)
      ContinueWrite(c, now);
    else if (s == ConnState::kReadingHead || s == ConnState::kReadingBody)
      OnReadable(c, now);
    else if (s == ConnState::kLingering)
      Discard(c, now);
    else if (s == ConnState::kWorker)
      retry.push_back(c);
  }

  // Stops accepting (the first loop) and closes the connections that wait for a request that has not begun.
  void BeginStop(EventLoop& loop) {
    if (loop.index == 0 && listen_fd >= 0) {
      epoll_ctl(loop.epoll_fd, EPOLL_CTL_DEL, listen_fd, nullptr);
      ::close(listen_fd);
      listen_fd = -1;
    }
    std::vector<Conn*> idle;
    for (auto& [ptr, conn] : loop.conns) {
      ConnState s = ptr->state.load(std::memory_order_acquire);
      if (s == ConnState::kReadingHead && !ptr->head_started) idle.push_back(ptr);
    }
    for (Conn* c : idle) Close(c);
  }

  void Loop(EventLoop& loop) {
    BlockSigpipe();
    static int listen_tag, wake_tag;
    epoll_event ev{};
    ev.events = EPOLLIN;
    if (loop.index == 0) {
      ev.data.ptr = &listen_tag;
      epoll_ctl(loop.epoll_fd, EPOLL_CTL_ADD, listen_fd, &ev);
    }
    ev.data.ptr = &wake_tag;
    epoll_ctl(loop.epoll_fd, EPOLL_CTL_ADD, loop.wake_fd, &ev);
    bool stop_begun = false;
    int64_t stop_deadline = 0;
    epoll_event events[256];
    std::vector<Conn*> retry, retry_now;
    for (;;) {
      int n = epoll_wait(loop.epoll_fd, events, 256, retry.empty() ? 100 : 1);
      int64_t now = NowMs();
      retry_now.swap(retry);
      retry.clear();
      for (Conn* c : retry_now) OnEvent(loop, c, now, retry);
      for (int i = 0; i < n; ++i) {
        void* p = events[i].data.ptr;
        if (p == &listen_tag) {
          if (!stopping.load()) Accept(now);
        } else if (p == &wake_tag) {
          uint64_t v;
          ssize_t ignored = ::read(loop.wake_fd, &v, sizeof v);
          (void)ignored;
          DrainLists(loop);
        } else {
          OnEvent(loop, static_cast<Conn*>(p), now, retry);
        }
      }
      if (now - loop.last_sweep_ms >= 100) Sweep(loop, now);
      if (stopping.load()) {
        if (!stop_begun) {
          stop_begun = true;
          stop_deadline = now + std::max<int64_t>(GraceMs(), 5000);
        }
        // Every turn: a connection the first loop accepted just before the stop may arrive after it began.
        DrainLists(loop);
        BeginStop(loop);
        if (now >= stop_deadline) {
          // Past the grace: what is still waiting on a slow client is dropped; workers finish their request.
          std::vector<Conn*> left;
          for (auto& [ptr, conn] : loop.conns)
            if (ptr->state.load(std::memory_order_acquire) != ConnState::kWorker) left.push_back(ptr);
          for (Conn* c : left) Close(c);
        }
        // The first loop ends last of all to accept; the others wait for that, since it may still hand them one.
        if (loop.conns.empty() && (loop.index == 0 || accepting_done.load())) {
          std::lock_guard<std::mutex> lock(loop.mu);
          if (loop.incoming.empty() && loop.closing.empty()) break;
        }
      }
    }
    if (loop.index == 0) accepting_done = true;
  }

  // ---- workers ----

  void WorkerLoop() {
    BlockSigpipe();
    for (;;) {
      Conn* c = nullptr;
      {
        std::unique_lock<std::mutex> lock(queue_mu);
        queue_cv.wait(lock, [&] { return !queue.empty() || queue_closed; });
        if (queue.empty()) return;
        c = queue.front();
        queue.pop_front();
      }
      Serve(c);
    }
  }

  // Hands a connection back to the event loop. The descriptor is re-armed while the state still says kWorker,
  // so the loop never closes the connection under our feet; an event that arrives in between is retried by
  // the loop once the state changed (see Loop).
  void ReleaseToLoop(Conn* c, ConnState state, uint32_t events) {
    if (events) Arm(c, events);
    c->state.store(state, std::memory_order_release);
  }

  void CloseLater(Conn* c) {
    {
      std::lock_guard<std::mutex> lock(c->loop->mu);
      c->loop->closing.push_back(c);
    }
    Wake(*c->loop);
  }

  // A worker's part of one complete request: the handler (or the answer to an error found before it), Finish,
  // then the response serialised into c.out_head and c.out_body, and its log line. Returns its delay_ms.
  int Answer(Conn& c) {
    auto start = std::chrono::steady_clock::now();
    Request req;
    if (c.prepared) {
      req = std::move(*c.prepared);
      c.prepared.reset();
    } else {
      BuildRequest(c, req);
    }
    req.id = core::NewRequestId();
    core::RequestScope scope(req.id);
    Response resp = Handle(c, req);
    Respond(c, req, resp, start);
    return resp.delay_ms;
  }

  // The loop's part (see Ready): a GET or HEAD without a body whose route has a FastHandler that answers it.
  // True when the response is ready to write in c.out_head and c.out_body. When the route has no FastHandler
  // or it declines, the request is kept in c.prepared for the worker, which does not build it again.
  bool AnswerFast(Conn& c) {
    if (c.early_status != 0 || c.head.framing != RequestHead::Framing::kNone) return false;
    if (c.head.method != "GET" && c.head.method != "HEAD") return false;
    auto start = std::chrono::steady_clock::now();
    auto req = std::make_unique<Request>();
    BuildRequest(c, *req);
    if (ParseTarget(req->raw_target, options.head.max_target_bytes, *req) != 0) {
      req->path.clear();  // the worker parses it again, and answers the error
      c.prepared = std::move(req);
      return false;
    }
    const Handler* handler = nullptr;
    const FastHandler* fast = nullptr;
    if (router.Match(*req, &handler, nullptr, &fast) != Router::MatchResult::kFound) {
      c.prepared = std::move(req);  // the worker matches it again, and answers 404 or 405
      return false;
    }
    if (!fast) {
      c.prepared = std::move(req);
      c.prepared_handler = handler;
      return false;
    }
    req->id = core::NewRequestId();
    core::RequestScope scope(req->id);
    std::optional<Response> resp;
    try {
      resp = (*fast)(*req);
    } catch (const std::exception& e) {
      core::LogError("fast handler threw", {{"path", req->path}, {"what", e.what()}});
    }
    if (!resp) {
      c.prepared = std::move(req);
      c.prepared_handler = handler;
      return false;
    }
    Respond(c, *req, *resp, start);
    return true;
  }

  // What every response gets once its handler returned: Finish, serialisation into c.out_head and c.out_body,
  // the counters and the log line.
  void Respond(Conn& c, const Request& req, Response& resp, std::chrono::steady_clock::time_point start) {
    Finish(req, resp);
    bool close = c.close_after || !c.head.keep_alive || c.peer_closed ||
                 c.served + 1 >= options.max_keepalive_requests || stopping.load();
    Serialize(c, req, resp, close);
    stat_requests.fetch_add(1);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    metrics->Observe(req.route_index, req.method, resp.status, seconds);
    LogRequest(req, resp.status, c.out_body.size() + (c.out_file ? static_cast<size_t>(c.out_file->size()) : 0),
               seconds);
  }

  void Serve(Conn* c) {
    for (;;) {
      int delay_ms = Answer(*c);
      if (delay_ms > 0) {
        c->deadline_ms = NowMs() + delay_ms;
        ReleaseToLoop(c, ConnState::kDelayed, 0);  // the loop's sweep sends it when due
        return;
      }
      int64_t now = NowMs();
      int w = StartWrite(*c, now);
      if (w < 0) {
        CloseLater(c);
        return;
      }
      if (w == 0) {
        ReleaseToLoop(c, ConnState::kWriting, EPOLLOUT);
        return;
      }
      switch (AfterResponse(*c, now)) {
        case Step::kReady:
          continue;  // a pipelined request was already here
        case Step::kDrop:
          CloseLater(c);
          return;
        case Step::kNeedMore:
          ReleaseToLoop(c, c->have_head ? ConnState::kReadingBody : ConnState::kReadingHead, EPOLLIN);
          return;
      }
    }
  }

  void BuildRequest(Conn& c, Request& req) {
    req.method = c.head.method;
    req.raw_target = c.head.target;
    std::string forwarded;
    for (const auto& [name, value] : c.head.headers) {
      auto it = req.headers.find(name);
      if (it == req.headers.end())
        req.headers.emplace(name, value);
      else
        it->second += (name == "cookie" ? "; " : ", ") + value;
      if (name == "x-forwarded-for") forwarded = req.headers[name];
    }
    req.remote_addr = c.trusted ? trusted.ClientAddress(c.peer, forwarded) : c.peer;
    req.peer_addr = c.peer;
    req.peer_trusted = c.trusted;
    req.cookies = ParseCookies(req.Header("cookie"));
    req.body = std::move(c.body);
    c.body.clear();
  }

  Response Handle(Conn& c, Request& req) {
    if (c.early_status != 0) {
      core::LogInfo(
          "bad request",
          {{"status", std::to_string(c.early_status)}, {"reason", c.early_reason}, {"addr", req.remote_addr}});
      // The raw path (up to '?') only chooses between a JSON and an HTML error.
      std::string raw = req.raw_target.substr(0, req.raw_target.find('?'));
      req.path = (c.early_api || core::StartsWith(raw, "/api/")) ? "/api/" : "/";
      return Error(req, c.early_status);
    }
    // A request the loop prepared (AnswerFast) has its path already.
    int target_status = req.path.empty() ? ParseTarget(req.raw_target, options.head.max_target_bytes, req) : 0;
    if (target_status != 0) {
      std::string raw = req.raw_target.substr(0, req.raw_target.find('?'));
      req.path = core::StartsWith(raw, "/api/") ? "/api/" : "/";
      return Error(req, target_status);
    }
    if (IsMultipart(c.head)) return ReadUpload(c, req);
    return Dispatch(req, std::exchange(c.prepared_handler, nullptr));
  }

  Response Error(const Request& req, int status) {
    if (fallbacks.error_page) return fallbacks.error_page(req, status);
    return Response::Text(status, "Error " + std::to_string(status) + "\n");
  }

  // Runs the route's handler: `matched` when the loop already matched the request (AnswerFast), else the router's.
  Response Dispatch(Request& req, const Handler* matched = nullptr) {
    try {
      if (matched) return (*matched)(req);
      const Handler* handler = nullptr;
      std::string allowed;
      switch (router.Match(req, &handler, &allowed)) {
        case Router::MatchResult::kFound:
          return (*handler)(req);
        case Router::MatchResult::kMethodNotAllowed: {
          Response r = Error(req, 405);
          r.Header("Allow", allowed);
          return r;
        }
        case Router::MatchResult::kNotFound:
          return Error(req, 404);
      }
    } catch (const std::exception& e) {
      core::LogError("handler threw", {{"method", req.method}, {"path", req.path}, {"what", e.what()}});
    } catch (...) {
      core::LogError("handler threw", {{"method", req.method}, {"path", req.path}});
    }
    return Error(req, 500);
  }

  void Serialize(Conn& c, const Request& req, Response& resp, bool& close) {
    std::string& h = c.out_head;
    h.clear();
    h += StatusLine(resp.status);
    bool no_body = resp.status == 204 || resp.status == 304 || resp.status < 200;
    if (!no_body && SafeHeader("Content-Type", resp.content_type)) {
      h += "Content-Type: ";
      h += resp.content_type;
      h += "\r\n";
    }
    for (const auto& [name, value] : resp.headers) {
      std::string lower = core::ToLowerAscii(name);
      if (lower == "connection") {
        if (core::ToLowerAscii(value) == "close") close = true;
        continue;
      }
      if (lower == "content-length" || lower == "transfer-encoding" || lower == "date" || lower == "content-type")
        continue;
      if (!SafeHeader(name, value)) {
        core::LogError("a response header with a line break or a bad name was dropped", {{"name", name}});
        continue;
      }
      h += name;
      h += ": ";
      h += value;
      h += "\r\n";
    }
    if (!no_body) {
      h += "Content-Length: ";
      h += std::to_string(static_cast<int64_t>(resp.body.size()) + (resp.file ? resp.file->size() : 0));
      h += "\r\n";
    }
    h += "Date: ";
    h += HttpDateNow();
    h += "\r\nX-Request-Id: ";
    h += req.id;
    h += "\r\n";
    if (close)
      h += "Connection: close\r\n";
    else if (c.head.minor_version == 0)
      h += "Connection: keep-alive\r\n";
    h += "\r\n";
    c.out_pos = 0;
    c.close_after = close;
    c.file_pos = 0;
    if (no_body || req.method == "HEAD") {
      c.out_body.clear();
      c.out_file.reset();
    } else {
      c.out_body = std::move(resp.body);
      c.out_file = std::move(resp.file);
    }
  }

  void LogRequest(const Request& req, int status, size_t bytes, double seconds) {
    if (status >= 500) {
      core::LogError("answered with a server error",
                     {{"method", req.method}, {"path", LogPath(req)}, {"status", std::to_string(status)}});
    }
    if (!options.access_log) return;
    char ms[32];
    std::snprintf(ms, sizeof ms, "%.2f", seconds * 1000);
    core::LogInfo("request", {{"method", req.method},
                              {"path", LogPath(req)},
                              {"status", std::to_string(status)},
                              {"bytes", std::to_string(bytes)},
                              {"ms", ms},
                              {"addr", req.remote_addr}});
  }

  static std::string LogPath(const Request& req) {
    return req.raw_target.size() > 200 ? req.raw_target.substr(0, 200) + "..." : req.raw_target;
  }

  // ---- multipart uploads ----

  Response Refuse(const Request& req, int status, Conn& c) {
    c.close_after = true;  // the body was not read: the connection cannot carry another request
    return Error(req, status);
  }

  Response ReadUpload(Conn& c, Request& req);
};

namespace {

// The body of a multipart request, read from the connection's buffer then its socket, never past
// Content-Length. Blocks the worker with poll(), within the minimum rate; fails (EOF) when the client is too
// slow, goes away or the server stops.
class SocketBodyBuf final : public std::streambuf {
 public:
  SocketBodyBuf(Conn& c, uint64_t length, int64_t grace_ms, int min_rate, const std::atomic<bool>& stopping)
      : c_(c),
        remaining_(length),
        grace_ms_(grace_ms),
        rate_(std::max(1, min_rate)),
        stopping_(stopping),
        start_ms_(NowMs()) {}

  bool failed() const { return failed_; }
  const char* failure() const { return failure_; }
  uint64_t remaining() const { return remaining_; }

  // Reads and drops what is left of the body, up to `max` bytes. False when more is left (or it failed).
  bool Drain(uint64_t max) {
    if (remaining_ > max) return false;
    while (remaining_ > 0)
      if (underflow() == traits_type::eof())
        return false;
      else
        setg(buf_, egptr(), egptr());
    return !failed_;
  }

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    if (remaining_ == 0 || failed_) return traits_type::eof();
    size_t want = static_cast<size_t>(std::min<uint64_t>(remaining_, sizeof buf_));
    size_t n = 0;
    if (!c_.in.empty()) {
      n = std::min(want, c_.in.size());
      std::memcpy(buf_, c_.in.data(), n);
      c_.in.erase(0, n);
    } else {
      if (c_.fd < 0) return Fail("the client went away");  // Server::ServeForTesting: all input is in c_.in
      for (;;) {
        if (stopping_.load()) return Fail("the server is stopping");
        int64_t deadline =
            start_ms_ + grace_ms_ + static_cast<int64_t>(received_ * 1000 / static_cast<uint64_t>(rate_));
        int64_t wait = deadline - NowMs();
        if (wait <= 0) return Fail("the upload is too slow");
        pollfd p{c_.fd, POLLIN, 0};
        int r = ::poll(&p, 1, static_cast<int>(std::min<int64_t>(wait, 500)));
        if (r < 0 && errno != EINTR) return Fail("poll failed");
        if (r <= 0) continue;
        ssize_t got = ::recv(c_.fd, buf_, want, 0);
        if (got > 0) {
          n = static_cast<size_t>(got);
          break;
        }
        if (got == 0) return Fail("the client went away");
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return Fail("recv failed");
      }
    }
    remaining_ -= n;
    received_ += n;
    setg(buf_, buf_, buf_ + n);
    return traits_type::to_int_type(*gptr());
  }

 private:
  int_type Fail(const char* why) {
    failed_ = true;
    failure_ = why;
    return traits_type::eof();
  }

  Conn& c_;
  uint64_t remaining_, received_ = 0;
  int64_t grace_ms_;
  int rate_;
  const std::atomic<bool>& stopping_;
  int64_t start_ms_;
  bool failed_ = false;
  const char* failure_ = "";
  char buf_[65536];
};

}  // namespace

Response Server::Impl::ReadUpload(Conn& c, Request& req) {
  const RequestHead& head = c.head;
  if (options.upload_dir.empty()) return Refuse(req, 415, c);
  if (head.framing != RequestHead::Framing::kLength) return Refuse(req, 411, c);
  auto too_large = [&](const std::string& message) {
    Response r = Refuse(req, 413, c);
    r.Header("X-Entraide-Error", message);
    return r;
  };
  if (head.content_length > options.max_multipart_bytes)
    return too_large("the upload is larger than " + std::to_string(options.max_multipart_bytes >> 20) + " MiB");
  std::string boundary;
  try {
    boundary = Poco::Net::MediaType(std::string(head.Get("content-type"))).getParameter("boundary");
  } catch (const Poco::Exception&) {
  }
  if (boundary.empty() || boundary.size() > 200) return Refuse(req, 400, c);
  int max_uploads = options.max_parallel_uploads > 0 ? options.max_parallel_uploads : std::max(1, options.threads / 4);
  UploadSlot slot(uploads, max_uploads);
  if (!slot.acquired()) {
    Response r = Refuse(req, 503, c);
    r.Header("Retry-After", "10");
    return r;
  }
  // The session first, before a byte of the body is read. Without one, a multipart form may still carry
  // fields (RFC 8058's one-click unsubscribe may come as multipart), in memory, but not a single file.
  UploadCheck check = fallbacks.upload_check ? fallbacks.upload_check(req) : UploadCheck{401, ""};
  bool signed_in = check.status == 0;
  if (!signed_in && check.status != 401) return Refuse(req, check.status, c);
  if (!signed_in && head.content_length > options.max_body_bytes) return Refuse(req, 401, c);
  bool csrf_ok = signed_in && !check.csrf.empty() && core::ConstantTimeEquals(req.Header("x-csrf-token"), check.csrf);

  if (head.expect_continue && c.in.size() < head.content_length) {
    static const char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
    ssize_t ignored = ::send(c.fd, kContinue, sizeof kContinue - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
    (void)ignored;
  }
  SocketBodyBuf buf(c, head.content_length, GraceMs(), options.min_rate_bytes, stopping);
  std::istream body(&buf);
  req.multipart = true;
  size_t total_fields = 0;
  try {
    Poco::Net::MultipartReader reader(body, boundary);
    int parts = 0;
    std::vector<char> chunk(65536);
    while (reader.hasNextPart()) {
      if (++parts > options.max_multipart_parts) return Refuse(req, 400, c);
      Poco::Net::MessageHeader h;
      reader.nextPart(h);
      std::string disposition;
      Poco::Net::NameValueCollection params;
      Poco::Net::MessageHeader::splitParameters(h.get("Content-Disposition", ""), disposition, params);
      std::string name = params.get("name", "");
      std::istream& in = reader.stream();
      if (!params.has("filename")) {
        std::string value;
        while (in) {
          in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
          value.append(chunk.data(), static_cast<size_t>(in.gcount()));
          total_fields += static_cast<size_t>(in.gcount());
          if (total_fields > options.max_body_bytes) return too_large("the form is too large");
        }
        if (name == "csrf" && signed_in && !csrf_ok)
          csrf_ok = !check.csrf.empty() && core::ConstantTimeEquals(value, check.csrf);
        req.form.emplace_back(name, std::move(value));
        continue;
      }
      // A file: only from a signed-in person, once the form's token (sent before the files, or in
      // X-CSRF-Token) was checked.
      if (!signed_in) {
        core::LogInfo("upload refused: not signed in", {{"addr", req.remote_addr}});
        return Refuse(req, 401, c);
      }
      if (!csrf_ok) {
        core::LogInfo("upload refused: no valid CSRF token before the first file", {{"addr", req.remote_addr}});
        return Refuse(req, 403, c);
      }
      UploadedFile f;
      f.field = name;
      f.filename = params.get("filename", "");
      f.content_type = h.get("Content-Type", "application/octet-stream");
      std::string tmpl = options.upload_dir + "/upload-XXXXXX";
      std::vector<char> path(tmpl.begin(), tmpl.end());
      path.push_back('\0');
      int fd = ::mkstemp(path.data());
      if (fd < 0) {
        core::LogError("cannot create an upload file", {{"dir", options.upload_dir}, {"error", std::strerror(errno)}});
        return Refuse(req, 503, c);
      }
      f.path = path.data();
      req.temp_files.Add(f.path);
      core::Sha256 hash;
      bool write_ok = true;
      while (in) {
        in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        auto n = static_cast<size_t>(in.gcount());
        if (n == 0) break;
        f.size += static_cast<int64_t>(n);
        if (static_cast<size_t>(f.size) > options.max_upload_file_bytes) {
          ::close(fd);
          return too_large("attachments: " + f.filename + " is larger than " +
                           std::to_string(options.max_upload_file_bytes >> 20) + " MiB");
        }
        hash.Update(std::string_view(chunk.data(), n));
        if (write_ok && ::write(fd, chunk.data(), n) != static_cast<ssize_t>(n)) write_ok = false;
      }
      ::close(fd);
      if (!write_ok) {
        core::LogError("cannot write an upload file", {{"dir", options.upload_dir}});
        return Refuse(req, 503, c);
      }
      if (buf.failed()) break;
      if (f.filename.empty() && f.size == 0) continue;  // a file input left empty
      auto digest = hash.Finish();
      f.sha256 = core::HexEncode(digest.data(), digest.size());
      req.uploads.push_back(std::move(f));
    }
  } catch (const Poco::Exception& e) {
    if (!buf.failed()) {
      core::LogInfo("malformed multipart body", {{"addr", req.remote_addr}, {"what", e.displayText()}});
      return Refuse(req, 400, c);
    }
  }
  if (buf.failed()) {
    core::LogInfo("upload abandoned", {{"addr", req.remote_addr}, {"why", buf.failure()}});
    stat_timeouts.fetch_add(1);
    return Refuse(req, 408, c);
  }
  // What follows the closing boundary (an epilogue) belongs to this request: read it, or close.
  if (!buf.Drain(65536)) c.close_after = true;
  return Dispatch(req);
}

std::string Server::ServeForTesting(const std::vector<std::string_view>& reads) {
  Impl& m = *impl_;
  if (!m.metrics) m.metrics = std::make_unique<RequestMetrics>(m.router.Routes());
  Conn c;  // fd -1: nothing is sent (a 100 Continue is dropped) and nothing more can be received
  c.peer = "127.0.0.1";
  std::string written;
  size_t next = 0;
  Impl::Step step = Impl::Step::kNeedMore;
  while (step != Impl::Step::kDrop) {
    if (step == Impl::Step::kNeedMore) {
      // What the event loop does when the socket is readable (OnReadable): the next read, or the end of input.
      if (c.peer_closed) break;  // (Advance never asks for more once the client has closed)
      if (next < reads.size())
        c.in.append(reads[next++]);
      else
        c.peer_closed = true;
      step = m.Advance(c, NowMs());
      if (step == Impl::Step::kReady && c.peer_closed) c.close_after = true;
      continue;
    }
    // A worker's turn (Serve). A multipart body is read by the worker itself, from the socket after `in`.
    if (IsMultipart(c.head))
      for (; next < reads.size(); ++next) c.in.append(reads[next]);
    if (!m.AnswerFast(c)) m.Answer(c);
    written += c.out_head;
    written += c.out_body;
    step = m.AfterResponse(c, NowMs());
  }
  return written;
}

Server::Server(const Router& router, ServerOptions options, Fallbacks fallbacks)
    : impl_(new Impl(router, std::move(options), std::move(fallbacks))) {}

Server::~Server() { Stop(); }

core::Status Server::Start() {
  Impl& m = *impl_;
  if (!m.metrics) m.metrics = std::make_unique<RequestMetrics>(m.router.Routes());
  for (const auto& cidr : m.options.trusted_proxies)
    if (!ParseNetwork(cidr)) return core::InvalidArgument("http.trusted_proxies: not an address or network: " + cidr);
  if (!m.options.upload_dir.empty()) {
    // Uploads left by a process that was killed mid-request.
    std::error_code ec;
    int removed = 0;
    for (const auto& entry : std::filesystem::directory_iterator(m.options.upload_dir, ec))
      if (core::StartsWith(entry.path().filename().string(), "upload-") && std::filesystem::remove(entry.path(), ec))
        ++removed;
    if (removed > 0) core::LogInfo("removed unfinished uploads", {{"count", std::to_string(removed)}});
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* res = nullptr;
  std::string port = std::to_string(m.options.port);
  std::string where = m.options.host + ":" + port;
  int rc = getaddrinfo(m.options.host.empty() ? nullptr : m.options.host.c_str(), port.c_str(), &hints, &res);
  if (rc != 0) return core::Unavailable("cannot listen on " + where + ": " + gai_strerror(rc));
  int fd = -1;
  std::string error;
  for (addrinfo* a = res; a; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, a->ai_addr, a->ai_addrlen) == 0 && ::listen(fd, std::max(16, m.options.queue)) == 0) break;
    error = std::strerror(errno);
    ::close(fd);
    fd = -1;
  }
  freeaddrinfo(res);
  if (fd < 0) return core::Unavailable("cannot listen on " + where + ": " + error);
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len);
  m.port = ss.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port)
                                    : ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
  m.listen_fd = fd;
  m.spare_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  int loops = m.options.event_loops > 0 ? m.options.event_loops
                                        : static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 4u));
  m.loops.clear();
  for (int i = 0; i < loops; ++i) {
    auto loop = std::make_unique<EventLoop>();
    loop->index = i;
    loop->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    loop->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    bool ok = loop->epoll_fd >= 0 && loop->wake_fd >= 0;
    m.loops.push_back(std::move(loop));
    if (!ok) {
      std::string why = std::string("epoll: ") + std::strerror(errno);
      m.CloseDescriptors();
      return core::Unavailable(why);
    }
  }
  m.stopping = false;
  m.accepting_done = false;
  m.started = true;
  for (int i = 0; i < std::max(1, m.options.threads); ++i) m.workers.emplace_back([&m] { m.WorkerLoop(); });
  for (auto& loop : m.loops) loop->thread = std::thread([&m, l = loop.get()] { m.Loop(*l); });
  return core::Status::Ok();
}

int Server::port() const { return impl_->port; }

ServerStats Server::stats() const {
  ServerStats s;
  s.connections_open = impl_->stat_open.load();
  s.connections_refused = impl_->stat_refused.load();
  s.timeouts = impl_->stat_timeouts.load();
  s.requests = impl_->stat_requests.load();
  {
    std::lock_guard<std::mutex> lock(impl_->queue_mu);
    s.queued = static_cast<int64_t>(impl_->queue.size());
  }
  for (const auto& loop : impl_->loops) s.connections_by_loop.push_back(loop->open.load());
  return s;
}

void Server::Collect(core::MetricsText& out) const {
  if (impl_->metrics) impl_->metrics->Collect(out);
  ServerStats s = stats();
  out.Single("entraide_http_connections_open", "gauge", "Client connections open now.", s.connections_open);
  out.Single("entraide_http_connections_refused_total", "counter",
             "Connections closed at once: over the per-address or the total cap.", s.connections_refused);
  out.Single("entraide_http_timeouts_total", "counter",
             "Connections closed for a request head, body or response too slow (idle keep-alive excluded).",
             s.timeouts);
  out.Single("entraide_http_requests_queued", "gauge", "Complete requests waiting for a worker now.", s.queued);
}

void Server::Stop() {
  Impl& m = *impl_;
  if (!m.started) return;
  m.started = false;
  m.stopping = true;
  for (auto& loop : m.loops) Impl::Wake(*loop);
  for (auto& loop : m.loops)
    if (loop->thread.joinable()) loop->thread.join();
  {
    std::lock_guard<std::mutex> lock(m.queue_mu);
    m.queue_closed = true;
  }
  m.queue_cv.notify_all();
  for (auto& t : m.workers) t.join();
  m.workers.clear();
  m.CloseDescriptors();
}

}  // namespace entraide::http
