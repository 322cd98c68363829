// Passwords: argon2id hashes (libsodium crypto_pwhash_str) and quality checks: libpwquality (length, its cracklib
// dictionary, character classes) and zxcvbn's strength estimate, with common French words and passwords and the
// person's own name and email parts as extra dictionaries. Thread-safe.
//
// These functions hash without limit: the services call them only through PasswordHasher (its HashGate).
#pragma once

#include <string>

#include "core/status.h"

namespace entraide::auth {

inline constexpr size_t kMinPasswordLength = 10;
// zxcvbn's estimate, in bits, below which a password is refused: 2^40 (about 10^12) guesses. Above zxcvbn's own
// "very strong" (10^10); refuses motdepasse1 or Entraide2026, accepts four random words or 12 random characters.
inline constexpr double kMinPasswordEntropyBits = 40;

struct HashCost {
  unsigned long long ops;
  size_t mem;
  static HashCost Interactive();  // libsodium's INTERACTIVE limits (64 MiB): the production setting
  static HashCost Minimum();      // libsodium's MIN limits: tests only
};

// The refusal of a password shorter than kMinPasswordLength.
core::Status PasswordTooShort();
core::StatusOr<std::string> HashPassword(const std::string& password, const HashCost& cost);
// Constant-time verification (libsodium). False for a malformed hash.
bool VerifyPassword(const std::string& hash, const std::string& password);
// kInvalidArgument for the field "password" with the reason (too short, in the dictionary, too simple, contains
// the name, too easy to guess...): key error_password_short, or error_password_weak with the English reason
// as the argument "detail".
core::Status CheckPasswordQuality(const std::string& password, const std::string& email, const std::string& name);
// zxcvbn's estimate of the bits of entropy of `password`, knowing the French words and the person's name and
// email parts.
double PasswordEntropyBits(const std::string& password, const std::string& email, const std::string& name);

// The French word list compiled in (src/auth/french_words.txt, generated into the build): one word a line.
extern const char* const kFrenchWordsText;

}  // namespace entraide::auth
