// SHA-256 (FIPS 180-4), for content hashes and ETags. Not for passwords (auth/ uses argon2id).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace entraide::core {

class Sha256 {
 public:
  Sha256();
  void Update(std::string_view data);
  std::array<uint8_t, 32> Finish();

 private:
  void Block(const uint8_t* p);
  uint32_t h_[8];
  uint8_t buf_[64];
  size_t buf_len_ = 0;
  uint64_t total_ = 0;
};

// Lower-case hex digest of `data`.
std::string Sha256Hex(std::string_view data);
std::string HexEncode(const uint8_t* data, size_t n);

// HMAC-SHA256 (RFC 2104) of `data` under `key`: signs links that must work without a session (unsubscribe).
std::array<uint8_t, 32> HmacSha256(std::string_view key, std::string_view data);

}  // namespace entraide::core
