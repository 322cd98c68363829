// Runs the fuzz targets under GoogleTest (any compiler): over the seed corpus (with the inputs that once
// broke an invariant), then over deterministic mutations of it. The same targets build as libFuzzer binaries
// with -DENTRAIDE_FUZZ=ON (clang); scripts/fuzz runs them. A broken invariant aborts the test binary with
// the target's message (tests/fuzz/fuzz_util.h).
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <ostream>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "test_util.h"

extern "C" int FuzzFrontMatter(const uint8_t* data, size_t size);
extern "C" int FuzzHttpInput(const uint8_t* data, size_t size);
extern "C" int FuzzHttpServer(const uint8_t* data, size_t size);
extern "C" int FuzzMultipart(const uint8_t* data, size_t size);
extern "C" int FuzzMarkdown(const uint8_t* data, size_t size);
extern "C" int FuzzSearch(const uint8_t* data, size_t size);
extern "C" int FuzzInbound(const uint8_t* data, size_t size);

namespace entraide::testing {
namespace {

std::vector<std::string> Corpus(const std::string& name) {
  std::vector<std::string> out;
  std::string dir = SourceDir() + "/tests/fuzz/corpus/" + name;
  for (const auto& e : std::filesystem::directory_iterator(dir)) out.push_back(ReadFile(e.path().string()));
  return out;
}

struct Target {
  const char* corpus;  // tests/fuzz/corpus/<corpus>, also the test's name
  int (*fuzz)(const uint8_t*, size_t);
  int mutations;
};

void PrintTo(const Target& t, std::ostream* os) { *os << t.corpus; }

class FuzzReplayTest : public ::testing::TestWithParam<Target> {};

TEST_P(FuzzReplayTest, KeepsItsInvariantsOverItsCorpusAndMutationsOfIt) {
  const Target& t = GetParam();
  std::vector<std::string> seeds = Corpus(t.corpus);
  ASSERT_FALSE(seeds.empty());
  for (const auto& s : seeds) t.fuzz(reinterpret_cast<const uint8_t*>(s.data()), s.size());
  std::mt19937 rng(20261127);
  // (Sized by the array: a NUL and bytes of broken UTF-8 are among the bytes inserted.)
  static constexpr char kAlphabet[] = "-:\n\r\t []{}\"'%./\\=&;,#?*!|>_\x00\xc3\xa9\xff\xe2\x80";
  const std::string_view alphabet(kAlphabet, sizeof kAlphabet - 1);
  for (int i = 0; i < t.mutations; ++i) {
    std::string s = seeds[rng() % seeds.size()];
    int edits = 1 + static_cast<int>(rng() % 8);
    for (int e = 0; e < edits; ++e) {
      size_t pos = s.empty() ? 0 : rng() % (s.size() + 1);
      switch (rng() % 4) {
        case 0:
          s.insert(pos, 1, alphabet[rng() % alphabet.size()]);
          break;
        case 1:
          if (pos < s.size()) s.erase(pos, 1 + rng() % 4);
          break;
        case 2:
          if (pos < s.size()) s[pos] = static_cast<char>(rng() % 256);
          break;
        case 3:
          if (!s.empty()) s.insert(pos, s.substr(rng() % s.size(), 1 + rng() % 16));
          break;
      }
    }
    t.fuzz(reinterpret_cast<const uint8_t*>(s.data()), s.size());
  }
}

INSTANTIATE_TEST_SUITE_P(Targets, FuzzReplayTest,
                         ::testing::Values(Target{"front_matter", FuzzFrontMatter, 3000},
                                           Target{"http_input", FuzzHttpInput, 30000},
                                           Target{"http_server", FuzzHttpServer, 3000},
                                           Target{"multipart", FuzzMultipart, 3000},
                                           Target{"markdown", FuzzMarkdown, 3000}, Target{"search", FuzzSearch, 1000},
                                           Target{"inbound", FuzzInbound, 3000}),
                         [](const ::testing::TestParamInfo<Target>& info) { return std::string(info.param.corpus); });

}  // namespace
}  // namespace entraide::testing
