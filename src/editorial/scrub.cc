// ScrubPersonalData: each detector finds spans of the original text; overlapping spans are resolved (the one that
// starts first wins, then the longer, then by kind: email, site, phone, postal code, name) and replaced in one
// pass, so a placeholder is never read again as a name. Hand-written scanners, linear in the text (no regex: a
// backtracking engine on 64 KiB of what people typed is a stack overflow waiting to happen).
#include "editorial/scrub.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/strings.h"
#include "editorial/text_tokens.h"

namespace entraide::editorial {
namespace {

enum class Kind { kEmail, kSite, kPhone, kPostal, kName };

struct Span {
  size_t begin = 0, end = 0;
  Kind kind = Kind::kName;
};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAlnum(char c) { return IsDigit(c) || IsAlpha(c); }
char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
bool IsLocalChar(char c) { return IsAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-'; }
bool IsLabelChar(char c) { return IsAlnum(c) || c == '-'; }
bool IsHostChar(char c) { return IsLabelChar(c) || c == '.'; }
// A character that may follow a word for it to be whole: not a letter, digit or part of a UTF-8 letter.
bool EndsWord(std::string_view s, size_t at) {
  return at >= s.size() || (!IsAlnum(s[at]) && (static_cast<unsigned char>(s[at]) < 0x80));
}
bool StartsWord(std::string_view s, size_t at) {
  return at == 0 || (!IsAlnum(s[at - 1]) && (static_cast<unsigned char>(s[at - 1]) < 0x80));
}
bool EqualsNoCase(std::string_view s, size_t at, std::string_view word) {
  if (at + word.size() > s.size()) return false;
  for (size_t i = 0; i < word.size(); ++i)
    if (Lower(s[at + i]) != word[i]) return false;
  return true;
}

// A top-level domain as people write them: 2 to 24 letters.
bool IsTld(std::string_view label) {
  return label.size() >= 2 && label.size() <= 24 && std::all_of(label.begin(), label.end(), IsAlpha);
}

// --- Email addresses: "marie@exemple.org", and the forms people write to fool robots: "marie [at] exemple
// [dot] org", "marie (at) exemple.org", "marie at exemple dot org", "marie arobase exemple point org".

void FindEmails(std::string_view s, std::vector<Span>& out) {
  for (size_t at = s.find('@'); at != std::string_view::npos; at = s.find('@', at + 1)) {
    size_t b = at;
    while (b > 0 && IsLocalChar(s[b - 1])) --b;
    while (b < at && s[b] == '.') ++b;
    size_t e = at + 1;
    while (e < s.size() && IsHostChar(s[e])) ++e;
    while (e > at + 1 && (s[e - 1] == '.' || s[e - 1] == '-')) --e;
    std::string_view host = s.substr(at + 1, e - at - 1);
    size_t dot = host.rfind('.');
    if (b == at || dot == std::string_view::npos || !IsTld(host.substr(dot + 1))) continue;
    out.push_back({b, e, Kind::kEmail});
  }
}

// The marker at `at` among `words` (each written in lower case, with its own brackets or spaces), or 0.
size_t MarkerAt(std::string_view s, size_t at, const std::vector<std::string_view>& words) {
  for (auto w : words)
    if (EqualsNoCase(s, at, w)) return w.size();
  return 0;
}

const std::vector<std::string_view> kAtMarkers = {" [at] ",    "[at]",        " (at) ",    "(at)",
                                                  " {at} ",    " at ",        " arobase ", " [arobase] ",
                                                  "[arobase]", " (arobase) ", " arobas "};
const std::vector<std::string_view> kDotMarkers = {" [dot] ", "[dot]",     " (dot) ", "(dot)",   " {dot} ",
                                                   " dot ",   " [point] ", "[point]", " point ", " (point) "};

void FindObfuscatedEmails(std::string_view s, std::vector<Span>& out) {
  for (size_t i = 0; i < s.size(); ++i) {
    size_t m = MarkerAt(s, i, kAtMarkers);
    if (m == 0) continue;
    size_t b = i;
    while (b > 0 && IsLocalChar(s[b - 1])) --b;
    while (b < i && s[b] == '.') ++b;
    if (b == i || !StartsWord(s, b)) continue;
    // Labels joined by '.' or a dot marker; at least two, the last a top-level domain.
    size_t e = i + m, last_begin = e;
    int labels = 0;
    while (true) {
      size_t l = e;
      while (e < s.size() && IsLabelChar(s[e])) ++e;
      if (e == l) break;
      ++labels;
      last_begin = l;
      size_t next = 0;
      if (e + 1 < s.size() && s[e] == '.' && IsLabelChar(s[e + 1]))
        next = 1;
      else
        next = MarkerAt(s, e, kDotMarkers);
      if (next == 0 || e + next >= s.size() || !IsLabelChar(s[e + next])) break;
      e += next;
    }
    if (labels < 2 || !IsTld(s.substr(last_begin, e - last_begin)) || !EndsWord(s, e)) continue;
    out.push_back({b, e, Kind::kEmail});
    i = e;
  }
}

// --- The group's sites: any host that is one of `domains` or under it (www. included), with its scheme and
// whatever follows it in a URL (port, path, query).

std::string BareDomain(std::string_view d) {
  std::string out = core::ToLowerAscii(core::Trim(d));
  for (std::string_view prefix : {"https://", "http://", "www."})
    if (core::StartsWith(out, prefix)) out.erase(0, prefix.size());
  while (!out.empty() && (out.back() == '/' || out.back() == '.')) out.pop_back();
  return out;
}

void FindSites(std::string_view s, const std::vector<std::string>& domains, std::vector<Span>& out) {
  std::string lower = core::ToLowerAscii(s);
  for (const auto& raw : domains) {
    std::string d = BareDomain(raw);
    if (d.find('.') == std::string::npos) continue;
    for (size_t p = lower.find(d); p != std::string::npos; p = lower.find(d, p + 1)) {
      size_t e = p + d.size();
      if (e < s.size() && (IsLabelChar(s[e]) || (s[e] == '.' && e + 1 < s.size() && IsLabelChar(s[e + 1])))) continue;
      size_t b = p;
      while (b > 0 && IsHostChar(s[b - 1])) --b;
      if (b < p && s[p - 1] != '.') continue;  // "notcafe.org" is another site
      if (b > 0 && s[b - 1] == '@') continue;  // an address: the email scanner's
      // The scheme before it ("https://"), and the rest of the URL after it.
      if (b >= 2 && s[b - 1] == '/' && s[b - 2] == '/') {
        b -= 2;
        if (b > 0 && s[b - 1] == ':') {
          size_t k = b - 1;
          while (k > 0 && IsAlpha(s[k - 1])) --k;
          if (k < b - 1) b = k;
        }
      }
      if (e < s.size() && (s[e] == '/' || s[e] == ':' || s[e] == '?' || s[e] == '#')) {
        while (e < s.size()) {
          auto c = static_cast<unsigned char>(s[e]);
          if (c <= ' ' || c == '<' || c == '>' || c == '"' || c == '\'' || c == '`' || c == ')' || c == ']') break;
          ++e;
        }
        while (e > p + d.size() && std::string_view(".,;:!?").find(s[e - 1]) != std::string_view::npos) --e;
      }
      out.push_back({b, e, Kind::kSite});
    }
  }
}

// --- Phone numbers of the North American plan: (514) 555-0199, 514-555-0199, 514.555.0199, 514 555 0199,
// 5145550199, +1 514 555 0199, 1-800-555-0199, and an extension after it ("poste 123", "ext. 123", "x123").
// The area code and the exchange start with 2-9 (the plan's rule), which keeps dates, versions and other numbers
// out.

size_t Digits(std::string_view s, size_t at, size_t n) {
  for (size_t k = 0; k < n; ++k)
    if (at + k >= s.size() || !IsDigit(s[at + k])) return 0;
  return n;
}
bool IsPhoneSep(char c) { return c == ' ' || c == '-' || c == '.'; }

// The end of the extension after a number ending at `e`, or `e` when there is none.
size_t Extension(std::string_view s, size_t e) {
  size_t k = e;
  if (k < s.size() && s[k] == ',') ++k;
  while (k < s.size() && s[k] == ' ') ++k;
  size_t m = 0;
  for (std::string_view w : {"poste", "ext.", "ext", "x", "#"})
    if (EqualsNoCase(s, k, w)) {
      m = w.size();
      break;
    }
  if (m == 0) return e;
  k += m;
  while (k < s.size() && s[k] == ' ') ++k;
  size_t d = k;
  while (d < s.size() && IsDigit(s[d]) && d - k < 6) ++d;
  if (d == k || (d < s.size() && IsAlnum(s[d]))) return e;
  return d;
}

// A phone number starting at `b`: its end, or 0.
size_t PhoneAt(std::string_view s, size_t b) {
  size_t k = b;
  if (s[k] == '+') {
    if (k + 1 >= s.size() || s[k + 1] != '1') return 0;
    k += 2;
    if (k < s.size() && IsPhoneSep(s[k])) ++k;
  } else if (s[k] == '1' && k + 1 < s.size() && IsPhoneSep(s[k + 1]) && k + 2 < s.size() &&
             (IsDigit(s[k + 2]) || s[k + 2] == '(')) {
    k += 2;
  }
  // The area code, in parentheses or not.
  bool parens = k < s.size() && s[k] == '(';
  if (parens) ++k;
  if (!Digits(s, k, 3) || s[k] < '2') return 0;
  k += 3;
  if (parens) {
    if (k >= s.size() || s[k] != ')') return 0;
    ++k;
    if (k < s.size() && (s[k] == ' ' || s[k] == '-')) ++k;
  } else if (k < s.size() && IsPhoneSep(s[k])) {
    ++k;
  }
  if (!Digits(s, k, 3) || s[k] < '2') return 0;
  k += 3;
  if (k < s.size() && IsPhoneSep(s[k])) ++k;
  if (!Digits(s, k, 4)) return 0;
  k += 4;
  if (size_t e = Extension(s, k); e > k) return e;
  if (k < s.size() && (IsAlnum(s[k]) || ((s[k] == '.' || s[k] == '-') && k + 1 < s.size() && IsDigit(s[k + 1]))))
    return 0;
  return k;
}

void FindPhones(std::string_view s, std::vector<Span>& out) {
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (!IsDigit(c) && c != '+' && c != '(') continue;
    if (i > 0 && (IsAlnum(s[i - 1]) || s[i - 1] == '.' || s[i - 1] == '-' || s[i - 1] == '/' ||
                  static_cast<unsigned char>(s[i - 1]) >= 0x80))
      continue;
    if (size_t e = PhoneAt(s, i)) {
      out.push_back({i, e, Kind::kPhone});
      i = e;
    }
  }
}

// --- Canadian postal codes: A1A 1A1, a1a1a1, A1A-1A1 (the letters Canada Post uses).

bool PostalLetter(char c, bool first) {
  c = Lower(c);
  std::string_view letters = first ? "abceghjklmnprstvxy" : "abceghjklmnprstvwxyz";
  return IsAlpha(c) && letters.find(c) != std::string_view::npos;
}

void FindPostalCodes(std::string_view s, std::vector<Span>& out) {
  for (size_t i = 0; i + 6 <= s.size(); ++i) {
    if (!PostalLetter(s[i], true) || !StartsWord(s, i)) continue;
    size_t k = i;
    if (!IsDigit(s[k + 1]) || !PostalLetter(s[k + 2], false)) continue;
    k += 3;
    if (k < s.size() && (s[k] == ' ' || s[k] == '-')) ++k;
    if (k + 3 > s.size() || !IsDigit(s[k]) || !PostalLetter(s[k + 1], false) || !IsDigit(s[k + 2])) continue;
    k += 3;
    if (!EndsWord(s, k)) continue;
    out.push_back({i, k, Kind::kPostal});
    i = k;
  }
}

// --- Names: a person's whole name and each part of it (two letters or more), a group's whole name; accents
// and case aside, whole words only. A part that is also a common word ("Rose", "Pierre", "Parent") is taken
// out only where it is written with a capital letter: "Marie Rose" does not turn every "rose" into [name].
// Particles ("de", "la", "van") are never taken out alone.

bool IsParticle(std::string_view folded) {
  static const std::array<std::string_view, 19> kParticles = {"de",  "du",  "des", "la", "le", "les", "van",
                                                              "von", "der", "di",  "da", "st", "ste", "mc",
                                                              "mac", "et",  "and", "of", "dos"};
  return std::find(kParticles.begin(), kParticles.end(), folded) != kParticles.end();
}

// Given names and surnames that are also ordinary words of French or English text (folded).
bool IsCommonWord(std::string_view folded) {
  static const std::array<std::string_view, 50> kCommon = {
      "rose",     "pierre",   "blanche",  "claire", "france",   "grace", "olive", "constant", "aurore", "fleur",
      "violette", "patience", "prudence", "joy",    "hope",     "faith", "will",  "mark",     "bill",   "frank",
      "grant",    "rich",     "may",      "june",   "april",    "dawn",  "sunny", "parent",   "petit",  "grand",
      "blanc",    "brun",     "noir",     "bois",   "page",     "cote",  "lac",   "marchand", "leger",  "chevalier",
      "masson",   "boucher",  "martin",   "paris",  "victoire", "ange",  "sage",  "young",    "white",  "black"};
  return std::find(kCommon.begin(), kCommon.end(), folded) != kCommon.end();
}

// An ASCII capital or one of À-Þ (U+00C0-U+00DE).
bool StartsWithCapital(std::string_view w) {
  auto c = static_cast<unsigned char>(w[0]);
  if (c >= 'A' && c <= 'Z') return true;
  return c == 0xC3 && w.size() > 1 && static_cast<unsigned char>(w[1]) >= 0x80 &&
         static_cast<unsigned char>(w[1]) <= 0x9E;
}

struct NamePattern {
  std::vector<std::string> words;  // folded
  bool capital_only = false;       // a common word: only where written with a capital
};

std::vector<std::string> FoldedWords(std::string_view name) {
  std::vector<std::string> out;
  for (const auto& t : TextTokens(name))
    if (t.word) out.push_back(core::FoldLatinForSlug(t.text));
  return out;
}

// What may stand between two words of one name: spaces, a hyphen ("Marie-Ève"), a no-break space.
bool JoinsNameWords(std::string_view gap) {
  if (gap.empty() || gap.size() > 4) return false;
  return gap == "-" || gap == "\xC2\xA0" || std::all_of(gap.begin(), gap.end(), [](char c) { return c == ' '; });
}

void FindNames(std::string_view s, const ScrubContext& context, std::vector<Span>& out) {
  std::unordered_map<std::string, std::vector<NamePattern>> by_first;
  auto add = [&](std::vector<std::string> words, bool capital_only) {
    if (words.empty()) return;
    std::string first = words.front();
    auto& list = by_first[first];
    for (const auto& p : list)
      if (p.words == words) return;
    list.push_back({std::move(words), capital_only});
  };
  for (const auto& name : context.names) {
    auto words = FoldedWords(name);
    for (const auto& w : words) {
      if (w.size() < 2 || IsParticle(w) || (w.size() == 2 && std::all_of(w.begin(), w.end(), IsDigit))) continue;
      add({w}, IsCommonWord(w));
    }
    for (const auto& part : core::Split(name, ' ', true))  // "Jean-François" as one name too
      if (auto part_words = FoldedWords(part); part_words.size() > 1) add(part_words, false);
    add(words, false);
  }
  for (const auto& group : context.groups) add(FoldedWords(group), false);
  if (by_first.empty()) return;
  for (auto& [first, list] : by_first)
    std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) { return a.words.size() > b.words.size(); });

