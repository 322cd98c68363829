#include "app/periodic_worker.h"

#include <chrono>
#include <utility>

namespace entraide::app {

PeriodicWorker::PeriodicWorker(int interval_s, std::function<void()> task)
    : interval_s_(interval_s), task_(std::move(task)) {}

PeriodicWorker::~PeriodicWorker() { Stop(); }

void PeriodicWorker::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { Run(); });
}

void PeriodicWorker::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool PeriodicWorker::RunNow(int timeout_ms) {
  std::unique_lock<std::mutex> lock(mu_);
  // A pass already running may have read before the call: wait for the one after it.
  int64_t target = passes_ + (running_ ? 2 : 1);
  asked_ = true;
  cv_.notify_all();
  return done_cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] { return passes_ >= target; });
}

void PeriodicWorker::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    running_ = true;
    asked_ = false;
    lock.unlock();
    task_();
    lock.lock();
    running_ = false;
    ++passes_;
    done_cv_.notify_all();
    cv_.wait_for(lock, std::chrono::seconds(interval_s_), [this] { return stop_ || asked_; });
  }
}

}  // namespace entraide::app
