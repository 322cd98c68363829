// SHA-256 and HMAC-SHA256 (libsodium's), for content hashes, ETags and signed links. Not for passwords (auth/
// uses argon2id). Thread-safe functions; a Sha256 object is used by one thread at a time.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace entraide::core {

// A streaming hash (files read in chunks).
class Sha256 {
 public:
  Sha256();
  void Update(std::string_view data);
  std::array<uint8_t, 32> Finish();

 private:
  alignas(16) unsigned char state_[128];  // libsodium's crypto_hash_sha256_state, kept out of this header
};

// Lower-case hex digest of `data`.
std::string Sha256Hex(std::string_view data);
std::string HexEncode(const uint8_t* data, size_t n);

// HMAC-SHA256 (RFC 2104) of `data` under `key`: signs links that must work without a session (unsubscribe).
std::array<uint8_t, 32> HmacSha256(std::string_view key, std::string_view data);

}  // namespace entraide::core
