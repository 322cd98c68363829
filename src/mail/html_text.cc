#include "mail/html_text.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/strings.h"

namespace entraide::mail {
namespace {

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool IsAlnum(char c) { return IsAlpha(c) || (c >= '0' && c <= '9'); }

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

using core::ToLowerAscii;

// Case-insensitive search of an ASCII needle (lower case) in `s` from `from`.
size_t FindNoCase(std::string_view s, std::string_view lower_needle, size_t from) {
  if (lower_needle.size() > s.size()) return std::string_view::npos;
  for (size_t i = from; i + lower_needle.size() <= s.size(); ++i) {
    size_t k = 0;
    while (k < lower_needle.size() && Lower(s[i + k]) == lower_needle[k]) ++k;
    if (k == lower_needle.size()) return i;
  }
  return std::string_view::npos;
}

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Latin-1's named entities, U+00A0 to U+00FF in order.
constexpr std::array<std::string_view, 96> kLatin1Entities = {
    "nbsp",   "iexcl",  "cent",   "pound",  "curren", "yen",    "brvbar", "sect",   "uml",    "copy",   "ordf",
    "laquo",  "not",    "shy",    "reg",    "macr",   "deg",    "plusmn", "sup2",   "sup3",   "acute",  "micro",
    "para",   "middot", "cedil",  "sup1",   "ordm",   "raquo",  "frac14", "frac12", "frac34", "iquest", "Agrave",
    "Aacute", "Acirc",  "Atilde", "Auml",   "Aring",  "AElig",  "Ccedil", "Egrave", "Eacute", "Ecirc",  "Euml",
    "Igrave", "Iacute", "Icirc",  "Iuml",   "ETH",    "Ntilde", "Ograve", "Oacute", "Ocirc",  "Otilde", "Ouml",
    "times",  "Oslash", "Ugrave", "Uacute", "Ucirc",  "Uuml",   "Yacute", "THORN",  "szlig",  "agrave", "aacute",
    "acirc",  "atilde", "auml",   "aring",  "aelig",  "ccedil", "egrave", "eacute", "ecirc",  "euml",   "igrave",
    "iacute", "icirc",  "iuml",   "eth",    "ntilde", "ograve", "oacute", "ocirc",  "otilde", "ouml",   "divide",
    "oslash", "ugrave", "uacute", "ucirc",  "uuml",   "yacute", "thorn",  "yuml"};

struct NamedEntity {
  std::string_view name;
  uint32_t cp;
};
constexpr NamedEntity kOtherEntities[] = {
    {"amp", '&'},       {"lt", '<'},        {"gt", '>'},        {"quot", '"'},      {"apos", '\''},
    {"OElig", 0x152},   {"oelig", 0x153},   {"Scaron", 0x160},  {"scaron", 0x161},  {"Yuml", 0x178},
    {"fnof", 0x192},    {"circ", 0x2C6},    {"tilde", 0x2DC},   {"ensp", 0x2002},   {"emsp", 0x2003},
    {"thinsp", 0x2009}, {"zwnj", 0x200C},   {"zwj", 0x200D},    {"lrm", 0x200E},    {"rlm", 0x200F},
    {"ndash", 0x2013},  {"mdash", 0x2014},  {"lsquo", 0x2018},  {"rsquo", 0x2019},  {"sbquo", 0x201A},
    {"ldquo", 0x201C},  {"rdquo", 0x201D},  {"bdquo", 0x201E},  {"dagger", 0x2020}, {"Dagger", 0x2021},
    {"bull", 0x2022},   {"hellip", 0x2026}, {"permil", 0x2030}, {"prime", 0x2032},  {"lsaquo", 0x2039},
    {"rsaquo", 0x203A}, {"euro", 0x20AC},   {"trade", 0x2122},  {"larr", 0x2190},   {"uarr", 0x2191},
    {"rarr", 0x2192},   {"darr", 0x2193},   {"nbsp", 0xA0},     {"NewLine", '\n'},  {"Tab", '\t'}};

// What HTML5 makes of the numeric references &#128; to &#159; (windows-1252's letters; 0 for its holes).
constexpr uint16_t kWindows1252High[32] = {0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                           0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
                                           0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                           0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

// The character a reference at s[0] == '&' stands for, and its length; 0 when it is not one (the '&' stays).
size_t DecodeReference(std::string_view s, std::string& out) {
  if (s.size() < 3) return 0;
  if (s[1] == '#') {
    size_t i = 2;
    bool hex = i < s.size() && (s[i] == 'x' || s[i] == 'X');
    if (hex) ++i;
    uint32_t cp = 0;
    size_t digits = 0;
    for (; i < s.size(); ++i, ++digits) {
      char c = s[i];
      int v = (c >= '0' && c <= '9') ? c - '0' : (hex && Lower(c) >= 'a' && Lower(c) <= 'f') ? Lower(c) - 'a' + 10 : -1;
      if (v < 0) break;
      if (cp <= 0x10FFFF) cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(v);
    }
    if (digits == 0) return 0;
    if (i < s.size() && s[i] == ';') ++i;
    if (cp >= 0x80 && cp <= 0x9F) cp = kWindows1252High[cp - 0x80] ? kWindows1252High[cp - 0x80] : 0xFFFD;
    AppendUtf8(out, cp);
    return i;
  }
  size_t i = 1;
  while (i < s.size() && i < 12 && IsAlnum(s[i])) ++i;
  if (i >= s.size() || s[i] != ';' || i == 1) return 0;
  std::string_view name = s.substr(1, i - 1);
  for (size_t k = 0; k < kLatin1Entities.size(); ++k) {
    if (kLatin1Entities[k] == name) {
      AppendUtf8(out, static_cast<uint32_t>(0xA0 + k));
      return i + 1;
    }
  }
  for (const auto& e : kOtherEntities) {
    if (e.name == name) {
      AppendUtf8(out, e.cp);
      return i + 1;
    }
  }
  return 0;
}

std::string DecodeEntities(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    if (s[i] == '&') {
      if (size_t n = DecodeReference(s.substr(i), out)) {
        i += n;
        continue;
      }
    }
    out += s[i++];
  }
  return out;
}

struct Tag {
  std::string name;  // lower case
  bool closing = false;
  std::vector<std::pair<std::string, std::string>> attributes;  // names lower case, values decoded

