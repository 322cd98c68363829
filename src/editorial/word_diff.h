// A word-level comparison of two texts (dtl's shortest edit script over words): what the history page shows
// between two revisions. Bounded: texts are at most kb::kMaxArticleBytes each, and the comparison falls back to
// whole lines when the word sequences are too long to compare within the budget. Pure; thread-safe.
#pragma once

#include <string_view>
#include <vector>

#include "model/editorial.h"

namespace entraide::editorial {

// Runs of unchanged, removed and added text, old first. Words are maximal runs of letters and digits (UTF-8
// aware: "Montréal" is one word); spaces and punctuation are their own tokens, so joining the kSame and
// kRemoved pieces gives `old_text` back byte for byte, and kSame and kAdded `new_text`. Adjacent pieces of
// one kind are merged.
std::vector<model::DiffPiece> WordDiff(std::string_view old_text, std::string_view new_text);

}  // namespace entraide::editorial
