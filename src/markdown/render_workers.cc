#include "markdown/render_workers.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <thread>

#include "core/strings.h"
#include "core/wire.h"

#if defined(__SANITIZE_ADDRESS__)
#define ENTRAIDE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ENTRAIDE_ASAN 1
#endif
#endif

namespace entraide::markdown {
namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr std::string_view kHello = "entraide render-worker 1";
constexpr uint32_t kMaxFrame = 64u << 20;  // far above any reply: the HTML is capped before it is sent

// --- Frames on the parent's end: a non-blocking socket, every wait bounded by `deadline` ---

enum class Io { kOk, kTimedOut, kFailed };

Io WaitFor(int fd, short events, SteadyClock::time_point deadline) {
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now()).count();
    if (left <= 0) return Io::kTimedOut;
    struct pollfd pfd {
      fd, events, 0
    };
    int n = ::poll(&pfd, 1, static_cast<int>(left));
    if (n > 0) return Io::kOk;  // readable, writable, or hung up: the read or write says which
    if (n < 0 && errno != EINTR) return Io::kFailed;
  }
}

// MSG_NOSIGNAL: a worker that died must not raise SIGPIPE in the server (or in a test).
Io SendAll(int fd, std::string_view data, SteadyClock::time_point deadline) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) {
      data.remove_prefix(static_cast<size_t>(n));
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (Io w = WaitFor(fd, POLLOUT, deadline); w != Io::kOk) return w;
    } else if (n == 0 || errno != EINTR) {
      return Io::kFailed;
    }
  }
  return Io::kOk;
}

Io RecvAll(int fd, char* buf, size_t size, SteadyClock::time_point deadline) {
  size_t got = 0;
  while (got < size) {
    ssize_t n = ::recv(fd, buf + got, size - got, 0);
    if (n > 0) {
      got += static_cast<size_t>(n);
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (Io w = WaitFor(fd, POLLIN, deadline); w != Io::kOk) return w;
    } else if (n == 0 || errno != EINTR) {
      return Io::kFailed;  // end of stream: the worker died
    }
  }
  return Io::kOk;
}

Io RecvFrame(int fd, std::string& payload, SteadyClock::time_point deadline) {
  uint32_t size = 0;
  if (Io r = RecvAll(fd, reinterpret_cast<char*>(&size), 4, deadline); r != Io::kOk) return r;
  if (size > kMaxFrame) return Io::kFailed;
  payload.resize(size);
  return RecvAll(fd, payload.data(), size, deadline);
}

// --- Frames on the worker's end: its stdin and stdout, blocking ---

// False at the end of input (or on an error: either way the worker stops).
bool ReadFull(int fd, char* buf, size_t size) {
  size_t got = 0;
  while (got < size) {
    ssize_t n = ::read(fd, buf + got, size - got);
    if (n > 0)
      got += static_cast<size_t>(n);
    else if (n == 0 || errno != EINTR)
      return false;
  }
  return true;
}

bool WriteFrame(int fd, std::string_view payload) {
  std::string frame;
  core::PutField(frame, payload);
  std::string_view left = frame;
  while (!left.empty()) {
    ssize_t n = ::write(fd, left.data(), left.size());
    if (n > 0)
      left.remove_prefix(static_cast<size_t>(n));
    else if (n == 0 || errno != EINTR)
      return false;
  }
  return true;
}

// --- The messages ---

std::string EncodeRequest(std::string_view text, const Limits& limits, const Options& options) {
  std::string out;
  core::PutField(out, std::to_string(options.min_heading_level));
  core::PutField(out, std::to_string(MaxHtmlBytes(text.size(), limits)));
  core::PutField(out, std::to_string(limits.budget_ms));
  core::PutField(out, text);
  return out;
}

