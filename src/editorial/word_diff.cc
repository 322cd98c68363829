// Placeholder until the word diff lands (helper "draft" replaces this file).
#include "editorial/word_diff.h"

namespace entraide::editorial {
std::vector<model::DiffPiece> WordDiff(std::string_view old_text, std::string_view new_text) {
  std::vector<model::DiffPiece> out;
  if (old_text == new_text) return {{model::DiffPiece::Kind::kSame, std::string(old_text)}};
  if (!old_text.empty()) out.push_back({model::DiffPiece::Kind::kRemoved, std::string(old_text)});
  if (!new_text.empty()) out.push_back({model::DiffPiece::Kind::kAdded, std::string(new_text)});
  return out;
}
}  // namespace entraide::editorial