  std::string Attribute(std::string_view name_wanted) const {
    for (const auto& [n, v] : attributes)
      if (n == name_wanted) return v;
    return "";
  }
};

// Parses the tag starting at html[i] == '<'; returns the position after its '>' (or the end).
size_t ParseTag(std::string_view html, size_t i, Tag& tag) {
  ++i;
  if (i < html.size() && html[i] == '/') {
    tag.closing = true;
    ++i;
  }
  size_t start = i;
  while (i < html.size() && (IsAlnum(html[i]) || html[i] == ':' || html[i] == '-' || html[i] == '_')) ++i;
  tag.name = ToLowerAscii(html.substr(start, i - start));
  while (i < html.size() && html[i] != '>') {
    if (IsSpace(html[i]) || html[i] == '/') {
      ++i;
      continue;
    }
    size_t name_start = i;
    while (i < html.size() && !IsSpace(html[i]) && html[i] != '=' && html[i] != '>' && html[i] != '/') ++i;
    std::string name = ToLowerAscii(html.substr(name_start, i - name_start));
    while (i < html.size() && IsSpace(html[i])) ++i;
    std::string value;
    if (i < html.size() && html[i] == '=') {
      ++i;
      while (i < html.size() && IsSpace(html[i])) ++i;
      if (i < html.size() && (html[i] == '"' || html[i] == '\'')) {
        char quote = html[i++];
        size_t end = html.find(quote, i);
        if (end == std::string_view::npos) end = html.size();
        value = DecodeEntities(html.substr(i, end - i));
        i = end < html.size() ? end + 1 : end;
      } else {
        size_t value_start = i;
        while (i < html.size() && !IsSpace(html[i]) && html[i] != '>') ++i;
        value = DecodeEntities(html.substr(value_start, i - value_start));
      }
    }
    if (name.empty()) {
      ++i;  // a stray character
      continue;
    }
    tag.attributes.emplace_back(std::move(name), std::move(value));
  }
  return i < html.size() ? i + 1 : i;
}

// Writes text with HTML's whitespace rules: runs of spaces collapse, blocks ask for line breaks that are only
// written before the next visible text (so empty blocks leave nothing), quoted blocks prefix their lines.
class TextWriter {
 public:
  // Deeper quotes and lists are shown at this depth: a line's prefix stays short whatever the nesting.
  static constexpr int kMaxQuoteDepth = 16;

  void Text(std::string_view s, bool pre) {
    for (size_t i = 0; i < s.size(); ++i) {
      char c = s[i];
      bool nbsp =
          static_cast<unsigned char>(c) == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xA0;
      if (pre && c == '\n') {
        Flush();
        NewLine();
        continue;
      }
      if (pre && c == '\r') continue;
      if (!pre && (IsSpace(c) || nbsp)) {
        if (nbsp) {
          ++i;
          nbsp_since_block_ = true;
        }
        pending_space_ = true;
        continue;
      }
      if (nbsp) {
        ++i;
        c = ' ';
      }
      Flush();
      out_ += c;
      visible_since_block_ = true;
    }
  }

