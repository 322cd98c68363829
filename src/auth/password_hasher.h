// PasswordHasher: every password hash and check of the process, through one HashGate (at most
// max_parallel_hashes at once, 64 MiB each). SessionService and Directory share one (app/ makes it).
// Thread-safe.
//
// Never call it inside a write transaction: a turn may take seconds to come, and the process's writer lock would
// be held all that time. kUnavailable ("busy...") when no turn came in time; retry_after_s() says when to come back.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include "auth/hash_gate.h"
#include "auth/options.h"
#include "core/status.h"

namespace entraide::auth {

class PasswordHasher {
 public:
  // The dummy hash (below) is made on first need, or by Warm(): a command that checks no password (`mail
  // receive`, run once per message by the mail server) does not pay for an argon2id hash it never uses.
  explicit PasswordHasher(const AuthOptions& options);
  // Makes the dummy hash now (serve, at start: the first sign-in of an unknown address then takes no longer than
  // the others).
  void Warm() { (void)DummyHash(); }
  PasswordHasher(const PasswordHasher&) = delete;
  PasswordHasher& operator=(const PasswordHasher&) = delete;

  core::StatusOr<std::string> Hash(const std::string& password);
  // `hash` empty: checks a dummy hash instead (the same work, so timing reveals nothing) and answers false.
  core::StatusOr<bool> Verify(const std::string& hash, const std::string& password);
  // Checks a new password of the person with `email` and `name` (CheckPasswordQuality) and hashes it; nullopt
  // when `password` is empty.
  core::StatusOr<std::optional<std::string>> NewPasswordHash(const std::string& email, const std::string& name,
                                                             const std::string& password);

  int retry_after_s() const { return gate_.retry_after_s(); }
  int64_t busy_count() const { return busy_.load(std::memory_order_relaxed); }  // refusals of the gate since start
  HashGate& gate() { return gate_; }  // tests hold it to make the services busy

 private:
  core::Status Busy(core::Status st);  // counts a refusal of the gate
  const std::string& DummyHash();

  HashCost cost_;
  HashGate gate_;
  std::once_flag dummy_once_;
  std::string dummy_hash_;  // verified when there is no hash to check
  std::atomic<int64_t> busy_{0};
};

}  // namespace entraide::auth
