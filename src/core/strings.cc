#include "core/strings.h"

#include <sodium.h>

#include <cstdint>

namespace entraide::core {

std::string_view Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r' || s[b] == '\n')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r' || s[e - 1] == '\n')) --e;
  return s.substr(b, e - b);
}

std::string ToLowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::vector<std::string> Split(std::string_view s, char sep, bool skip_empty) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t pos = s.find(sep, start);
    std::string_view part = s.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start);
    if (!skip_empty || !part.empty()) out.emplace_back(part);
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return out;
}

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool EndsWith(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

std::string Join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += sep;
    out += parts[i];
  }
  return out;
}

std::string ReplaceAll(std::string_view s, std::string_view from, std::string_view to) {
  std::string out;
  size_t start = 0;
  while (true) {
    size_t pos = s.find(from, start);
    if (pos == std::string_view::npos || from.empty()) break;
    out.append(s.substr(start, pos - start));
    out.append(to);
    start = pos + from.size();
  }
  out.append(s.substr(start));
  return out;
}

namespace {

// The length of the well-formed UTF-8 sequence at s[i] (1 to 4), or 0 when none starts there.
size_t Utf8SequenceAt(std::string_view s, size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return 1;
  size_t len;
  uint32_t cp;
  if ((c & 0xE0) == 0xC0) {
    len = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4;
    cp = c & 0x07;
  } else
    return 0;
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    auto cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000)) return 0;
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

}  // namespace

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    size_t len = Utf8SequenceAt(s, i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

std::string ToValidUtf8(std::string_view s) {
  if (IsValidUtf8(s)) return std::string(s);
  std::string out;
  out.reserve(s.size() + 8);
  for (size_t i = 0; i < s.size();) {
    size_t len = Utf8SequenceAt(s, i);
    if (len == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD
      ++i;
    } else {
      out.append(s, i, len);
      i += len;
    }
  }
  return out;
}

namespace {
// Two-byte UTF-8 sequences C3 xx (U+00C0..U+00FF) and a few C5 ones, folded to ASCII.
const char* FoldC3(unsigned char b) {
  switch (b) {
    case 0x80:
    case 0x81:
    case 0x82:
    case 0x83:
    case 0x84:
    case 0x85:
    case 0xA0:
    case 0xA1:
    case 0xA2:
    case 0xA3:
    case 0xA4:
    case 0xA5:
      return "a";
    case 0x86:
    case 0xA6:
      return "ae";
    case 0x87:
    case 0xA7:
      return "c";
    case 0x88:
    case 0x89:
    case 0x8A:
    case 0x8B:
    case 0xA8:
    case 0xA9:
    case 0xAA:
    case 0xAB:
      return "e";
    case 0x8C:
    case 0x8D:
    case 0x8E:
    case 0x8F:
    case 0xAC:
    case 0xAD:
    case 0xAE:
    case 0xAF:
      return "i";
    case 0x91:
    case 0xB1:
      return "n";
    case 0x92:
    case 0x93:
    case 0x94:
    case 0x95:
    case 0x96:
    case 0x98:
    case 0xB2:
    case 0xB3:
    case 0xB4:
    case 0xB5:
    case 0xB6:
    case 0xB8:
      return "o";
    case 0x99:
    case 0x9A:
    case 0x9B:
    case 0x9C:
    case 0xB9:
    case 0xBA:
    case 0xBB:
    case 0xBC:
      return "u";
    case 0x9D:
    case 0xBD:
    case 0xBF:
      return "y";
    case 0x9F:
      return "ss";
    default:
      return nullptr;
  }
}
}  // namespace

std::string FoldLatinForSlug(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c == 0xC3 && i + 1 < s.size()) {
      if (const char* f = FoldC3(static_cast<unsigned char>(s[i + 1]))) {
        out += f;
        ++i;
        continue;
      }
    }
    if (c == 0xC5 && i + 1 < s.size()) {
      auto d = static_cast<unsigned char>(s[i + 1]);
      if (d == 0x92 || d == 0x93) {
        out += "oe";
        ++i;
        continue;
      }
    }
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : static_cast<char>(c);
  }
  return out;
}

std::string Slugify(std::string_view s) {
  std::string folded = FoldLatinForSlug(s);
  std::string out;
  bool dash = false;
  for (char c : folded) {
    bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (alnum) {
      if (dash && !out.empty()) out += '-';
      out += c;
      dash = false;
    } else {
      dash = true;
    }
  }
  if (out.size() > 120) out.resize(120);
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

bool IsSlug(std::string_view s) {
  if (s.empty() || s.size() > 120 || s.front() == '-' || s.back() == '-') return false;
  char prev = 0;
  for (char c : s) {
    bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && c != '-') return false;
    if (c == '-' && prev == '-') return false;
    prev = c;
  }
  return true;
}

std::vector<std::pair<std::string, double>> ParseQualityList(std::string_view header) {
  std::vector<std::pair<std::string, double>> out;
  for (const auto& part : Split(header, ',', true)) {
    auto fields = Split(part, ';');
    double q = 1.0;
    for (size_t i = 1; i < fields.size(); ++i) {
      auto f = Trim(fields[i]);
      if (!StartsWith(f, "q=")) continue;
      try {
        q = std::stod(std::string(f.substr(2)));
      } catch (...) {
        q = 0.0;
      }
    }
    out.emplace_back(ToLowerAscii(Trim(fields[0])), q);
  }
  return out;
}

namespace {
bool IsContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }
}  // namespace

std::string_view Utf8Prefix(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  size_t cut = max_bytes;
  while (cut > 0 && IsContinuationByte(s[cut])) --cut;
  return s.substr(0, cut);
}

std::string_view Utf8Suffix(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  size_t cut = s.size() - max_bytes;
  while (cut < s.size() && IsContinuationByte(s[cut])) ++cut;
  return s.substr(cut);
}

std::string_view Utf8FirstChars(std::string_view s, size_t n) {
  size_t end = 0;
  for (size_t chars = 0; end < s.size() && chars < n; ++chars) do
      ++end;
    while (end < s.size() && IsContinuationByte(s[end]));
  return s.substr(0, end);
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace entraide::core
