// Fuzz target: Markdown rendering in this process (markdown::RenderUnbounded, what RenderBounded's workers
// run), on text up to the size people may send (64 KiB), with the heading level from the first byte.
// Invariants: the HTML holds only the tags and attributes the renderer writes (raw HTML never passes), every
// href and src is a URL a browser would read as relative, http, https or mailto, each heading has its unique
// id on its tag, and the HTML, the plain text and the table of contents are valid UTF-8. The fallback
// (PlainParagraphsHtml) writes only paragraphs and line breaks; IsSafeUrl never accepts a URL whose scheme a
// browser would read as something else.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "core/escape.h"
#include "core/strings.h"
#include "fuzz_util.h"
#include "markdown/markdown.h"

namespace entraide::fuzz {
namespace {

bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

// The scheme a browser reads in a URL (WHATWG URL parser): leading and trailing C0 controls and spaces are
// stripped, tabs and line breaks removed, then a letter followed by letters, digits, '+', '-' or '.' up to
// ':'. Lower case; "" when the URL is relative.
std::string BrowserScheme(std::string_view url) {
  while (!url.empty() && static_cast<unsigned char>(url.front()) <= 0x20) url.remove_prefix(1);
  while (!url.empty() && static_cast<unsigned char>(url.back()) <= 0x20) url.remove_suffix(1);
  std::string s;
  for (char c : url)
    if (c != '\t' && c != '\n' && c != '\r') s += c;
  if (s.empty() || !IsAsciiAlpha(s[0])) return "";
  size_t i = 1;
  while (i < s.size() && (IsAsciiAlpha(s[i]) || IsAsciiDigit(s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.')) ++i;
  if (i == s.size() || s[i] != ':') return "";
  return core::ToLowerAscii(s.substr(0, i));
}

bool BrowserSafe(std::string_view url) {
  std::string scheme = BrowserScheme(url);
  return scheme.empty() || scheme == "http" || scheme == "https" || scheme == "mailto";
}

// An attribute value as the browser reads it: the character references the renderer writes decoded.
std::string DecodeAttribute(std::string_view v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] != '&') {
      out += v[i];
      continue;
    }
    size_t semi = v.find(';', i);
    FUZZ_CHECK(semi != std::string_view::npos);
    std::string_view ref = v.substr(i + 1, semi - i - 1);
    if (ref == "amp")
      out += '&';
    else if (ref == "lt")
      out += '<';
    else if (ref == "gt")
      out += '>';
    else if (ref == "quot")
      out += '"';
    else if (core::StartsWith(ref, "#x") || core::StartsWith(ref, "#X"))
      out += static_cast<char>(std::stoi(std::string(ref.substr(2)), nullptr, 16));
    else if (core::StartsWith(ref, "#"))
      out += static_cast<char>(std::stoi(std::string(ref.substr(1))));
    else
      InvariantFailed("an unknown character reference in an attribute", __FILE__, __LINE__);
    i = semi;
  }
  return out;
}

// Walks the HTML: every '<' opens a tag of `tags` (or is the renderer's comment for dropped raw HTML), with
// attributes of `attributes` only, quoted, and '>' appears only to close a tag. Returns the ids seen.
std::multiset<std::string> CheckMarkup(std::string_view html, const std::set<std::string_view>& tags,
                                       const std::set<std::string_view>& attributes) {
  static constexpr std::string_view kDropped = "<!-- raw HTML omitted -->";
  std::multiset<std::string> ids;
  size_t pos = 0;
  for (;;) {
    size_t lt = html.find_first_of("<>", pos);
    if (lt == std::string_view::npos) break;
    FUZZ_CHECK(html[lt] == '<');
    if (html.substr(lt, kDropped.size()) == kDropped) {
      pos = lt + kDropped.size();
      continue;
    }
    size_t i = lt + 1;
    if (i < html.size() && html[i] == '/') ++i;
    size_t name_start = i;
    while (i < html.size() && (IsAsciiAlpha(html[i]) || IsAsciiDigit(html[i]))) ++i;
    FUZZ_CHECK(tags.count(html.substr(name_start, i - name_start)));
    for (;;) {
      while (i < html.size() && html[i] == ' ') ++i;
      FUZZ_CHECK(i < html.size());
      if (html[i] == '>') break;
      if (html.substr(i, 2) == "/>") {
        ++i;
        break;
      }
      size_t attr_start = i;
      while (i < html.size() && IsAsciiAlpha(html[i])) ++i;
      std::string_view attr = html.substr(attr_start, i - attr_start);
      FUZZ_CHECK(attributes.count(attr));
      FUZZ_CHECK(html.substr(i, 2) == "=\"");
      i += 2;
      size_t close = html.find('"', i);
      FUZZ_CHECK(close != std::string_view::npos);
      std::string_view value = html.substr(i, close - i);
      FUZZ_CHECK(value.find_first_of("<>") == std::string_view::npos);
      std::string decoded = DecodeAttribute(value);
      if (attr == "href" || attr == "src") FUZZ_CHECK(BrowserSafe(decoded));
      if (attr == "id") ids.insert(decoded);
      i = close + 1;
    }
    pos = i + 1;
  }
  return ids;
}

void CheckRendered(const markdown::Rendered& r, int min_level) {
  static const std::set<std::string_view> kTags = {
      "p",          "h1", "h2", "h3", "h4",    "h5",    "h6",    "a",  "img", "em", "strong", "del", "code",  "pre",
      "blockquote", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th",  "td", "hr",     "br",  "input", "label"};
  static const std::set<std::string_view> kAttributes = {"href", "src",     "alt",      "title", "id",   "class",
                                                         "type", "checked", "disabled", "align", "start"};
  FUZZ_CHECK(!r.fell_back && !r.over_cap);
  std::multiset<std::string> ids = CheckMarkup(r.html, kTags, kAttributes);
  FUZZ_CHECK(ids.size() == r.headings.size());
  std::set<std::string> unique;
  for (const auto& h : r.headings) {
    FUZZ_CHECK(h.level >= min_level && h.level <= 6);
    FUZZ_CHECK(!h.id.empty() && unique.insert(h.id).second);
    FUZZ_CHECK(ids.count(h.id) == 1);
    FUZZ_CHECK(r.html.find("<h" + std::to_string(h.level) + " id=\"" + core::HtmlEscape(h.id) + "\">") !=
               std::string::npos);
    FUZZ_CHECK(core::IsValidUtf8(h.id) && core::IsValidUtf8(h.text));
  }
  for (const auto& link : r.links) FUZZ_CHECK(markdown::IsSafeUrl(link) && !link.empty());
  // cmark-gfm replaces invalid UTF-8 with U+FFFD (CMARK_OPT_VALIDATE_UTF8).
  FUZZ_CHECK(core::IsValidUtf8(r.html));
  FUZZ_CHECK(core::IsValidUtf8(r.plain));
}

}  // namespace
}  // namespace entraide::fuzz

extern "C" int FuzzMarkdown(const uint8_t* data, size_t size) {
  using namespace entraide;
  using namespace entraide::fuzz;
  if (size == 0 || size > markdown::Limits().max_bytes) return 0;
  markdown::Options options;
  options.min_heading_level = 1 + data[0] % 3;
  std::string_view text = AsText(data + 1, size - 1);
  CheckRendered(markdown::RenderUnbounded(text, options), options.min_heading_level);

  std::string plain = markdown::PlainParagraphsHtml(text);
  CheckMarkup(plain, {"p", "br"}, {});
  if (core::IsValidUtf8(text)) FUZZ_CHECK(core::IsValidUtf8(plain));
  if (markdown::IsSafeUrl(text)) FUZZ_CHECK(BrowserSafe(text));
  return 0;
}

ENTRAIDE_FUZZ_TARGET(FuzzMarkdown)
