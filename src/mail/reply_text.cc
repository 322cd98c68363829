// StripQuotedReply (mail/inbound.h): the reply without the quoted history and the signature, read line by line.
#include <string>
#include <string_view>
#include <vector>

#include "core/strings.h"
#include "mail/inbound.h"

namespace entraide::mail {
namespace {

// A line made easy to compare: non-breaking spaces (U+00A0, U+202F) as spaces, runs of spaces as one, ASCII
// lower case, trimmed. French typography puts a (narrow) no-break space before ":".
std::string Normalize(std::string_view line) {
  std::string out;
  bool space = false;
  for (size_t i = 0; i < line.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(line[i]);
    bool is_space = c == ' ' || c == '\t' || c == '\r';
    if (c == 0xC2 && i + 1 < line.size() && static_cast<unsigned char>(line[i + 1]) == 0xA0) {
      is_space = true;
      ++i;
    } else if (c == 0xE2 && i + 2 < line.size() && static_cast<unsigned char>(line[i + 1]) == 0x80 &&
               static_cast<unsigned char>(line[i + 2]) == 0xAF) {
      is_space = true;
      i += 2;
    }
    if (is_space) {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : static_cast<char>(c);
  }
  return out;
}

using core::EndsWith;
using core::StartsWith;

bool IsQuoted(std::string_view line) { return !line.empty() && line[0] == '>'; }

bool IsBlank(std::string_view line) { return Normalize(line).empty(); }

// "10:12", "10 h 12", "10h12": the time an attribution line gives.
bool HasTime(std::string_view s) {
  auto digit = [&](size_t i) { return i < s.size() && s[i] >= '0' && s[i] <= '9'; };
  for (size_t i = 0; i + 2 < s.size(); ++i) {
    if (!digit(i)) continue;
    size_t j = i + 1;
    if (digit(j)) ++j;
    if (j < s.size() && s[j] == ' ') ++j;
    if (j < s.size() && (s[j] == ':' || s[j] == 'h')) {
      ++j;
      if (j < s.size() && s[j] == ' ') ++j;
      if (digit(j) && digit(j + 1)) return true;
    }
  }
  return false;
}

// The number of lines (1 to 3) of the attribution line that starts at lines[i] ("Le 3 déc. 2026 à 10:12,
// Marie <m@x> a écrit :", "On Thu, Dec 3, 2026 at 10:12 AM Marie <m@x> wrote:", wrapped as Gmail and
// Thunderbird wrap them); 0 when there is none. It must start with "Le " / "On " and end with "a écrit :" /
// "wrote:", and give a time or an address or be followed by quoted lines: "On Monday I wrote:" followed by
// one's own words is not one.
size_t AttributionAt(const std::vector<std::string_view>& lines, size_t i) {
  std::string joined;
  for (size_t n = 1; n <= 3 && i + n <= lines.size(); ++n) {
    if (n > 1) {
      if (IsBlank(lines[i + n - 1])) return 0;
      joined += ' ';
    }
    std::string_view line = lines[i + n - 1];
    if (IsQuoted(line))
      line.remove_prefix(line.find_first_not_of("> ") == std::string_view::npos ? line.size()
                                                                                : line.find_first_not_of("> "));
    joined += Normalize(line);
    bool french = StartsWith(joined, "le ") && (EndsWith(joined, "a écrit :") || EndsWith(joined, "a écrit:") ||
                                                EndsWith(joined, "a ecrit :") || EndsWith(joined, "a ecrit:"));
    bool english = StartsWith(joined, "on ") && EndsWith(joined, "wrote:");
    if (!french && !english) continue;
    size_t next = i + n;
    while (next < lines.size() && IsBlank(lines[next])) ++next;
    bool quoted_after = next < lines.size() && IsQuoted(lines[next]);
    if (quoted_after || HasTime(joined) || joined.find('@') != std::string::npos) return n;
    return 0;
  }
  return 0;
}

// "De : Marie" and friends: the header keys of a quoted message in Outlook's and other clients' forms.
bool IsHeaderLine(const std::string& n, bool first) {
  static const std::string_view kFirst[] = {"de :", "de:", "from:", "from :"};
  static const std::string_view kOthers[] = {
      "envoyé :", "envoyé:", "sent:", "date :", "date:",   "à :",    "à:",       "À :",     "À:",
      "a :",      "to:",     "cc :",  "cc:",    "objet :", "objet:", "subject:", "sujet :", "sujet:"};
  auto strip = [](const std::string& s) {  // Outlook's text sometimes keeps the bold: "*De :* Marie"
    std::string t;
    for (char c : s)
      if (c != '*') t += c;
    return t;
  };
  std::string line = strip(n);
  if (first) {
    for (auto k : kFirst)
      if (StartsWith(line, k)) return true;
    return false;
  }
  for (auto k : kOthers)
    if (StartsWith(line, k)) return true;
  return false;
}

// Outlook's block "De : … / Envoyé : … / À : … / Objet : …" (or From/Sent/To/Subject) starts at lines[i]:
// a From line and at least two more header lines right below it.
bool HeaderBlockAt(const std::vector<std::string_view>& lines, size_t i) {
  if (!IsHeaderLine(Normalize(lines[i]), true)) return false;
  int others = 0;
  for (size_t k = i + 1; k < lines.size() && k <= i + 6; ++k) {
    std::string n = Normalize(lines[k]);
    if (n.empty()) continue;
    if (!IsHeaderLine(n, false)) break;
    ++others;
  }
  return others >= 2;
}

bool IsSeparator(const std::string& n) {
  static const std::string_view kSeparators[] = {
      "-----original message-----",         "-----message d'origine-----",
      "-----message d’origine-----",        "-------- original message --------",
      "-------- message original --------", "----- original message -----",
      "----- message d'origine -----",      "-------- forwarded message --------",
      "-------- message transféré --------"};
  for (auto s : kSeparators)
    if (n == s) return true;
  return false;
}

// A line of underscores (Outlook's rule above its header block).
bool IsRule(const std::string& n) { return n.size() >= 10 && n.find_first_not_of('_') == std::string::npos; }

// "Envoyé de mon iPhone", "Sent from my Android", "Envoyé à partir de Outlook", "Get Outlook for iOS".
bool IsMobileSignature(const std::string& n) {
  static const std::string_view kStarts[] = {
      "envoyé de mon ",           "envoyé depuis mon ", "envoye de mon ",   "envoyé à partir de ",
      "envoyé à partir d'",       "envoyé à partir d’", "sent from my ",    "sent from outlook",
      "sent from mail for",       "sent from yahoo",    "get outlook for ", "obtenir outlook pour ",
      "téléchargez outlook pour "};
  if (n.size() > 80) return false;
  for (auto s : kStarts)
    if (StartsWith(n, s)) return true;
  return false;
}

}  // namespace

std::string StripQuotedReply(std::string_view text) {
  std::vector<std::string> owned = core::Split(text, '\n');
  std::vector<std::string_view> lines;
  for (std::string_view line : owned) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
  }
  std::vector<std::string_view> kept;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    std::string n = Normalize(line);
    // A signature, and whatever follows it (the history comes after it when people answer on top).
    if (line == "-- " || line == "--" || IsMobileSignature(n)) break;
    // The history without quote marks: everything below is the old message.
    if (IsSeparator(n) || HeaderBlockAt(lines, i)) break;
    if (IsRule(n) && i + 1 < lines.size() && HeaderBlockAt(lines, i + 1)) break;
    if (size_t count = AttributionAt(lines, i)) {
      size_t next = i + count;
      while (next < lines.size() && IsBlank(lines[next])) ++next;
      if (next < lines.size() && !IsQuoted(lines[next])) break;  // the history follows unquoted
      // Quoted lines follow: drop the attribution, and keep what is written between the quotes (an answer
      // interleaved with the questions); if nothing is, the rest is history and is dropped as quoted lines.
      i += count - 1;
      continue;
    }
    if (IsQuoted(line)) continue;
    kept.push_back(line);
  }
  // Trim: blank lines at both ends, spaces at the end of lines, at most one blank line in a row.
  std::string out;
  bool blank_pending = false;
  for (std::string_view line : kept) {
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
    if (IsBlank(line)) {
      blank_pending = !out.empty();
      continue;
    }
    if (!out.empty()) out += blank_pending ? "\n\n" : "\n";
    out += line;
    blank_pending = false;
  }
  return out;
}

}  // namespace entraide::mail
