#include "auth/password_hasher.h"

#include "core/random.h"

namespace entraide::auth {

PasswordHasher::PasswordHasher(const AuthOptions& options)
    : cost_(options.hash_cost), gate_(options.max_parallel_hashes, options.hash_wait_ms) {}

const std::string& PasswordHasher::DummyHash() {
  // Outside the gate: it is made once, before (or instead of) the first check that needs it.
  std::call_once(dummy_once_, [this] {
    auto h = HashPassword(core::RandomToken(), cost_);
    if (h.ok()) dummy_hash_ = *h;
  });
  return dummy_hash_;
}

core::StatusOr<std::string> PasswordHasher::Hash(const std::string& password) {
  auto permit = gate_.Acquire();
  if (!permit.ok()) return Busy(permit.status());
  return HashPassword(password, cost_);
}

core::StatusOr<bool> PasswordHasher::Verify(const std::string& hash, const std::string& password) {
  auto permit = gate_.Acquire();
  if (!permit.ok()) return Busy(permit.status());
  return VerifyPassword(hash.empty() ? DummyHash() : hash, password) && !hash.empty();
}

core::StatusOr<std::optional<std::string>> PasswordHasher::NewPasswordHash(const std::string& email,
                                                                           const std::string& name,
                                                                           const std::string& password) {
  if (password.empty()) return std::optional<std::string>();
  ENTRAIDE_RETURN_IF_ERROR(CheckPasswordQuality(password, email, name));
  auto hash = Hash(password);
  if (!hash.ok()) return hash.status();
  return std::optional<std::string>(std::move(hash).value());
}

core::Status PasswordHasher::Busy(core::Status st) {
  busy_.fetch_add(1, std::memory_order_relaxed);
  return st;
}

}  // namespace entraide::auth
