// Escaping and decoding for HTML, URLs, query strings and JSON strings. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace entraide::core {

// Escapes & < > " ' for HTML text and attribute values.
std::string HtmlEscape(std::string_view s);
void AppendHtmlEscaped(std::string& out, std::string_view s);

// Percent-encodes everything but unreserved characters (RFC 3986 section 2.3).
std::string UrlEncodeComponent(std::string_view s);
// path?k1=v1&k2=v2 with each value percent-encoded, in the order given; pairs with an empty value are left
// out (and so is the "?" when none is left). Keys are written as they are: pass plain names.
std::string UrlWithQuery(std::string_view path, const std::vector<std::pair<std::string, std::string>>& params);

// Decodes %XX escapes (and '+' as space when plus_is_space). nullopt on a malformed escape.
std::optional<std::string> PercentDecode(std::string_view s, bool plus_is_space);

// Parses application/x-www-form-urlencoded text (also used for URL query strings).
// Pairs in order; a key without '=' has an empty value. nullopt on a malformed escape.
// At most max_pairs pairs are accepted; more is an error (nullopt).
using FormPairs = std::vector<std::pair<std::string, std::string>>;
std::optional<FormPairs> ParseFormUrlEncoded(std::string_view s, size_t max_pairs = 256);

// Escapes a string for inclusion in a JSON string literal (without the quotes).
void AppendJsonEscaped(std::string& out, std::string_view s);
std::string JsonQuote(std::string_view s);

// `s` between double quotes, C style: \" \\ \n \r \t, and \xNN for the other control characters and DEL
// (what logfmt values and YAML double-quoted scalars both read back).
void AppendDoubleQuoted(std::string& out, std::string_view s);

// Escapes text for XML character data and attributes (Atom feeds).
std::string XmlEscape(std::string_view s);

}  // namespace entraide::core
