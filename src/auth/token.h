// Random secrets for sessions, links and CSRF: 256 bits from libsodium, URL-safe base64 without padding.
// Only their SHA-256 is stored. Thread-safe.
#pragma once

#include <string>

namespace entraide::auth {

std::string NewToken();                                  // 43 characters
std::string HashToken(const std::string& token);         // hex SHA-256
bool SecretsEqual(const std::string& a, const std::string& b);  // constant time (sodium_memcmp)

}  // namespace entraide::auth
