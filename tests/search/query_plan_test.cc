#include "search/query_plan.h"

#include <gtest/gtest.h>
#include <xapian.h>

#include <string>

#include "search/document.h"
#include "search/resources.h"

namespace entraide::search {
namespace {

bool Has(const Xapian::Query& q, const std::string& text) {
  return q.get_description().find(text) != std::string::npos;
}

// How the planner's queries read (Xapian's description): the widened one weighs its all-words part twice; the
// corrected one holds the stem of "imprimante" ("imprim"), the typed one that of "imprimnte".
constexpr const char* kWidened = "2 * (";
constexpr const char* kCorrected = "Zimprim@";

TEST(ScopeTest, ALanguageIsParsedAloneAndFiltersEveryNamedFacet) {
  model::SearchRequest req;
  EXPECT_EQ(ScopeOf(req).langs, (std::vector<std::string>{"en", "fr"}));
  EXPECT_TRUE(ScopeOf(req).filters.empty());
  req.lang = "fr";
  req.category = "security";
  req.tag = "backup";
  req.kind = "article";
  Scope s = ScopeOf(req);
  EXPECT_EQ(s.langs, (std::vector<std::string>{"fr"}));
  Xapian::Query q = s.Filter(Xapian::Query("word"));
  for (const std::string& term : {std::string(kPrefixCategory) + "security", std::string(kPrefixTag) + "backup",
                                  std::string(kPrefixKind) + "article", std::string(kPrefixLang) + "fr"})
    EXPECT_TRUE(Has(q, term)) << term << " in " << q.get_description();
}

// The decision alone: what a query finds is given by `found` (by the words it holds), as the searcher would count.
class QueryPlannerTest : public ::testing::Test {
 protected:
  QueryPlannerTest() : parsing_(resources_), planner_(parsing_, db_, scope_) { scope_.langs = {"fr"}; }
  ShownQuery Choose(int64_t and_found, const std::string& correction = "") {
    Xapian::Query typed = planner_.Typed("imprimnte bloquee");
    return planner_.Choose(typed, "imprimnte bloquee", and_found, correction,
                           [&](const Xapian::Query& q, Xapian::doccount) -> int64_t {
                             ++counts_;
                             if (Has(q, kCorrected)) return corrected_found_;
                             return Has(q, kWidened) ? widened_found_ : and_found;
                           });
  }

  Resources resources_;
  Xapian::WritableDatabase db_{std::string(), Xapian::DB_BACKEND_INMEMORY};
  Scope scope_;
  QueryParsing parsing_;
  QueryPlanner planner_;
  int64_t widened_found_ = 0, corrected_found_ = 0;
  int counts_ = 0;
};

TEST_F(QueryPlannerTest, AndFindingNothingIsWidenedToOr) {
  widened_found_ = 2;
  ShownQuery s = Choose(0);
  EXPECT_FALSE(s.typed);
  EXPECT_TRUE(s.used_or);
  EXPECT_FALSE(s.corrected);
  EXPECT_TRUE(Has(s.query, kWidened)) << "documents with every word still first";
}

TEST_F(QueryPlannerTest, TheTypedWordsStayWhenWideningFindsNothingMore) {
  widened_found_ = 2;
  ShownQuery s = Choose(2);
  EXPECT_TRUE(s.typed);
  EXPECT_FALSE(s.used_or);
}

TEST_F(QueryPlannerTest, ANaturalQuestionIsWidenedWithoutCountingIt) {
  ShownQuery s = Choose(4);
  EXPECT_FALSE(s.typed);
  EXPECT_FALSE(s.used_or) << "AND found something: not said to be widened";
  EXPECT_EQ(counts_, 0);
  EXPECT_TRUE(planner_.IsQuestion("comment sauvegarder mes photos de vacances"));
  EXPECT_FALSE(planner_.IsQuestion("sauvegarde photos"));
}

TEST_F(QueryPlannerTest, TheCorrectionIsShownWhenItFindsAtLeastAsMuch) {
  corrected_found_ = 3;
  ShownQuery s = Choose(0, "imprimante bloquée");
  EXPECT_TRUE(s.corrected);
  EXPECT_FALSE(s.used_or);
  EXPECT_TRUE(Has(s.query, kCorrected));
}

TEST_F(QueryPlannerTest, TheCorrectionIsNotShownWhenTheTypedWordsFindMore) {
  widened_found_ = 2;
  corrected_found_ = 1;
  ShownQuery s = Choose(2, "imprimante bloquée");
  EXPECT_FALSE(s.corrected);
  EXPECT_FALSE(Has(s.query, kCorrected));
  corrected_found_ = 0;
  EXPECT_FALSE(Choose(0, "imprimante bloquée").corrected) << "a correction that finds nothing";
}

}  // namespace
}  // namespace entraide::search
