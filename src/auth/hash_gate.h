// HashGate: a counting semaphore around password hashing. An argon2id hash at the INTERACTIVE cost takes 64 MiB
// and a CPU for a tenth of a second, so a burst of sign-ins could otherwise take the whole machine's memory.
// At most `max_parallel` hashes run at once in this process; a caller waits at most `wait_ms` for a turn, and
// at most `max_waiting` callers (4 x max_parallel) wait at once: beyond either, Acquire answers kUnavailable
// at once and retry_after_s() says when to come back. Thread-safe.
#pragma once

#include <condition_variable>
#include <mutex>

#include "core/status.h"

namespace entraide::auth {

class HashGate {
 public:
  // max_parallel <= 0: std::thread::hardware_concurrency() (at least 1).
  HashGate(int max_parallel, int wait_ms);
  HashGate(const HashGate&) = delete;
  HashGate& operator=(const HashGate&) = delete;

  // A turn: the hash may run while it lives (move-only; gives the turn back when destroyed).
  class Permit {
   public:
    explicit Permit(HashGate* gate) : gate_(gate) {}
    Permit(Permit&& other) noexcept : gate_(other.gate_) { other.gate_ = nullptr; }
    Permit& operator=(Permit&&) = delete;
    Permit(const Permit&) = delete;
    ~Permit() {
      if (gate_) gate_->Release();
    }

   private:
    HashGate* gate_;
  };

  // kUnavailable ("busy") when no turn frees up within wait_ms, or when max_waiting callers already wait.
  core::StatusOr<Permit> Acquire();

  int max_parallel() const { return max_parallel_; }
  int max_waiting() const { return max_waiting_; }
  // What to tell a refused caller (Retry-After): the longest wait, rounded up to whole seconds, at least 1.
  int retry_after_s() const { return wait_ms_ <= 0 ? 1 : (wait_ms_ + 999) / 1000; }
  int running() const;
  int waiting() const;  // callers blocked in Acquire now (tests wait for it to reach a number)

 private:
  void Release();

  const int max_parallel_;
  const int max_waiting_;
  const int wait_ms_;
  mutable std::mutex mu_;
  std::condition_variable freed_;
  int running_ = 0;
  int waiting_ = 0;
};

}  // namespace entraide::auth
