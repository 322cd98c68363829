#include "search/snippets.h"

#include <algorithm>

#include "core/escape.h"
#include "core/strings.h"
#include "search/text.h"

namespace entraide::search {

const char* StemmerName(const std::string& lang) { return lang == "fr" ? "french" : "english"; }

std::string Snippet(const Document& d, const SnippetTerms& q) {
  const auto& terms = q.terms;
  Xapian::Stem stem(StemmerName(d.lang));
  std::string_view text = d.body.empty() ? std::string_view(d.summary) : std::string_view(d.body);
  // The beginning of a long text is where a snippet is worth showing, and scanning is per word: bound it
  // (the index keeps no more than that of a body).
  text = core::Utf8Prefix(text, kSnippetTextBytes);
  // The words' spans and which of them match, in buffers each thread reuses (a body has about a thousand
  // words, a handful of hits). Most words are ASCII, whose folded form is their lower case; most start like
  // no query term and are never copied.
  struct Span {
    uint32_t begin, end;
  };
  thread_local std::vector<Span> words;
  thread_local std::vector<uint32_t> hits;  // indices into words, ascending
  words.clear();
  hits.clear();
  std::string w;
  ForEachWord(text, [&](size_t begin, size_t end) {
    auto index = static_cast<uint32_t>(words.size());
    words.push_back({static_cast<uint32_t>(begin), static_cast<uint32_t>(end)});
    std::string_view raw = text.substr(begin, end - begin);
    bool ascii = true;
    for (char c : raw) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (ascii) {
      char head[3];
      size_t n = std::min<size_t>(raw.size(), 3);
      for (size_t k = 0; k < n; ++k) head[k] = lower(raw[k]);
      if (!q.StartsLikeATerm(SnippetTerms::Pack(std::string_view(head, n)))) return;
      w.assign(raw);
      for (char& c : w) c = lower(c);
    } else {
      // Fold the first three characters only, to compare; the whole word when it starts like a term.
      if (!q.StartsLikeATerm(SnippetTerms::Pack(FoldForCompare(core::Utf8FirstChars(raw, 3))))) return;
      w = FoldForCompare(raw);
      if (!q.StartsLikeATerm(SnippetTerms::Pack(w))) return;
    }
    if (terms.count(w) || terms.count("Z" + stem(w))) hits.push_back(index);
  });
  if (words.empty()) return core::HtmlEscape(d.summary);
  // The window of kWindow words with the most hits (the first such), found over the hits alone.
  const size_t kWindow = 28;
  size_t best = 0, best_count = 0;
  for (size_t first = 0, last = 0; last < hits.size(); ++last) {
    while (hits[last] - hits[first] >= kWindow) ++first;
    if (last - first + 1 > best_count) {
      best_count = last - first + 1;
      best = hits[first];
    }
  }
  if (best_count == 0) {
    // No body word matched (a title or synonym match): the summary says best what it is about.
    if (!d.summary.empty()) return core::HtmlEscape(d.summary);
  } else {
    // Start a few words before the window's first match, so the match reads in context.
    best = best > 4 ? best - 4 : 0;
  }
  auto is_hit = [next = hits.begin()](size_t i) mutable {
    while (next != hits.end() && *next < i) ++next;
    return next != hits.end() && *next == i;
  };
  size_t end_word = std::min(words.size(), best + kWindow);
  std::string out;
  if (best > 0) out += "… ";
  size_t pos = words[best].begin;
  for (size_t i = best; i < end_word; ++i) {
    core::AppendHtmlEscaped(out, text.substr(pos, words[i].begin - pos));
    std::string_view word = text.substr(words[i].begin, words[i].end - words[i].begin);
    bool hit = is_hit(i);
    if (hit) out += "<mark>";
    core::AppendHtmlEscaped(out, word);
    if (hit) out += "</mark>";
    pos = words[i].end;
  }
  if (end_word < words.size()) out += " …";
  return core::ReplaceAll(out, "\n", " ");
}

}  // namespace entraide::search
