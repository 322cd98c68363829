// Secrets from libsodium's random source (getrandom(2)): sessions, CSRF, claims, link tokens, signing keys.
// Thread-safe. Aborts if libsodium cannot start: nothing sensible can go on without random bytes.
#pragma once

#include <cstddef>
#include <string>

namespace entraide::core {

// `bytes` random bytes as lower-case hex (2 * bytes characters).
std::string RandomHex(size_t bytes);
// 256 random bits as URL-safe base64 without padding (43 characters): session ids, CSRF and link tokens.
std::string RandomToken();

}  // namespace entraide::core
