// The pure rules of the insights: which articles need revision, how a search is normalised before it is counted.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace entraide::insights {

struct RevisionRule {
  int64_t min_answers = 5;               // a score means something from this many answers of the period
  int64_t min_unresolved_citations = 3;  // "this may help" on this many tickets it did not resolve
};

enum class RevisionReason { kNone, kPoorScore, kUnresolvedCitations, kBoth };

// An article needs revision when, over the period, at least min_answers people answered and fewer than half said
// Yes (a poor score), or when at least min_unresolved_citations tickets cited it without being resolved by it.
RevisionReason NeedsRevision(int64_t yes, int64_t no, int64_t unresolved_citations, const RevisionRule& rule = {});

// The form a search is counted under: spaces trimmed and collapsed, letters lower-cased (ASCII and the Latin
// letters of French: "Sauvegarde  ÉTÉ" -> "sauvegarde été"), cut to 100 bytes on a character boundary. Empty
// (not counted) for a query that is empty or may name someone: one with '@' (an email) or a run of 6 digits or
// more (a phone or member number). `query` is valid UTF-8 (the search refuses others before).
std::string NormaliseQuery(std::string_view query);

}  // namespace entraide::insights
