// PeriodicWorker: one thread of `serve` that runs a task at start and then every `interval_s` seconds, or at once
// when asked (RunNow). Used for the retention of closed tickets (privacy.closed_ticket_retention_days): a pass
// that finds nothing costs one indexed read, so hourly is plenty for a limit counted in days.
// Start/Stop/RunNow are thread-safe; the task runs on the worker's thread only.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace entraide::app {

class PeriodicWorker {
 public:
  PeriodicWorker(int interval_s, std::function<void()> task);
  ~PeriodicWorker();
  PeriodicWorker(const PeriodicWorker&) = delete;
  PeriodicWorker& operator=(const PeriodicWorker&) = delete;

  void Start();
  void Stop();
  // Asks for a pass now and waits until a whole pass that started after the call is over (true), or timeout_ms.
  bool RunNow(int timeout_ms);

 private:
  void Run();
  int interval_s_;
  std::function<void()> task_;
  std::mutex mu_;
  std::condition_variable cv_, done_cv_;
  bool stop_ = false, asked_ = false, running_ = false;
  int64_t passes_ = 0;
  std::thread thread_;
};

}  // namespace entraide::app