  // The text's words, folded, with where they are.
  struct Word {
    size_t begin, end;
    std::string folded;
  };
  std::vector<Word> words;
  size_t at = 0;
  for (const auto& t : TextTokens(s)) {
    if (t.word) words.push_back({at, at + t.text.size(), core::FoldLatinForSlug(t.text)});
    at += t.text.size();
  }
  for (size_t i = 0; i < words.size(); ++i) {
    auto found = by_first.find(words[i].folded);
    if (found == by_first.end()) continue;
    for (const auto& p : found->second) {
      if (i + p.words.size() > words.size()) continue;
      bool match = true;
      for (size_t k = 1; k < p.words.size() && match; ++k)
        match = words[i + k].folded == p.words[k] &&
                JoinsNameWords(s.substr(words[i + k - 1].end, words[i + k].begin - words[i + k - 1].end));
      if (!match) continue;
      if (p.capital_only && !StartsWithCapital(s.substr(words[i].begin))) continue;
      out.push_back({words[i].begin, words[i + p.words.size() - 1].end, Kind::kName});
      i += p.words.size() - 1;
      break;
    }
  }
}

}  // namespace

std::string ScrubPersonalData(std::string_view text, const ScrubContext& context, ScrubCounts* counts) {
  std::vector<Span> spans;
  FindEmails(text, spans);
  FindObfuscatedEmails(text, spans);
  FindSites(text, context.domains, spans);
  FindPhones(text, spans);
  FindPostalCodes(text, spans);
  FindNames(text, context, spans);
  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) {
    if (a.begin != b.begin) return a.begin < b.begin;
    if (a.end != b.end) return a.end > b.end;
    return a.kind < b.kind;
  });
  ScrubCounts found;
  std::string out;
  out.reserve(text.size());
  size_t done = 0;
  for (const auto& span : spans) {
    if (span.begin < done) continue;  // inside one already replaced
    out.append(text.substr(done, span.begin - done));
    const auto& ph = context.placeholders;
    switch (span.kind) {
      case Kind::kEmail:
        out += ph.email;
        ++found.emails;
        break;
      case Kind::kSite:
        out += ph.site;
        ++found.sites;
        break;
      case Kind::kPhone:
        out += ph.phone;
        ++found.phones;
        break;
      case Kind::kPostal:
        out += ph.postal_code;
        ++found.postal_codes;
        break;
      case Kind::kName:
        out += ph.name;
        ++found.names;
        break;
    }
    done = span.end;
  }
  out.append(text.substr(done));
  if (counts) *counts = found;
  return out;
}

}  // namespace entraide::editorial
