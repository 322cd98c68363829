// WordDiff: dtl's O(NP) shortest edit script (Wu, Manber, Myers) over interned tokens, between the common prefix
// and suffix of the two texts. dtl cannot be stopped, so its comparator counts the comparisons it makes: past the
// budget it answers "equal" to everything, which makes dtl slide to the end of both sequences and return at once
// (a script that is then thrown away). The ladder is words, then whole lines, then the middle as one removal and
// one addition. dtl itself caps its path memory at 2,000,000 coordinates (about 48 MB).
#include "editorial/word_diff.h"

#include <cstddef>
#include <cstdint>
#include <dtl/dtl.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "editorial/text_tokens.h"

namespace entraide::editorial {
namespace {

using Kind = model::DiffPiece::Kind;

// Comparisons dtl may make in one WordDiff, half for the words of the whole change, half for the lines and
// then the words of each changed run of lines. Each comparison is also about one step of dtl's path (24 bytes
// kept, in a vector that grows by doubling): about 0.3-1 µs each on the build machine, so two unrelated 9 KiB
// articles (2,500 words each) took 1.7 s at word level with no budget. Edits between two revisions (a few
// hundred words changed) stay far below it; measured in WordDiffTest.TwoLargeTextsWithManyChangesAreBounded.
constexpr int64_t kCompareBudget = 600'000;

// Words and every other character on its own (text_tokens.h), as views into `text`.
std::vector<std::string_view> WordTokens(std::string_view text) {
  std::vector<std::string_view> out;
  for (const auto& t : TextTokens(text)) out.push_back(t.text);
  return out;
}

// Lines, each with its line feed.
std::vector<std::string_view> LineTokens(std::string_view text) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    size_t end = nl == std::string_view::npos ? text.size() : nl + 1;
    out.push_back(text.substr(start, end - start));
    start = end;
  }
  return out;
}

// dtl's comparator, counting. Copied into dtl::Diff, so the count lives outside it.
class BudgetCompare : public dtl::Compare<int> {
 public:
  BudgetCompare() = default;
  explicit BudgetCompare(int64_t* left) : left_(left) {}
  bool impl(const int& a, const int& b) const override {
    if (*left_ <= 0) return true;  // over budget: let dtl run to the end (the result is discarded)
    --*left_;
    return a == b;
  }

 private:
  int64_t* left_ = nullptr;
};

// Appends `text` to the pieces, merged with the last one when it is of the same kind.
void Append(std::vector<model::DiffPiece>& out, Kind kind, std::string_view text) {
  if (text.empty()) return;
  if (!out.empty() && out.back().kind == kind) {
    out.back().text.append(text);
    return;
  }
  out.push_back({kind, std::string(text)});
}

// The edit script between two token sequences, or nullopt when it would take more than what is `left` of the
// budget (taken from it).
std::optional<std::vector<model::DiffPiece>> Script(const std::vector<std::string_view>& a,
                                                    const std::vector<std::string_view>& b, int64_t& left) {
  if (left <= 0) return std::nullopt;
  std::unordered_map<std::string_view, int> ids;
  ids.reserve(a.size() + b.size());
  auto intern = [&](const std::vector<std::string_view>& tokens) {
    std::vector<int> seq;
    seq.reserve(tokens.size());
    for (auto t : tokens) seq.push_back(ids.emplace(t, static_cast<int>(ids.size())).first->second);
    return seq;
  };
  std::vector<int> sa = intern(a), sb = intern(b);
  std::vector<std::string_view> by_id(ids.size());
  for (const auto& [text, id] : ids) by_id[static_cast<size_t>(id)] = text;

  dtl::Diff<int, std::vector<int>, BudgetCompare> diff(sa, sb, BudgetCompare(&left));
  diff.compose();
  if (left <= 0) return std::nullopt;
  std::vector<model::DiffPiece> out;
  for (const auto& [id, info] : diff.getSes().getSequence()) {
    Kind kind = info.type == dtl::SES_ADD ? Kind::kAdded : info.type == dtl::SES_DELETE ? Kind::kRemoved : Kind::kSame;
    Append(out, kind, by_id[static_cast<size_t>(id)]);
  }
  return out;
}

// Lines first, then words inside each changed run of lines (removed lines and the added lines that replace
// them), as long as the budget lasts; a run left over stays whole lines.
std::optional<std::vector<model::DiffPiece>> ByLines(std::string_view old_text, std::string_view new_text,
                                                     int64_t& left) {
  auto lines = Script(LineTokens(old_text), LineTokens(new_text), left);
  if (!lines) return std::nullopt;
  std::vector<model::DiffPiece> out;
  for (size_t i = 0; i < lines->size(); ++i) {
    const auto& piece = (*lines)[i];
    bool replaced = piece.kind == Kind::kRemoved && i + 1 < lines->size() && (*lines)[i + 1].kind == Kind::kAdded;
    std::optional<std::vector<model::DiffPiece>> words;
    if (replaced) words = Script(WordTokens(piece.text), WordTokens((*lines)[i + 1].text), left);
    if (!words) {
      Append(out, piece.kind, piece.text);
      continue;
    }
    for (const auto& w : *words) Append(out, w.kind, w.text);
    ++i;
  }
  return out;
}

}  // namespace

std::vector<model::DiffPiece> WordDiff(std::string_view old_text, std::string_view new_text) {
  std::vector<model::DiffPiece> out;
  // The common prefix and suffix, cut between tokens (a word is not split: "chat" to "chats" is one change).
  std::vector<std::string_view> a = WordTokens(old_text), b = WordTokens(new_text);
  size_t head = 0;
  while (head < a.size() && head < b.size() && a[head] == b[head]) ++head;
  size_t tail = 0;
  while (tail < a.size() - head && tail < b.size() - head && a[a.size() - 1 - tail] == b[b.size() - 1 - tail]) ++tail;
  auto bytes = [](const std::vector<std::string_view>& v, size_t from, size_t to) {
    size_t n = 0;
    for (size_t i = from; i < to; ++i) n += v[i].size();
    return n;
  };
  size_t head_bytes = bytes(a, 0, head), tail_old = bytes(a, a.size() - tail, a.size());
  size_t tail_new = bytes(b, b.size() - tail, b.size());
  std::string_view old_mid = old_text.substr(head_bytes, old_text.size() - head_bytes - tail_old);
  std::string_view new_mid = new_text.substr(head_bytes, new_text.size() - head_bytes - tail_new);

  Append(out, Kind::kSame, old_text.substr(0, head_bytes));
  std::optional<std::vector<model::DiffPiece>> middle;
  if (old_mid.empty() || new_mid.empty()) {
    middle.emplace();
  } else {
    a.assign(a.begin() + static_cast<std::ptrdiff_t>(head), a.end() - static_cast<std::ptrdiff_t>(tail));
    b.assign(b.begin() + static_cast<std::ptrdiff_t>(head), b.end() - static_cast<std::ptrdiff_t>(tail));
    int64_t left = kCompareBudget / 2;
    middle = Script(a, b, left);
    if (!middle) {
      left = kCompareBudget / 2;
      middle = ByLines(old_mid, new_mid, left);
    }
    if (!middle) middle.emplace();
  }
  if (middle->empty()) {
    Append(out, Kind::kRemoved, old_mid);
    Append(out, Kind::kAdded, new_mid);
  }
  for (auto& piece : *middle) Append(out, piece.kind, piece.text);
  Append(out, Kind::kSame, old_text.substr(old_text.size() - tail_old));
  return out;
}

}  // namespace entraide::editorial
