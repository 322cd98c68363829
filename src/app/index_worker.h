// IndexWorker: the one thread of `serve` that writes the search index. It builds the index when there is
// none, then drains the store's index_queue every `poll_ms` (or at once when poked). When another process
// holds the writer lock (a running `entraide reindex`), it tries again on the next round.
// Start/Stop/Poke/WaitIdle are thread-safe.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "search/resources.h"

namespace entraide::app {

class IndexWorker {
 public:
  IndexWorker(std::string db_path, std::string data_dir, const search::Resources& resources, int poll_ms = 1000);
  ~IndexWorker();
  void Start();
  void Stop();
  void Poke();
  // Blocks until the index exists and the queue is empty (true), or `timeout_ms` passed (false).
  bool WaitIdle(int timeout_ms);
  // Called once in the worker's thread, the first time the index exists, before the queue is drained (serve
  // warms the searcher with it, so that pages are served while search reads the index). Set before Start.
  void SetReadyHook(std::function<void()> hook) { ready_hook_ = std::move(hook); }

 private:
  void Run();
  std::string db_path_, data_dir_;
  const search::Resources& resources_;
  int poll_ms_;
  std::mutex mu_;
  std::condition_variable cv_, idle_cv_;
  bool stop_ = false, poked_ = false, idle_ = false;
  std::function<void()> ready_hook_;
  std::thread thread_;
};

}  // namespace entraide::app
