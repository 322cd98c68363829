// Text folding for search: accents are removed at index and query time (utf8proc), so "montreal" finds
// "Montréal" and "ethique" finds "éthique". Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace entraide::search {

// Removes combining marks (accents) and normalises to NFC; apostrophes become spaces (French elision:
// "l'organisme" -> "l organisme"). Keeps case, so query operators (OR, AND, NOT) survive.
// Invalid UTF-8 comes back empty.
std::string StripAccents(std::string_view text);
// StripAccents + Unicode case folding: the form terms are compared in.
std::string FoldForCompare(std::string_view text);

// Splits text into words (letters, digits, apostrophes inside words are separators) with their byte spans,
// for snippets. Each word is also returned folded.
struct Word {
  size_t begin, end;   // byte span in the original text
  std::string folded;  // FoldForCompare of the word
};
std::vector<Word> SplitWords(std::string_view text);
// The same spans, without folding (Word::folded stays empty): for long texts where few words matter.
std::vector<Word> WordSpans(std::string_view text);

}  // namespace entraide::search
