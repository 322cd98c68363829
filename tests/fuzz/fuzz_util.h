// Shared by the fuzz targets. FUZZ_CHECK states an invariant: when it does not hold, the expression and its
// line go to stderr and the process aborts, which libFuzzer reports as a crash (and keeps the input) and the
// replay test (fuzz_replay_test.cc) as a failed test. Each target defines `extern "C" int Fuzz<Name>(data,
// size)`, called by libFuzzer through LLVMFuzzerTestOneInput (ENTRAIDE_LIBFUZZER) and by the replay test.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#define FUZZ_CHECK(cond)                                                       \
  do {                                                                         \
    if (!(cond)) ::entraide::fuzz::InvariantFailed(#cond, __FILE__, __LINE__); \
  } while (0)

namespace entraide::fuzz {

[[noreturn]] inline void InvariantFailed(const char* what, const char* file, int line) {
  std::fprintf(stderr, "fuzz invariant failed: %s (%s:%d)\n", what, file, line);
  std::abort();
}

inline std::string_view AsText(const uint8_t* data, size_t size) { return {reinterpret_cast<const char*>(data), size}; }

}  // namespace entraide::fuzz

#ifdef ENTRAIDE_LIBFUZZER
#define ENTRAIDE_FUZZ_TARGET(function) \
  extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) { return function(data, size); }
#else
#define ENTRAIDE_FUZZ_TARGET(function)
#endif
