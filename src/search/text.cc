#include "search/text.h"

#include <utf8proc.h>

#include <cstdlib>
#include <optional>

namespace entraide::search {
namespace {

// utf8proc_map; nullopt for invalid UTF-8.
std::optional<std::string> Map(std::string_view text, int options) {
  utf8proc_uint8_t* out = nullptr;
  utf8proc_ssize_t n =
      utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()), static_cast<utf8proc_ssize_t>(text.size()),
                   &out, static_cast<utf8proc_option_t>(options));
  if (n < 0) return std::nullopt;
  std::string result(reinterpret_cast<char*>(out), static_cast<size_t>(n));
  std::free(out);
  return result;
}

// utf8proc_map over the non-ASCII runs only; ASCII bytes are copied (lowercased when `lower`). English and
// French text is mostly ASCII, and mapping run by run gives the same result as mapping the whole text: an
// ASCII character composes with nothing that follows but a combining mark, which these options strip.
// "" for invalid UTF-8, as utf8proc_map of the whole text.
std::string MapNonAscii(std::string_view text, int options, bool lower) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    size_t j = i;
    while (j < text.size() && static_cast<unsigned char>(text[j]) < 0x80) ++j;
    for (size_t k = i; k < j; ++k) {
      char c = text[k];
      out += lower && c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    }
    if (j == text.size()) break;
    i = j;
    while (j < text.size() && static_cast<unsigned char>(text[j]) >= 0x80) ++j;
    auto mapped = Map(text.substr(i, j - i), options);
    if (!mapped) return std::string();
    out += *mapped;
    i = j;
  }
  return out;
}

}  // namespace

std::string StripAccents(std::string_view text) {
  std::string out = MapNonAscii(text, UTF8PROC_COMPOSE | UTF8PROC_STRIPMARK, false);
  // French elision ("l'organisme", "qu'il") and typographic apostrophes: split the words, so that
  // "organisme" finds "l'organisme". Xapian would otherwise keep "l'organisme" as one term.
  std::string result;
  result.reserve(out.size());
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] == '\'') {
      result += ' ';
    } else if (out.compare(i, 3, "\xE2\x80\x99") == 0 || out.compare(i, 3, "\xE2\x80\x98") == 0) {
      result += ' ';  // U+2019, U+2018
      i += 2;
    } else if (out.compare(i, 2, "\xCA\xBC") == 0) {
      result += ' ';  // U+02BC
      i += 1;
    } else {
      result += out[i];
    }
  }
  return result;
}

std::string LowerCase(std::string_view text) { return MapNonAscii(text, UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD, true); }

std::string FoldForCompare(std::string_view text) {
  return MapNonAscii(text, UTF8PROC_COMPOSE | UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD, true);
}

std::vector<Word> SplitWords(std::string_view text) {
  std::vector<Word> words = WordSpans(text);
  for (auto& w : words) w.folded = FoldForCompare(text.substr(w.begin, w.end - w.begin));
  return words;
}

size_t NonAsciiCharAt(std::string_view text, size_t i, bool& word_char) {
  utf8proc_int32_t cp = 0;
  utf8proc_ssize_t len = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(text.data() + i),
                                          static_cast<utf8proc_ssize_t>(text.size() - i), &cp);
  if (len <= 0) {
    word_char = false;
    return 1;
  }
  utf8proc_category_t cat = utf8proc_category(cp);
  word_char = (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
              (cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME) || cat == UTF8PROC_CATEGORY_ND;
  return static_cast<size_t>(len);
}

std::string StripFormatCharacters(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    utf8proc_int32_t cp = 0;
    utf8proc_ssize_t len = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(text.data() + i),
                                            static_cast<utf8proc_ssize_t>(text.size() - i), &cp);
    if (len <= 0) {  // an invalid byte
      ++i;
      continue;
    }
    utf8proc_category_t cat = utf8proc_category(cp);
    if (cat != UTF8PROC_CATEGORY_CF && cat != UTF8PROC_CATEGORY_CC && cat != UTF8PROC_CATEGORY_ZL &&
        cat != UTF8PROC_CATEGORY_ZP)
      out.append(text.data() + i, static_cast<size_t>(len));
    i += static_cast<size_t>(len);
  }
  return out;
}

std::vector<Word> WordSpans(std::string_view text) {
  std::vector<Word> words;
  ForEachWord(text, [&](size_t begin, size_t end) { words.push_back({begin, end, std::string()}); });
  return words;
}

}  // namespace entraide::search
