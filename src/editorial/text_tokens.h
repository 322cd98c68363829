// Words as the editorial room reads them (the word diff, the scrubber): maximal runs of ASCII letters and
// digits and non-ASCII code points that are not punctuation or spaces ("Montréal" is one word; the no-break
// space, « », ’ and — separate words); every other character is a token of its own. A stray UTF-8 byte stays in
// its word, so joining the tokens always gives the text back. Pure.
#pragma once

#include <string_view>
#include <vector>

namespace entraide::editorial {

struct TextToken {
  std::string_view text;
  bool word = false;
};

std::vector<TextToken> TextTokens(std::string_view text);

}  // namespace entraide::editorial
