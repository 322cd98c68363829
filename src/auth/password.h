// Passwords: argon2id hashes (libsodium crypto_pwhash_str) and quality checks (libpwquality, with its
// cracklib dictionary). Thread-safe.
#pragma once

#include <string>

#include "core/status.h"

namespace entraide::auth {

inline constexpr size_t kMinPasswordLength = 10;

struct HashCost {
  unsigned long long ops;
  size_t mem;
  static HashCost Interactive();  // libsodium's INTERACTIVE limits: the production setting
  static HashCost Minimum();      // libsodium's MIN limits: tests only
};

core::StatusOr<std::string> HashPassword(const std::string& password, const HashCost& cost);
// Constant-time verification (libsodium). False for a malformed hash.
bool VerifyPassword(const std::string& hash, const std::string& password);
// kInvalidArgument with the reason (too short, in the dictionary, too simple, contains the name...).
core::Status CheckPasswordQuality(const std::string& password, const std::string& email, const std::string& name);

}  // namespace entraide::auth
