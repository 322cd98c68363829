// Fuzz target: an article file's front matter and body parser (kb::ParseArticle).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_util.h"
#include "kb/content.h"

extern "C" int FuzzFrontMatter(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  entraide::kb::ArticleSource out;
  std::vector<entraide::kb::Problem> problems;
  bool ok = entraide::kb::ParseArticle(text, "en/fuzz.md", "en", out, problems);
  if (ok) FUZZ_CHECK(!out.title.empty());  // a parsed article always has a title
  entraide::kb::ParseCategories(text, problems);
  return 0;
}

ENTRAIDE_FUZZ_TARGET(FuzzFrontMatter)
