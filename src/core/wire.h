// Length-prefixed fields (4-byte host-order length, then the bytes) for data this program writes and reads
// back itself: Xapian document data, the bounded renderer's pipe. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace entraide::core {

inline void PutField(std::string& out, std::string_view s) {
  auto n = static_cast<uint32_t>(s.size());
  out.append(reinterpret_cast<const char*>(&n), 4);
  out.append(s);
}

// Reads one field from the front of `in`; false when `in` is too short.
inline bool GetField(std::string_view& in, std::string& out) {
  if (in.size() < 4) return false;
  uint32_t n;
  std::memcpy(&n, in.data(), 4);
  in.remove_prefix(4);
  if (in.size() < n) return false;
  out.assign(in.substr(0, n));
  in.remove_prefix(n);
  return true;
}

}  // namespace entraide::core
