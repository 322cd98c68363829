// RateLimiter: at most `limit` events per `window_s` seconds per key (sliding window). Thread-safe.
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
  RateLimiter(const core::Clock& clock, int limit, int64_t window_s) : clock_(clock), limit_(limit), window_(window_s) {}
  // Records an event for `key`. Returns 0 when allowed, else the seconds to wait (the event is not recorded).
  int64_t Hit(const std::string& key);

 private:
  const core::Clock& clock_;
  int limit_;
  int64_t window_;
  std::mutex mu_;
  std::map<std::string, std::deque<int64_t>> events_;
};

}  // namespace entraide::auth