template <typename Int>
bool ParseInt(const std::string& s, Int& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

std::string EncodeReply(const Rendered& r) {
  std::string buf;
  core::PutField(buf, "ok");
  core::PutField(buf, r.over_cap ? "1" : "0");
  core::PutField(buf, r.html);
  core::PutField(buf, r.plain);
  core::PutField(buf, std::to_string(r.headings.size()));
  for (const auto& h : r.headings) {
    core::PutField(buf, std::to_string(h.level));
    core::PutField(buf, h.id);
    core::PutField(buf, h.text);
  }
  core::PutField(buf, std::to_string(r.links.size()));
  for (const auto& l : r.links) core::PutField(buf, l);
  return buf;
}

std::string ErrorReply(std::string_view message) {
  std::string buf;
  core::PutField(buf, "error");
  core::PutField(buf, message);
  return buf;
}

// False for an "error" reply or anything that is not a whole reply.
bool DecodeReply(std::string_view in, Rendered& r) {
  std::string kind, over_cap, count;
  if (!core::GetField(in, kind) || kind != "ok" || !core::GetField(in, over_cap) || !core::GetField(in, r.html) ||
      !core::GetField(in, r.plain) || !core::GetField(in, count))
    return false;
  r.over_cap = r.fell_back = over_cap == "1";
  size_t n = 0;
  if (!ParseInt(count, n)) return false;
  for (size_t i = 0; i < n; ++i) {
    Heading h;
    std::string level;
    if (!core::GetField(in, level) || !ParseInt(level, h.level) || !core::GetField(in, h.id) ||
        !core::GetField(in, h.text))
      return false;
    r.headings.push_back(std::move(h));
  }
  if (!core::GetField(in, count) || !ParseInt(count, n)) return false;
  for (size_t i = 0; i < n; ++i) {
    std::string link;
    if (!core::GetField(in, link)) return false;
    r.links.push_back(std::move(link));
  }
  return in.empty();
}

Rendered Fallback(std::string_view text) {
  Rendered r;
  r.html = PlainParagraphsHtml(text);
  r.plain = std::string(text);
  r.fell_back = true;
  return r;
}

// RLIMIT_CPU counts the process's whole life: each request gets the CPU used so far plus its own allowance,
// the budget rounded up to whole seconds plus one (what one forked render had).
void AllowCpuFor(int budget_ms) {
  struct rusage used {};
  struct rlimit rl {};
  if (::getrusage(RUSAGE_SELF, &used) != 0 || ::getrlimit(RLIMIT_CPU, &rl) != 0) return;
  auto seconds = static_cast<rlim_t>(used.ru_utime.tv_sec + used.ru_stime.tv_sec + 1);
  rl.rlim_cur = std::min(rl.rlim_max, seconds + static_cast<rlim_t>(budget_ms / 1000 + 1));
  ::setrlimit(RLIMIT_CPU, &rl);
}

std::string Answer(std::string_view request) {
  std::string level, cap, budget, text;
  Options options;
  size_t max_html = 0;
  int budget_ms = 0;
  if (!core::GetField(request, level) || !ParseInt(level, options.min_heading_level) || !core::GetField(request, cap) ||
      !ParseInt(cap, max_html) || !core::GetField(request, budget) || !ParseInt(budget, budget_ms) ||
      !core::GetField(request, text) || !request.empty())
    return ErrorReply("malformed request");
  AllowCpuFor(budget_ms);
  try {
    Rendered r = RenderUnbounded(text, options);
    if (r.html.size() > max_html) {  // here, not through the socket: it can be hundreds of megabytes
      r = Fallback(text);
      r.over_cap = true;
    }
    return EncodeReply(r);
  } catch (const std::bad_alloc&) {  // over RLIMIT_AS in our code (cmark itself aborts)
    return ErrorReply("out of memory");
  }
}

}  // namespace

// --- The worker process ---

int RunRenderWorker(size_t memory_bytes) {
#ifndef ENTRAIDE_ASAN  // AddressSanitizer reserves terabytes of address space for its shadow
  struct rlimit as {
    static_cast<rlim_t>(memory_bytes), static_cast<rlim_t>(memory_bytes)
  };
  ::setrlimit(RLIMIT_AS, &as);
#else
  (void)memory_bytes;
#endif
  InitMarkdown();
  if (!WriteFrame(STDOUT_FILENO, kHello)) return 1;
  for (;;) {
    uint32_t size = 0;
    if (!ReadFull(STDIN_FILENO, reinterpret_cast<char*>(&size), 4)) return 0;  // the server closed our stdin
    if (size > kMaxFrame) return 1;
    std::string request(size, '\0');
    if (!ReadFull(STDIN_FILENO, request.data(), size)) return 1;
    if (!WriteFrame(STDOUT_FILENO, Answer(request))) return 1;
  }
}

// --- The pool ---

struct RenderWorkers::Worker {
  pid_t pid = -1;
  int fd = -1;  // our end of the socket that is the worker's stdin and stdout

  Worker(pid_t p, int f) : pid(p), fd(f) {}
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;
  ~Worker() {  // kills and reaps: no zombie is left behind
    ::close(fd);
    ::kill(pid, SIGKILL);
    while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
  }

  // True when it has nothing to say: an idle worker that hung up or wrote is dead or broken.
  bool Quiet() const {
    struct pollfd pfd {
      fd, POLLIN, 0
    };
    return ::poll(&pfd, 1, 0) == 0;
  }

