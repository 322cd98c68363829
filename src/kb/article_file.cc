#include "kb/article_file.h"

#include "core/escape.h"

namespace entraide::kb {

namespace {
// True when YAML reads `s` back, unquoted, as the same string: no leading or trailing space, no indicator at
// the start, no ": " or " #", nothing YAML would take for another type, and printable characters only.
bool PlainSafe(const std::string& s, bool in_flow) {
  if (s.empty() || s.front() == ' ' || s.back() == ' ' || s.back() == ':') return false;
  static const std::string kIndicators = "-?:,[]{}#&*!|>'\"%@`";
  if (kIndicators.find(s.front()) != std::string::npos) return false;
  if (s.find(": ") != std::string::npos || s.find(" #") != std::string::npos) return false;
  if (in_flow && s.find_first_of(",[]{}") != std::string::npos) return false;
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return false;
  // Words and numbers YAML 1.1 resolves to other types (yaml-cpp reads them as text, other readers may not).
  std::string lower;
  for (char c : s) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  for (const char* w : {"true", "false", "yes", "no", "on", "off", "null", "~", "y", "n"})
    if (lower == w) return false;
  bool numeric = true;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E' || c == '_'))
      numeric = false;
  return !numeric || (s.size() == 10 && s[4] == '-' && s[7] == '-');  // a date stays plain
}

std::string Quoted(const std::string& s) {
  std::string out;
  core::AppendDoubleQuoted(out, s);
  return out;
}

std::string Scalar(const std::string& s, bool in_flow = false) { return PlainSafe(s, in_flow) ? s : Quoted(s); }
}  // namespace

std::string WriteArticleFile(const model::ArticleFields& f) {
  std::string out = "---\n";
  out += "title: " + Scalar(f.title) + "\n";
  out += "slug: " + Scalar(f.slug) + "\n";
  out += "lang: " + Scalar(f.lang) + "\n";
  out += "key: " + Scalar(f.key) + "\n";
  if (!f.category.empty()) out += "category: " + Scalar(f.category) + "\n";
  if (!f.tags.empty()) {
    out += "tags: [";
    for (size_t i = 0; i < f.tags.size(); ++i) out += (i ? ", " : "") + Scalar(f.tags[i], true);
    out += "]\n";
  }
  if (!f.summary.empty()) out += "summary: " + Scalar(f.summary) + "\n";
  if (!f.updated.empty()) out += "updated: " + Scalar(f.updated) + "\n";
  if (f.draft) out += "draft: true\n";
  out += "---\n\n";
  out += NormalizeBody(f.body);
  return out;
}

model::ArticleFields FieldsOf(const ArticleSource& a) {
  model::ArticleFields f;
  f.lang = a.lang;
  f.slug = a.slug;
  f.key = a.key;
  f.title = a.title;
  f.summary = a.summary;
  f.category = a.category;
  f.updated = a.updated;
  f.tags = a.tags;
  f.draft = a.draft;
  f.body = NormalizeBody(a.body);
  return f;
}

std::string NormalizeBody(std::string_view body) {
  std::string out;
  out.reserve(body.size() + 1);
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] == '\r') {
      out += '\n';
      if (i + 1 < body.size() && body[i + 1] == '\n') ++i;
    } else {
      out += body[i];
    }
  }
  // Blank lines before the text, and trailing blank space at the end.
  size_t start = 0;
  while (true) {
    size_t nl = out.find('\n', start);
    if (nl == std::string::npos) break;
    if (out.find_first_not_of(" \t", start) < nl) break;
    start = nl + 1;
  }
  out.erase(0, start);
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ' || out.back() == '\t')) out.pop_back();
  if (!out.empty()) out += '\n';
  return out;
}

}  // namespace entraide::kb
