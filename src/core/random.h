// Secrets from the kernel's random source (getrandom(2)): claims, link tokens, signing keys.
// Thread-safe. Aborts if the kernel cannot give random bytes: nothing sensible can go on without them.
#pragma once

#include <cstddef>
#include <string>

namespace entraide::core {

// `bytes` random bytes as lower-case hex (2 * bytes characters).
std::string RandomHex(size_t bytes);

}  // namespace entraide::core