  void StartBlock() { nbsp_since_block_ = visible_since_block_ = false; }
  bool OnlyNbspSinceBlock() const { return nbsp_since_block_ && !visible_since_block_; }

  // Asks for `n` line breaks (1: a new line, 2: a blank line) before the next text.
  void Break(int n) {
    if (out_.empty()) return;
    pending_breaks_ = std::max(pending_breaks_, n);
  }
  // <br>: one more line break each time.
  void HardBreak() {
    if (out_.empty()) return;
    pending_breaks_ = std::min(pending_breaks_ + 1, 2);
  }
  void Bullet(std::string bullet) {
    Break(1);
    bullet_ = std::move(bullet);
  }
  void Quote(int delta) {
    Break(2);
    quote_depth_ = std::max(0, quote_depth_ + delta);
  }
  size_t size() const { return out_.size(); }
  std::string_view Since(size_t pos) const { return std::string_view(out_).substr(std::min(pos, out_.size())); }
  std::string& out() { return out_; }

  // Writes what is pending before visible text: line breaks, the quote prefix, a bullet, a space.
  void Flush() {
    if (!out_.empty() && pending_breaks_ > 0) {
      for (int k = 0; k < pending_breaks_; ++k) {
        if (k > 0) out_.append(static_cast<size_t>(std::min(quote_depth_, kMaxQuoteDepth)), '>');
        out_ += '\n';
      }
      out_ += Prefix();
    } else if (out_.empty()) {
      out_ += Prefix();
    } else if (pending_space_ && out_.back() != ' ' && out_.back() != '\n') {
      out_ += ' ';
    }
    pending_breaks_ = 0;
    pending_space_ = false;
  }

 private:
  void NewLine() {
    out_ += '\n';
    out_ += Prefix();
  }
  std::string Prefix() {
    std::string p;
    for (int k = 0; k < std::min(quote_depth_, kMaxQuoteDepth); ++k) p += "> ";
    p += bullet_;
    bullet_.clear();
    return p;
  }

  std::string out_;
  int pending_breaks_ = 0;
  bool pending_space_ = false;
  int quote_depth_ = 0;
  std::string bullet_;
  bool nbsp_since_block_ = false;
  bool visible_since_block_ = false;
};

bool IsOutlookParagraph(const Tag& tag) {
  return ToLowerAscii(tag.Attribute("class")).find("msonormal") != std::string::npos;
}

bool OneOf(std::string_view name, std::initializer_list<std::string_view> names) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// Trailing spaces off each line, at most one blank line in a row, none at either end.
std::string Tidy(const std::string& text) {
  std::string out;
  size_t blank_run = 0;
  for (const std::string& whole : core::Split(text, '\n')) {
    std::string_view line = whole;
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) line.remove_suffix(1);
    bool blank = line.find_first_not_of("> ") == std::string_view::npos;
    if (blank) {
      ++blank_run;
    } else {
      if (!out.empty()) out += blank_run > 0 ? "\n\n" : "\n";
      out += line;
      blank_run = 0;
    }
  }
  return out;
}

}  // namespace

