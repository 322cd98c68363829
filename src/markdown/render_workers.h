// Bounded Markdown rendering in helper processes (what RenderBounded and RenderBoundedMany use).
//
// Debian's cmark-gfm has super-linear inputs and a thread cannot be cancelled, so texts are rendered by render
// workers: the entraide binary started with posix_spawn as `<binary> render-worker <memory bytes>` (a hidden
// command), which answers requests on its stdin/stdout until its stdin closes. Each frame is a 4-byte length and
// core/wire.h fields: a request is the options, the limits and the text; a reply is "ok" and the Rendered value
// (html, plain text, headings, links, over_cap) or "error" and a message. A worker runs under RLIMIT_AS for its
// life and RLIMIT_CPU per request; the caller waits for the reply with the wall-clock budget, and a worker that
// overruns it, dies or answers nonsense is killed (SIGKILL, then waitpid) and replaced, the text coming back as
// escaped plain paragraphs (fell_back), as from a slow render.
//
// Workers are started lazily, at most max_workers, each used by one caller at a time and kept for the next;
// callers beyond that wait for one. A worker found dead while idle (killed from outside) is replaced without
// failing anybody's render.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "markdown/markdown.h"

namespace entraide::markdown {

struct WorkerOptions {
  std::string binary;                       // an entraide executable: "/proc/self/exe" in entraide itself
  int max_workers = 0;                      // processes at most; 0: one per CPU
  size_t memory_bytes = size_t{512} << 20;  // RLIMIT_AS of each worker (none under AddressSanitizer)
  int start_ms = 10000;                     // time a new worker has to say it is ready; not part of any render's
                                            // budget (starting the binary would eat a 100 ms budget on a busy host)
};

// A pool of render workers. Thread-safe. The destructor kills and reaps every worker; none may be in use then.
class RenderWorkers {
 public:
  explicit RenderWorkers(WorkerOptions options);
  ~RenderWorkers();
  RenderWorkers(const RenderWorkers&) = delete;
  RenderWorkers& operator=(const RenderWorkers&) = delete;

  // RenderBounded and RenderBoundedMany (markdown.h) with these workers. kUnavailable when no worker starts.
  core::StatusOr<Rendered> Render(std::string_view text, const Limits& limits, const Options& options = {});
  std::vector<core::StatusOr<Rendered>> RenderMany(const std::vector<std::string_view>& texts, const Limits& limits,
                                                   const Options& options = {});

  std::vector<int> IdlePids() const;  // the process ids of the workers waiting for work (for tests)

 private:
  struct Worker;
  using WorkerPtr = std::unique_ptr<Worker>;
  class Lease;

  core::StatusOr<WorkerPtr> Acquire();
  void Release(WorkerPtr worker, bool healthy);

  const WorkerOptions options_;
  const int max_workers_;
  mutable std::mutex mu_;
  std::condition_variable released_;
  std::vector<WorkerPtr> idle_;  // guarded by mu_
  int live_ = 0;                 // idle, leased or starting; guarded by mu_
};

// Makes RenderBounded and RenderBoundedMany use a pool of workers started from `options.binary`. Until it is
// called they return kUnavailable. Call at start; calling again replaces the pool (renders in flight finish on
// the old one, which goes when they are done).
void UseRenderWorkers(WorkerOptions options);

// The hidden `entraide render-worker` command: limits its address space to `memory_bytes`, says it is ready, then
// answers requests from stdin on stdout until stdin ends. Returns the exit code (0 at the end of stdin).
int RunRenderWorker(size_t memory_bytes);

}  // namespace entraide::markdown
