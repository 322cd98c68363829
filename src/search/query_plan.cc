#include "search/query_plan.h"

#include <algorithm>

#include "search/document.h"

namespace entraide::search {

Xapian::Query Scope::Filter(Xapian::Query q) const {
  for (const auto& f : filters) q = Xapian::Query(Xapian::Query::OP_FILTER, q, f);
  return q;
}

Scope ScopeOf(const model::SearchRequest& req) {
  Scope s;
  if (req.lang.empty())
    s.langs = {"en", "fr"};
  else
    s.langs = {req.lang};
  if (!req.category.empty()) s.filters.emplace_back(kPrefixCategory + req.category);
  if (!req.tag.empty()) s.filters.emplace_back(kPrefixTag + req.tag);
  if (!req.kind.empty()) s.filters.emplace_back(kPrefixKind + req.kind);
  if (!req.lang.empty()) s.filters.emplace_back(kPrefixLang + req.lang);
  return s;
}

Xapian::Query QueryPlanner::Typed(const std::string& folded) const {
  Xapian::Query query = parsing_.ParseAll(db_, folded, scope_.langs, Xapian::Query::OP_AND);
  if (query.empty()) return query;
  return scope_.Filter(query);
}

bool QueryPlanner::IsQuestion(const std::string& folded) const {
  return parsing_.ContentWords(folded, scope_.langs) > 3;
}

Xapian::Query QueryPlanner::Widened(const std::string& text) const {
  Xapian::Query all = parsing_.ParseAll(db_, text, scope_.langs, Xapian::Query::OP_AND);
  Xapian::Query any = parsing_.ParseAll(db_, text, scope_.langs, Xapian::Query::OP_OR);
  if (any.empty()) return all;
  if (all.empty()) return any;
  // Documents with all the words still rank first.
  return Xapian::Query(Xapian::Query::OP_OR, Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, all, 2.0), any);
}

ShownQuery QueryPlanner::Choose(const Xapian::Query& typed, const std::string& folded, int64_t and_found,
                                const std::string& correction, const CountItems& count) const {
  ShownQuery shown{typed};
  int64_t shown_found = -1;  // what the shown query finds, up to 4, when counted already (-1: not yet)
  {
    // (The widened query finds every item AND finds, and more unless they are the same.)
    Xapian::Query w = scope_.Filter(Widened(folded));
    int64_t widened_found = w.empty() || and_found >= 4 ? -1 : count(w, 4);
    if (!w.empty() && (and_found >= 4 || widened_found > and_found)) {
      shown.query = w;
      shown.typed = false;
      shown.used_or = and_found == 0;
      shown_found = widened_found;
    } else {
      shown_found = std::min<int64_t>(and_found, 4);
    }
  }
  if (!correction.empty() && and_found < 3) {
    std::string correction_folded = FoldQuery(correction);
    Xapian::Query fixed = parsing_.ParseAll(db_, correction_folded, scope_.langs, Xapian::Query::OP_AND);
    if (!fixed.empty()) {
      fixed = scope_.Filter(fixed);
      int64_t fixed_found = count(fixed, 3);
      if (fixed_found < 3) {
        Xapian::Query fw = scope_.Filter(Widened(correction_folded));
        if (!fw.empty()) {
          fixed = fw;
          fixed_found = count(fw, 4);
        }
      }
      if (shown_found < 0) shown_found = count(shown.query, 4);
      if (fixed_found > 0 && (fixed_found >= shown_found || and_found == 0)) {
        shown.query = fixed;
        shown.typed = false;
        shown.corrected = true;
        shown.used_or = false;
      }
    }
  }
  return shown;
}

}  // namespace entraide::search
