// RateLimiter: at most `limit` events per `window_s` seconds per key (sliding window, on the injected Clock).
// Hit counts an attempt when it is allowed; Forget gives the newest event of a key back (an attempt that turned
// out well: only failures stay counted); Record counts an event whatever the count. Thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>

#include "core/clock.h"

namespace entraide::auth {

class RateLimiter {
 public:
  RateLimiter(const core::Clock& clock, int limit, int64_t window_s)
      : clock_(clock), limit_(limit), window_(window_s) {}
  // Records an event for `key`. Returns 0 when allowed, else the seconds to wait (the event is not recorded).
  int64_t Hit(const std::string& key);
  // Removes the newest event of `key` (after a Hit whose attempt succeeded).
  void Forget(const std::string& key);
  // Records an event for `key`, whatever the count.
  void Record(const std::string& key);
  // The events of `key` in the window.
  int Count(const std::string& key);

 private:
  // The events of `key` still in the window (older ones dropped); mu_ held.
  std::deque<int64_t>& Events(const std::string& key, int64_t now);
  int64_t WaitFor(const std::deque<int64_t>& q, int64_t now) const;

  const core::Clock& clock_;
  int limit_;
  int64_t window_;
  std::mutex mu_;
  std::map<std::string, std::deque<int64_t>> events_;
};

}  // namespace entraide::auth
