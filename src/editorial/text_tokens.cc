#include "editorial/text_tokens.h"

#include <cstddef>
#include <cstdint>

namespace entraide::editorial {
namespace {

// A UTF-8 code point that separates words although it is not ASCII: the Latin-1 punctuation and symbols
// (no-break space, « », ¡ ¿, §, °...), × and ÷, the general punctuation block (’ “ ” — – … and the narrow
// no-break space of French typography) and the ideographic space. Every other non-ASCII code point is part of
// a word ("Montréal").
bool IsSeparator(uint32_t cp) {
  return (cp >= 0x80 && cp <= 0xBF && cp != 0xAA && cp != 0xB5 && cp != 0xBA) || cp == 0xD7 || cp == 0xF7 ||
         (cp >= 0x2000 && cp <= 0x206F) || cp == 0x3000;
}

// The length of the UTF-8 sequence at `s[i]` and its code point; a stray or cut byte is one byte long and no
// separator (it stays in its word, so the bytes still come back as they were).
size_t Utf8At(std::string_view s, size_t i, uint32_t* cp) {
  auto b = static_cast<unsigned char>(s[i]);
  size_t len = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
  if (len == 1 || i + len > s.size()) {
    *cp = 0xFFFD;
    return 1;
  }
  uint32_t v = b & (0x3F >> (len - 1));
  for (size_t k = 1; k < len; ++k) {
    auto c = static_cast<unsigned char>(s[i + k]);
    if ((c & 0xC0) != 0x80) {
      *cp = 0xFFFD;
      return 1;
    }
    v = (v << 6) | (c & 0x3F);
  }
  *cp = v;
  return len;
}

bool IsAsciiWordByte(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

}  // namespace

std::vector<TextToken> TextTokens(std::string_view text) {
  std::vector<TextToken> out;
  size_t i = 0, word = std::string_view::npos;
  auto end_word = [&](size_t at) {
    if (word != std::string_view::npos) out.push_back({text.substr(word, at - word), true});
    word = std::string_view::npos;
  };
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    size_t len = 1;
    bool in_word = IsAsciiWordByte(c);
    if (c >= 0x80) {
      uint32_t cp = 0;
      len = Utf8At(text, i, &cp);
      in_word = !IsSeparator(cp);
    }
    if (in_word) {
      if (word == std::string_view::npos) word = i;
    } else {
      end_word(i);
      out.push_back({text.substr(i, len), false});
    }
    i += len;
  }
  end_word(text.size());
  return out;
}

}  // namespace entraide::editorial
