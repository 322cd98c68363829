#include "core/sha256.h"

#include <sodium.h>

namespace entraide::core {
namespace {

static_assert(sizeof(crypto_hash_sha256_state) <= 128 && alignof(crypto_hash_sha256_state) <= 16);

const unsigned char* Bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

crypto_hash_sha256_state* State(unsigned char* p) { return reinterpret_cast<crypto_hash_sha256_state*>(p); }

}  // namespace

Sha256::Sha256() { crypto_hash_sha256_init(State(state_)); }

void Sha256::Update(std::string_view data) { crypto_hash_sha256_update(State(state_), Bytes(data), data.size()); }

std::array<uint8_t, 32> Sha256::Finish() {
  std::array<uint8_t, 32> out{};
  crypto_hash_sha256_final(State(state_), out.data());
  return out;
}

std::string HexEncode(const uint8_t* data, size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), data, n);
  out.pop_back();
  return out;
}

std::string Sha256Hex(std::string_view data) {
  std::array<uint8_t, crypto_hash_sha256_BYTES> d{};
  crypto_hash_sha256(d.data(), Bytes(data), data.size());
  return HexEncode(d.data(), d.size());
}

std::array<uint8_t, 32> HmacSha256(std::string_view key, std::string_view data) {
  // crypto_auth_hmacsha256 takes a 32-byte key only; the _init form takes any length (longer keys hashed first).
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, Bytes(key), key.size());
  crypto_auth_hmacsha256_update(&st, Bytes(data), data.size());
  std::array<uint8_t, 32> out{};
  crypto_auth_hmacsha256_final(&st, out.data());
  return out;
}

}  // namespace entraide::core