  enum class Outcome { kRendered, kNotSent, kFailed };

  // kNotSent: the worker was gone before it had the text (another worker may try); kFailed: it overran the
  // deadline, died or answered nonsense with the text in hand.
  Outcome Exchange(std::string_view request, SteadyClock::time_point deadline, Rendered& out) const {
    std::string frame;
    core::PutField(frame, request);
    Io sent = SendAll(fd, frame, deadline);
    if (sent == Io::kFailed) return Outcome::kNotSent;
    std::string reply;
    if (sent != Io::kOk || RecvFrame(fd, reply, deadline) != Io::kOk) return Outcome::kFailed;
    return DecodeReply(reply, out) ? Outcome::kRendered : Outcome::kFailed;
  }

  static core::StatusOr<std::unique_ptr<Worker>> Start(const WorkerOptions& options);
};

core::StatusOr<std::unique_ptr<RenderWorkers::Worker>> RenderWorkers::Worker::Start(const WorkerOptions& options) {
  auto failed = [&](const std::string& why) {
    return core::Unavailable("cannot start the renderer: " + options.binary + ": " + why);
  };
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) return failed(std::strerror(errno));
  // The worker gets its end as stdin and stdout and no other descriptor of ours (sockets, the database), the
  // default action for the signals we ignore or block (serve blocks SIGTERM and friends in every thread).
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, sv[1], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, sv[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclosefrom_np(&actions, STDERR_FILENO + 1);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  for (int sig : {SIGPIPE, SIGXCPU, SIGINT, SIGTERM, SIGQUIT, SIGHUP}) sigaddset(&defaults, sig);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::string memory = std::to_string(options.memory_bytes);
  std::string command = "render-worker";
  std::string binary = options.binary;
  char* argv[] = {binary.data(), command.data(), memory.data(), nullptr};
  // Nor our configuration: the worker reads none, and secrets (ENTRAIDE_MAIL_SMTP_PASSWORD) have no business in a
  // process that parses what people type.
  std::vector<char*> env;
  for (char** e = environ; *e; ++e)
    if (std::string_view(*e).rfind("ENTRAIDE_", 0) != 0) env.push_back(*e);
  env.push_back(nullptr);
  pid_t pid = -1;
  int rc = ::posix_spawn(&pid, binary.c_str(), &actions, &attr, argv, env.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(sv[1]);
  if (rc != 0) {
    ::close(sv[0]);
    return failed(std::strerror(rc));
  }
  auto worker = std::make_unique<Worker>(pid, sv[0]);  // from here on, a failure kills and reaps it
  if (::fcntl(sv[0], F_SETFL, O_NONBLOCK) != 0) return failed(std::strerror(errno));
  std::string hello;
  auto deadline = SteadyClock::now() + std::chrono::milliseconds(options.start_ms);
  if (RecvFrame(sv[0], hello, deadline) != Io::kOk || hello != kHello)
    return failed("it did not start as a render worker within " + std::to_string(options.start_ms) + " ms");
  return worker;
}

// A worker held by one caller; given back to the pool (or, broken, ended) when the lease goes.
class RenderWorkers::Lease {
 public:
  explicit Lease(RenderWorkers& pool) : pool_(pool) {}
  ~Lease() { Drop(true); }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;

  // Takes a worker if none is held; the Status of a failed start.
  core::Status Hold() {
    if (worker_) return core::Status::Ok();
    auto w = pool_.Acquire();
    if (!w.ok()) return w.status();
    worker_ = std::move(*w);
    return core::Status::Ok();
  }
  Worker& operator*() const { return *worker_; }
  Worker* operator->() const { return worker_.get(); }

  // Gives the worker back; a broken one is killed and its place freed for a new one.
  void Drop(bool healthy) {
    if (worker_) pool_.Release(std::move(worker_), healthy);
  }

 private:
  RenderWorkers& pool_;
  WorkerPtr worker_;
};

RenderWorkers::RenderWorkers(WorkerOptions options)
    : options_(std::move(options)),
      max_workers_(options_.max_workers > 0 ? options_.max_workers
                                            : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()))) {}

RenderWorkers::~RenderWorkers() = default;