std::string HtmlToText(std::string_view raw) {
  std::string valid = core::ToValidUtf8(raw);
  std::string_view html = valid;
  TextWriter w;
  int pre = 0;
  bool outlook_paragraph = false;
  struct OpenLink {
    std::string href;
    size_t start;
  };
  std::vector<OpenLink> links;
  std::vector<int> lists;  // one per open list: -1 for <ul>, else the next number of an <ol>
  size_t i = 0;
  while (i < html.size()) {
    if (html[i] != '<') {
      size_t end = html.find('<', i);
      if (end == std::string_view::npos) end = html.size();
      w.Text(DecodeEntities(html.substr(i, end - i)), pre > 0);
      i = end;
      continue;
    }
    if (html.compare(i, 4, "<!--") == 0) {
      size_t end = html.find("-->", i + 4);
      i = end == std::string_view::npos ? html.size() : end + 3;
      continue;
    }
    if (i + 1 < html.size() && (html[i + 1] == '!' || html[i + 1] == '?')) {
      size_t end = html.find('>', i);
      i = end == std::string_view::npos ? html.size() : end + 1;
      continue;
    }
    if (i + 1 >= html.size() || !(IsAlpha(html[i + 1]) || html[i + 1] == '/')) {
      w.Text("<", pre > 0);
      ++i;
      continue;
    }
    Tag tag;
    i = ParseTag(html, i, tag);
    const std::string& name = tag.name;
    if (!tag.closing && OneOf(name, {"script", "style", "title", "template", "head", "svg", "xml"})) {
      // Their content is not text: skip to the end tag (a <head> also ends where <body> starts).
      size_t end = FindNoCase(html, "</" + name, i);
      if (name == "head") end = std::min(end, FindNoCase(html, "<body", i));
      if (end == std::string_view::npos) {
        i = html.size();
      } else {
        size_t close = html.find('>', end);
        i = (name == "head" && html.compare(end, 2, "</") != 0) ? end
            : close == std::string_view::npos                   ? html.size()
                                                                : close + 1;
      }
      continue;
    }
    if (name == "br") {
      w.HardBreak();
    } else if (name == "p" && (tag.closing ? outlook_paragraph : IsOutlookParagraph(tag))) {
      // Word's paragraphs have no margin: each is a line, and an empty one (&nbsp;) is the blank line.
      outlook_paragraph = !tag.closing;
      if (tag.closing && w.OnlyNbspSinceBlock()) w.HardBreak();
      w.Break(1);
      w.StartBlock();
    } else if (OneOf(name, {"p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "hr", "dl", "pre"})) {
      outlook_paragraph = false;
      w.Break(2);
      if (name == "pre") pre = std::max(0, pre + (tag.closing ? -1 : 1));
    } else if (OneOf(name, {"ul", "ol"})) {
      if (tag.closing) {
        if (!lists.empty()) lists.pop_back();
      } else {
        lists.push_back(name == "ol" ? 1 : -1);
      }
      w.Break(lists.empty() ? 2 : 1);
    } else if (name == "li") {
      if (tag.closing) {
        w.Break(1);
      } else {
        std::string bullet(lists.empty() ? 0 : 2 * std::min<size_t>(lists.size() - 1, 8), ' ');
        if (!lists.empty() && lists.back() > 0) {
          bullet += std::to_string(lists.back()++) + ". ";
        } else {
          bullet += "- ";
        }
        w.Bullet(std::move(bullet));
      }
    } else if (name == "blockquote") {
      w.Quote(tag.closing ? -1 : 1);
    } else if (OneOf(name, {"div", "tr", "dt", "dd", "section", "article", "header", "footer", "nav", "aside", "form",
                            "center", "address", "figure", "figcaption", "main", "caption", "body"})) {
      w.Break(1);
    } else if (OneOf(name, {"td", "th"})) {
      if (!tag.closing) w.Text(" ", false);
    } else if (name == "img" && !tag.closing) {
      std::string alt = tag.Attribute("alt");
      if (!alt.empty()) w.Text(alt, false);
    } else if (name == "a") {
      if (!tag.closing) {
        w.Flush();
        if (links.size() < 64) links.push_back({tag.Attribute("href"), w.size()});
      } else if (!links.empty()) {
        OpenLink link = std::move(links.back());
        links.pop_back();
        std::string url = link.href;
        while (!url.empty() && IsSpace(url.back())) url.pop_back();
        while (!url.empty() && IsSpace(url.front())) url.erase(0, 1);
        std::string lower_url = ToLowerAscii(url);
        if (url.empty() || url[0] == '#' || lower_url.rfind("javascript:", 0) == 0) continue;
        if (lower_url.rfind("mailto:", 0) == 0) url = url.substr(7);
        if (w.size() - link.start > 1024) {  // a long text is not a URL: no copy (nested links would be quadratic)
          w.Text(" (" + url + ")", false);
          continue;
        }
        std::string text(w.Since(link.start));
        while (!text.empty() && IsSpace(text.back())) text.pop_back();
        while (!text.empty() && IsSpace(text.front())) text.erase(0, 1);
        if (text.empty()) {
          w.Text(url, false);
        } else if (text != url && text != link.href) {
          w.Text(" (" + url + ")", false);
        }
      }
    }
  }
  return Tidy(core::ToValidUtf8(w.out()));
}

std::string HtmlMetaCharset(std::string_view html) {
  std::string head = ToLowerAscii(html.substr(0, 2048));
  size_t meta = 0;
  while ((meta = head.find("<meta", meta)) != std::string::npos) {
    size_t end = head.find('>', meta);
    if (end == std::string::npos) end = head.size();
    size_t cs = head.find("charset", meta);
    if (cs != std::string::npos && cs < end) {
      size_t i = cs + 7;
      while (i < end && (IsSpace(head[i]) || head[i] == '=' || head[i] == '"' || head[i] == '\'')) ++i;
      size_t start = i;
      while (i < end && (IsAlnum(head[i]) || head[i] == '-' || head[i] == '_' || head[i] == '.' || head[i] == ':')) ++i;
      if (i > start) return head.substr(start, i - start);
    }
    meta = end;
  }
  return "";
}

}  // namespace entraide::mail
