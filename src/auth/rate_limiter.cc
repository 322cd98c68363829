#include "auth/rate_limiter.h"

namespace entraide::auth {

std::deque<int64_t>& RateLimiter::Events(const std::string& key, int64_t now) {
  if (events_.size() > 100000) {
    // Forget idle keys so an attacker cycling addresses cannot grow memory without bound.
    for (auto it = events_.begin(); it != events_.end();)
      it = (it->second.empty() || it->second.back() <= now - window_) ? events_.erase(it) : std::next(it);
  }
  auto& q = events_[key];
  while (!q.empty() && q.front() <= now - window_) q.pop_front();
  return q;
}

int64_t RateLimiter::WaitFor(const std::deque<int64_t>& q, int64_t now) const {
  if (static_cast<int>(q.size()) < limit_) return 0;
  // The oldest event that must leave the window for the count to drop under the limit.
  return q[q.size() - limit_] + window_ - now;
}

int64_t RateLimiter::Hit(const std::string& key) {
  int64_t now = clock_.NowSeconds();
  std::lock_guard<std::mutex> lock(mu_);
  auto& q = Events(key, now);
  int64_t wait = WaitFor(q, now);
  if (wait == 0) q.push_back(now);
  return wait;
}

void RateLimiter::Forget(const std::string& key) {
  int64_t now = clock_.NowSeconds();
  std::lock_guard<std::mutex> lock(mu_);
  auto& q = Events(key, now);
  if (!q.empty()) q.pop_back();
}

void RateLimiter::Record(const std::string& key) {
  int64_t now = clock_.NowSeconds();
  std::lock_guard<std::mutex> lock(mu_);
  Events(key, now).push_back(now);
}

int RateLimiter::Count(const std::string& key) {
  int64_t now = clock_.NowSeconds();
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int>(Events(key, now).size());
}

}  // namespace entraide::auth
