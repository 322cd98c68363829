// Small string helpers on std::string_view. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace entraide::core {

std::string_view Trim(std::string_view s);
std::string ToLowerAscii(std::string_view s);
std::vector<std::string> Split(std::string_view s, char sep, bool skip_empty = false);
bool StartsWith(std::string_view s, std::string_view prefix);
bool EndsWith(std::string_view s, std::string_view suffix);
std::string Join(const std::vector<std::string>& parts, std::string_view sep);
// Replaces every occurrence of `from` (non-empty) by `to`.
std::string ReplaceAll(std::string_view s, std::string_view from, std::string_view to);

// True when `s` is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool IsValidUtf8(std::string_view s);
// `s` with each byte that does not begin a well-formed UTF-8 sequence replaced by U+FFFD (as a browser shows
// it); `s` itself when it is valid.
std::string ToValidUtf8(std::string_view s);
// The one way to shorten UTF-8 text without cutting a character in two (they back up over continuation bytes
// only; a valid text stays valid, an invalid one is cut as bytes):
// the longest prefix of `s` of at most `max_bytes` bytes that ends between two characters;
std::string_view Utf8Prefix(std::string_view s, size_t max_bytes);
// the longest suffix of `s` of at most `max_bytes` bytes that starts at a character;
std::string_view Utf8Suffix(std::string_view s, size_t max_bytes);
// the first `n` characters of `s` (all of it when it has fewer).
std::string_view Utf8FirstChars(std::string_view s, size_t n);
// Strips the accents of Latin letters used in French and English text and lower-cases ASCII:
// "Étape Déjà" -> "etape deja". Other bytes are kept. Used for slugs and heading ids, and by SQLite's
// entraide_fold (admin search of people). A fixed table on purpose, not the search's Unicode folding
// (search/text.h, utf8proc): what it makes goes into URLs that must never change, and core and store/ may not
// include utf8proc. The search's folding may follow Unicode because its index is rebuilt.
std::string FoldLatinForSlug(std::string_view s);
// A URL-safe id: folded, lower-case, [a-z0-9] runs joined by '-'. Empty when nothing is left.
std::string Slugify(std::string_view s);
// True for [a-z0-9]+ joined by single '-' (what Slugify produces), at most 120 bytes.
bool IsSlug(std::string_view s);

// The items of an HTTP list with q-values (Accept-Language, Accept-Encoding): "fr-CA, en;q=0.5" ->
// {"fr-ca", 1}, {"en", 0.5}. Items lower-cased; q is 1 when absent and 0 when it is not a number.
std::vector<std::pair<std::string, double>> ParseQualityList(std::string_view header);

// Constant-time comparison of two byte strings (length may leak).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// The name an erased person leaves behind (`entraide erase`), in users.name and in the names ticket history
// recorded: a control character, which no name can hold (names with one are refused), so it never stands for a
// real person. People read it as "a former member" in their language (i18n::Catalog::PersonName).
inline constexpr std::string_view kErasedName = "\x1f";

}  // namespace entraide::core
