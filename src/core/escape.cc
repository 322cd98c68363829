#include "core/escape.h"

#include <array>
#include <cstdio>

namespace entraide::core {

namespace {

// Appends s with each byte for which `replace` returns a replacement swapped for it; runs of bytes kept as
// they are are appended at once (escaping is on every page and API answer: per-byte appends were 13 % of
// /api/v1/queue's CPU).
template <typename Replace>
void AppendReplacing(std::string& out, std::string_view s, Replace replace) {
  size_t run = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    std::string_view r = replace(static_cast<unsigned char>(s[i]));
    if (r.empty()) continue;
    out.append(s.data() + run, i - run);
    out.append(r);
    run = i + 1;
  }
  out.append(s.data() + run, s.size() - run);
}

}  // namespace

void AppendHtmlEscaped(std::string& out, std::string_view s) {
  AppendReplacing(out, s, [](unsigned char c) -> std::string_view {
    switch (c) {
      case '&':
        return "&amp;";
      case '<':
        return "&lt;";
      case '>':
        return "&gt;";
      case '"':
        return "&quot;";
      case '\'':
        return "&#39;";
      default:
        return {};
    }
  });
}

std::string HtmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  AppendHtmlEscaped(out, s);
  return out;
}

std::string XmlEscape(std::string_view s) { return HtmlEscape(s); }

std::string UrlEncodeComponent(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                      c == '_' || c == '.' || c == '~';
    if (unreserved) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

namespace {
int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::string UrlWithQuery(std::string_view path, const std::vector<std::pair<std::string, std::string>>& params) {
  std::string url(path);
  char sep = '?';
  for (const auto& [k, v] : params) {
    if (v.empty()) continue;
    url += sep;
    url += k;
    url += '=';
    url += UrlEncodeComponent(v);
    sep = '&';
  }
  return url;
}

std::optional<std::string> PercentDecode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      int hi = HexValue(s[i + 1]), lo = HexValue(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::optional<FormPairs> ParseFormUrlEncoded(std::string_view s, size_t max_pairs) {
  FormPairs pairs;
  size_t start = 0;
  while (start <= s.size()) {
    size_t amp = s.find('&', start);
    std::string_view part = s.substr(start, amp == std::string_view::npos ? std::string_view::npos : amp - start);
    if (!part.empty()) {
      if (pairs.size() >= max_pairs) return std::nullopt;
      size_t eq = part.find('=');
      auto key = PercentDecode(part.substr(0, eq), true);
      auto value =
          eq == std::string_view::npos ? std::optional<std::string>("") : PercentDecode(part.substr(eq + 1), true);
      if (!key || !value) return std::nullopt;
      pairs.emplace_back(std::move(*key), std::move(*value));
    }
    if (amp == std::string_view::npos) break;
    start = amp + 1;
  }
  return pairs;
}

void AppendDoubleQuoted(std::string& out, std::string_view s) {
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

void AppendJsonEscaped(std::string& out, std::string_view s) {
  // The other control characters as \u00XX, made once.
  static const auto kControls = [] {
    std::array<char[7], 0x20> t{};
    for (int c = 0; c < 0x20; ++c) std::snprintf(t[static_cast<size_t>(c)], sizeof t[0], "\\u%04x", c);
    return t;
  }();
  AppendReplacing(out, s, [](unsigned char c) -> std::string_view {
    switch (c) {
      case '"':
        return "\\\"";
      case '\\':
        return "\\\\";
      case '\n':
        return "\\n";
      case '\r':
        return "\\r";
      case '\t':
        return "\\t";
      case '<':
        return "\\u003c";  // safe inside <script> and against sniffing
      case '>':
        return "\\u003e";
      case '&':
        return "\\u0026";
      default:
        return c < 0x20 ? std::string_view(kControls[c], 6) : std::string_view();
    }
  });
}

std::string JsonQuote(std::string_view s) {
  std::string out = "\"";
  AppendJsonEscaped(out, s);
  out += '"';
  return out;
}

}  // namespace entraide::core
