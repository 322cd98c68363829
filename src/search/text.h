// Text folding for search: accents are removed at index and query time (utf8proc), so "montreal" finds
// "Montréal" and "ethique" finds "éthique". Also the character classes other folders need from utf8proc,
// which lives here (StripFormatCharacters). Pure functions; thread-safe.
//
// One of the tree's two accent folders, on purpose. This one follows Unicode (utf8proc: every script's marks,
// compatibility forms, case folding) and may change with a utf8proc upgrade, which is harmless: the index is
// derived and rebuilt. core::FoldLatinForSlug is the other: a fixed table of French and English Latin letters
// for what must never change once written, the URLs people keep (article slugs, heading ids) and the
// entraide_fold function SQLite uses for the admin's search of people (store/ cannot include utf8proc, and
// slugs must not move when Unicode does).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace entraide::search {

// Removes combining marks (accents) and normalises to NFC; apostrophes become spaces (French elision:
// "l'organisme" -> "l organisme"). Keeps case, so query operators (OR, AND, NOT) survive.
// Invalid UTF-8 comes back empty.
std::string StripAccents(std::string_view text);
// Unicode case folding only (NFC, accents kept): "Hameçonné" -> "hameçonné". Invalid UTF-8 comes back empty.
std::string LowerCase(std::string_view text);
// StripAccents + Unicode case folding: the form terms are compared in.
std::string FoldForCompare(std::string_view text);

// Splits text into words (letters, digits, apostrophes inside words are separators) with their byte spans,
// for snippets. Each word is also returned folded.
struct Word {
  size_t begin, end;   // byte span in the original text
  std::string folded;  // FoldForCompare of the word
};
std::vector<Word> SplitWords(std::string_view text);
// The same spans, without folding (Word::folded stays empty).
std::vector<Word> WordSpans(std::string_view text);

// `text` without the characters that change how the rest looks without being seen: format characters
// (general category Cf: bidi controls such as U+202E and U+2066-U+2069, zero-width spaces and joiners, U+FEFF),
// controls (Cc: C0, DEL, C1) and line and paragraph separators (Zl, Zp). Invalid UTF-8 bytes are dropped too.
std::string StripFormatCharacters(std::string_view text);

// The length of the UTF-8 character at text[i] (not ASCII), with whether it is a letter, a mark or a digit;
// 1 and false for an invalid byte.
size_t NonAsciiCharAt(std::string_view text, size_t i, bool& word_char);

// Calls each(begin, end) for the byte span of every word of `text`, as WordSpans finds them, without
// building anything: for long texts where few words matter (snippets).
template <class Each>
void ForEachWord(std::string_view text, Each&& each) {
  constexpr size_t kNone = static_cast<size_t>(-1);
  size_t i = 0, start = kNone;
  while (i < text.size()) {
    auto byte = static_cast<unsigned char>(text[i]);
    bool word_char;
    size_t len = 1;
    if (byte < 0x80) {  // ASCII: letters and digits are word characters, the rest is not
      word_char = (byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') || (byte >= '0' && byte <= '9');
    } else {
      len = NonAsciiCharAt(text, i, word_char);
    }
    if (word_char) {
      if (start == kNone) start = i;
    } else if (start != kNone) {
      each(start, i);
      start = kNone;
    }
    i += len;
  }
  if (start != kNone) each(start, text.size());
}

}  // namespace entraide::search
