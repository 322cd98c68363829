#include "core/random.h"

#include <sys/random.h>

#include <cstdint>
#include <cstdlib>
#include <vector>

#include "core/sha256.h"

namespace entraide::core {

std::string RandomHex(size_t bytes) {
  std::vector<uint8_t> buf(bytes);
  size_t got = 0;
  while (got < bytes) {
    ssize_t n = getrandom(buf.data() + got, bytes - got, 0);
    if (n <= 0) std::abort();  // the kernel's random source is gone: nothing sensible to do
    got += static_cast<size_t>(n);
  }
  return HexEncode(buf.data(), buf.size());
}

}  // namespace entraide::core
