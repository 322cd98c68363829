#include "core/random.h"

#include <sodium.h>

#include <cstdlib>
#include <vector>

#include "core/sha256.h"

namespace entraide::core {
namespace {

std::vector<uint8_t> RandomBytes(size_t n) {
  if (sodium_init() < 0) std::abort();
  std::vector<uint8_t> buf(n);
  randombytes_buf(buf.data(), n);
  return buf;
}

}  // namespace

std::string RandomHex(size_t bytes) {
  auto buf = RandomBytes(bytes);
  return HexEncode(buf.data(), buf.size());
}

std::string RandomToken() {
  auto buf = RandomBytes(32);
  char out[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(out, sizeof out, buf.data(), buf.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return out;
}

}  // namespace entraide::core
