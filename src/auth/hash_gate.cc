#include "auth/hash_gate.h"

#include <algorithm>
#include <chrono>
#include <thread>

namespace entraide::auth {

namespace {
int Parallel(int max_parallel) {
  if (max_parallel > 0) return max_parallel;
  return std::max(1u, std::thread::hardware_concurrency());
}
}  // namespace

HashGate::HashGate(int max_parallel, int wait_ms)
    : max_parallel_(Parallel(max_parallel)), max_waiting_(4 * max_parallel_), wait_ms_(std::max(0, wait_ms)) {}

core::StatusOr<HashGate::Permit> HashGate::Acquire() {
  std::unique_lock<std::mutex> lock(mu_);
  if (running_ < max_parallel_ && waiting_ == 0) {
    ++running_;
    return Permit(this);
  }
  if (waiting_ >= max_waiting_ || wait_ms_ == 0)
    return core::Unavailable("busy: too many passwords are being checked at once").WithKey("auth_busy");
  ++waiting_;
  bool turn = freed_.wait_for(lock, std::chrono::milliseconds(wait_ms_), [this] { return running_ < max_parallel_; });
  --waiting_;
  if (!turn)
    return core::Unavailable("busy: no turn to check the password within " + std::to_string(wait_ms_) + " ms")
        .WithKey("auth_busy");
  ++running_;
  return Permit(this);
}

void HashGate::Release() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    --running_;
  }
  freed_.notify_one();
}

int HashGate::running() const {
  std::lock_guard<std::mutex> lock(mu_);
  return running_;
}

int HashGate::waiting() const {
  std::lock_guard<std::mutex> lock(mu_);
  return waiting_;
}

}  // namespace entraide::auth
