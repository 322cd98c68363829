// DmarcResult (mail/inbound.h): reading Authentication-Results headers (RFC 8601, section 2.2).
#include <string>
#include <string_view>
#include <vector>

#include "core/strings.h"
#include "mail/inbound.h"

namespace entraide::mail {
namespace {

bool IsWsp(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// The value without its comments (nested parentheses, "\" escapes), quoted strings unquoted into one word;
// folding whitespace as single spaces. The ';' between results stays.
std::string WithoutComments(std::string_view v) {
  std::string out;
  int depth = 0;
  bool quoted = false;
  for (size_t i = 0; i < v.size(); ++i) {
    char c = v[i];
    if (c == '\\' && (depth > 0 || quoted) && i + 1 < v.size()) {
      if (quoted) out += v[i + 1];
      ++i;
      continue;
    }
    if (quoted) {
      if (c == '"') {
        quoted = false;
      } else {
        out += c == ';' ? ',' : IsWsp(c) ? '_' : c;  // a quoted value stays one word of its result
      }
      continue;
    }
    if (c == '(') {
      ++depth;
      out += ' ';
      continue;
    }
    if (depth > 0) {
      if (c == ')') --depth;
      continue;
    }
    if (c == '"') {
      quoted = true;
      continue;
    }
    out += IsWsp(c) ? ' ' : c;
  }
  return out;
}

// "method = result reason=x ptype.property=value": spaces around '=' removed, then words.
std::vector<std::string> Words(std::string_view s) {
  std::string joined;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == ' ') {
      size_t j = s.find_first_not_of(' ', i);
      bool before_eq = j != std::string_view::npos && s[j] == '=';
      bool after_eq = !joined.empty() && joined.back() == '=';
      if (before_eq || after_eq) continue;
    }
    joined += s[i];
  }
  return core::Split(joined, ' ', /*skip_empty=*/true);
}

}  // namespace

std::optional<DmarcVerdict> DmarcResult(const InboundMessage& m, std::string_view host) {
  std::string wanted = core::ToLowerAscii(host);
  for (const std::string& header : m.authentication_results) {
    std::vector<std::string> parts = core::Split(WithoutComments(header), ';');
    std::vector<std::string> id = Words(parts[0]);
    if (id.empty() || core::ToLowerAscii(id[0]) != wanted) continue;  // another host's: anyone can write one
    for (size_t p = 1; p < parts.size(); ++p) {
      std::vector<std::string> words = Words(parts[p]);
      if (words.empty()) continue;
      std::string first = core::ToLowerAscii(words[0]);
      if (first.rfind("dmarc=", 0) != 0) continue;
      DmarcVerdict verdict;
      verdict.result = first.substr(6);
      for (size_t w = 1; w < words.size(); ++w) {
        std::string prop = core::ToLowerAscii(words[w]);
        if (prop.rfind("header.from=", 0) == 0) verdict.header_from = prop.substr(12);
      }
      if (verdict.result.empty()) continue;
      return verdict;
    }
    // A header of `host` without a dmarc result (OpenDKIM's, say): a milter chain adds one header each, and
    // the next one of the same host may carry it.
  }
  return std::nullopt;
}

}  // namespace entraide::mail
