#include "insights/rules.h"

namespace entraide::insights {

RevisionReason NeedsRevision(int64_t yes, int64_t no, int64_t unresolved_citations, const RevisionRule& rule) {
  int64_t answers = yes + no;
  bool poor = answers >= rule.min_answers && yes * 2 < answers;
  bool cited = unresolved_citations >= rule.min_unresolved_citations;
  if (poor && cited) return RevisionReason::kBoth;
  if (poor) return RevisionReason::kPoorScore;
  if (cited) return RevisionReason::kUnresolvedCitations;
  return RevisionReason::kNone;
}

std::string NormaliseQuery(std::string_view query) {
  constexpr size_t kMaxBytes = 100;
  std::string out;
  int digits = 0;
  bool space = false;
  for (size_t i = 0; i < query.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(query[i]);
    if (c == '@') return "";
    digits = (c >= '0' && c <= '9') ? digits + 1 : 0;
    if (digits >= 6) return "";
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      space = !out.empty();
      continue;
    }
    // The length of this UTF-8 character; a query is cut before a character that would pass the limit.
    size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (out.size() + (space ? 1 : 0) + len > kMaxBytes) break;
    if (space) out += ' ';
    space = false;
    if (c >= 'A' && c <= 'Z') {
      out += static_cast<char>(c + 32);
    } else if (c == 0xC3 && i + 1 < query.size()) {
      unsigned char d = static_cast<unsigned char>(query[i + 1]);
      // U+00C0..U+00DE are the capitals of U+00E0..U+00FE, but for U+00D7 (the multiplication sign).
      out += static_cast<char>(c);
      out += static_cast<char>(d >= 0x80 && d <= 0x9E && d != 0x97 ? d + 0x20 : d);
      ++i;
    } else if (c == 0xC5 && i + 1 < query.size() && query[i + 1] == '\x92') {
      out += "\xC5\x93";  // Œ -> œ
      ++i;
    } else {
      out.append(query.substr(i, len));
      i += len - 1;
    }
  }
  return out;
}

}  // namespace entraide::insights
