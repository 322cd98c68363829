#include "auth/rate_limiter.h"

namespace entraide::auth {

int64_t RateLimiter::Hit(const std::string& key) {
  int64_t now = clock_.NowSeconds();
  std::lock_guard<std::mutex> lock(mu_);
  if (events_.size() > 100000) {
    // Forget idle keys so an attacker cycling addresses cannot grow memory without bound.
    for (auto it = events_.begin(); it != events_.end();)
      it = (it->second.empty() || it->second.back() <= now - window_) ? events_.erase(it) : std::next(it);
  }
  auto& q = events_[key];
  while (!q.empty() && q.front() <= now - window_) q.pop_front();
  if (static_cast<int>(q.size()) >= limit_) return q.front() + window_ - now;
  q.push_back(now);
  return 0;
}

}  // namespace entraide::auth