core::StatusOr<RenderWorkers::WorkerPtr> RenderWorkers::Acquire() {
  WorkerPtr worker;
  {
    std::unique_lock lock(mu_);
    released_.wait(lock, [&] { return !idle_.empty() || live_ < max_workers_; });
    if (!idle_.empty()) {
      worker = std::move(idle_.back());
      idle_.pop_back();
    } else {
      ++live_;  // this caller starts one
    }
  }
  if (worker && worker->Quiet()) return worker;
  worker.reset();  // killed from outside while idle: a new one takes its place
  auto started = Worker::Start(options_);
  if (!started.ok()) {
    std::lock_guard lock(mu_);
    --live_;
    released_.notify_one();
  }
  return started;
}

void RenderWorkers::Release(WorkerPtr worker, bool healthy) {
  if (!healthy) worker.reset();  // SIGKILL and waitpid, outside the lock
  std::lock_guard lock(mu_);
  if (healthy)
    idle_.push_back(std::move(worker));
  else
    --live_;
  released_.notify_one();
}

std::vector<int> RenderWorkers::IdlePids() const {
  std::lock_guard lock(mu_);
  std::vector<int> pids;
  for (const auto& w : idle_) pids.push_back(w->pid);
  return pids;
}

std::vector<core::StatusOr<Rendered>> RenderWorkers::RenderMany(const std::vector<std::string_view>& texts,
                                                                const Limits& limits, const Options& options) {
  std::vector<core::StatusOr<Rendered>> results;
  results.reserve(texts.size());
  Lease lease(*this);  // one worker for the whole batch while it keeps up
  for (std::string_view text : texts) {
    if (text.size() > limits.max_bytes) {
      results.emplace_back(core::TooLarge("text is " + std::to_string(text.size()) + " bytes; the limit is " +
                                          std::to_string(limits.max_bytes) + " bytes"));
      continue;
    }
    if (!core::IsValidUtf8(text)) {
      results.emplace_back(core::InvalidArgument("text is not valid UTF-8"));
      continue;
    }
    std::string request = EncodeRequest(text, limits, options);
    Rendered r;
    auto outcome = Worker::Outcome::kNotSent;
    core::Status held;
    // A worker gone before it took the text (killed while idle) is replaced once; one that failed with the text
    // in hand is not given it again.
    for (int attempt = 0; attempt < 2 && outcome == Worker::Outcome::kNotSent && held.ok(); ++attempt) {
      held = lease.Hold();
      if (!held.ok()) break;
      // Each text has its own budget, from the moment it is sent.
      outcome = lease->Exchange(request, SteadyClock::now() + std::chrono::milliseconds(limits.budget_ms), r);
      if (outcome != Worker::Outcome::kRendered) lease.Drop(false);
    }
    if (!held.ok()) {
      results.emplace_back(held);
      continue;
    }
    if (outcome != Worker::Outcome::kRendered) r = Fallback(text);  // too slow, or it died: the words, escaped
    size_t cap = MaxHtmlBytes(text.size(), limits);
    if (r.html.size() > cap)  // even as escaped plain text
      results.emplace_back(core::InvalidArgument("the formatted text is too large (" +
                                                 std::to_string(r.html.size() / 1024) + " KiB; at most " +
                                                 std::to_string(cap / 1024) + " KiB); attach it as a file instead"));
    else
      results.emplace_back(std::move(r));
  }
  return results;
}

core::StatusOr<Rendered> RenderWorkers::Render(std::string_view text, const Limits& limits, const Options& options) {
  auto results = RenderMany({text}, limits, options);
  return std::move(results.front());
}

// --- The process's pool, for RenderBounded ---

namespace {
std::mutex process_pool_mu;
std::shared_ptr<RenderWorkers> process_pool;  // guarded by process_pool_mu

std::shared_ptr<RenderWorkers> ProcessPool() {
  std::lock_guard lock(process_pool_mu);
  return process_pool;
}
}  // namespace

void UseRenderWorkers(WorkerOptions options) {
  auto pool = std::make_shared<RenderWorkers>(std::move(options));
  std::lock_guard lock(process_pool_mu);
  process_pool.swap(pool);  // the old pool goes with its last user, outside the lock
}

std::vector<core::StatusOr<Rendered>> RenderBoundedMany(const std::vector<std::string_view>& texts,
                                                        const Limits& limits, const Options& options) {
  if (auto pool = ProcessPool()) return pool->RenderMany(texts, limits, options);
  return std::vector<core::StatusOr<Rendered>>(
      texts.size(), core::Unavailable("cannot start the renderer: no render worker (markdown::UseRenderWorkers)"));
}

core::StatusOr<Rendered> RenderBounded(std::string_view text, const Limits& limits, const Options& options) {
  auto results = RenderBoundedMany({text}, limits, options);
  return std::move(results.front());
}

}  // namespace entraide::markdown
