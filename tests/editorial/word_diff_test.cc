#include "editorial/word_diff.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace entraide::editorial {
namespace {

using Kind = model::DiffPiece::Kind;

// The pieces written as "=same", "-removed", "+added", joined by "|".
std::string Show(const std::vector<model::DiffPiece>& pieces) {
  std::string out;
  for (const auto& p : pieces) {
    if (!out.empty()) out += "|";
    out += p.kind == Kind::kSame ? "=" : p.kind == Kind::kRemoved ? "-" : "+";
    out += p.text;
  }
  return out;
}

std::string Side(const std::vector<model::DiffPiece>& pieces, Kind other) {
  std::string out;
  for (const auto& p : pieces)
    if (p.kind == Kind::kSame || p.kind == other) out += p.text;
  return out;
}

void ExpectRebuilds(const std::vector<model::DiffPiece>& pieces, const std::string& old_text,
                    const std::string& new_text) {
  EXPECT_EQ(Side(pieces, Kind::kRemoved), old_text);
  EXPECT_EQ(Side(pieces, Kind::kAdded), new_text);
  for (size_t i = 1; i < pieces.size(); ++i) EXPECT_NE(pieces[i].kind, pieces[i - 1].kind) << "not merged at " << i;
  for (const auto& p : pieces) EXPECT_FALSE(p.text.empty());
}

struct Case {
  const char* name;
  std::string old_text, new_text, expected;
};

TEST(WordDiffTest, Table) {
  const std::vector<Case> cases = {
      {"same", "Le chat dort.", "Le chat dort.", "=Le chat dort."},
      {"both empty", "", "", ""},
      {"old empty", "", "Bonjour", "+Bonjour"},
      {"new empty", "Bonjour", "", "-Bonjour"},
      {"insert a word", "Le chat dort.", "Le gros chat dort.", "=Le |+gros |=chat dort."},
      {"delete a word", "Le gros chat dort.", "Le chat dort.", "=Le |-gros |=chat dort."},
      {"replace one word", "Le chat dort.", "Le chien dort.", "=Le |-chat|+chien|= dort."},
      {"a longer word is one change", "Le chat dort.", "Le chats dort.", "=Le |-chat|+chats|= dort."},
      {"accents: one word each", "Réunion à Montréal", "Réunion à Québec", "=Réunion à |-Montréal|+Québec"},
      {"an accent changed", "Reunion a Montreal", "Réunion a Montreal", "-Reunion|+Réunion|= a Montreal"},
      {"punctuation is its own token", "Fini.", "Fini!", "=Fini|-.|+!"},
      {"French spacing: no-break space before a colon", "Note\xC2\xA0: sauvegarder", "Note\xC2\xA0: archiver",
       "=Note\xC2\xA0: |-sauvegarder|+archiver"},
      {"guillemets separate words",
       "\xC2\xAB"
       "chat\xC2\xBB",
       "\xC2\xAB"
       "chien\xC2\xBB",
       "=\xC2\xAB|-chat|+chien|=\xC2\xBB"},
      {"typographic apostrophe", "l\xE2\x80\x99imprimante", "l\xE2\x80\x99ordinateur",
       "=l\xE2\x80\x99|-imprimante|+ordinateur"},
      {"CRLF kept", "un\r\ndeux\r\n", "un\r\ntrois\r\n", "=un\r\n|-deux|+trois|=\r\n"},
      {"CRLF to LF", "un\r\ndeux", "un\ndeux", "=un|-\r|=\ndeux"},
      {"digits are words", "version 1.2.3", "version 1.2.4", "=version 1.2.|-3|+4"},
      {"a change inside a long line", std::string(2000, 'x') + " milieu " + std::string(2000, 'y'),
       std::string(2000, 'x') + " centre " + std::string(2000, 'y'),
       "=" + std::string(2000, 'x') + " |-milieu|+centre|= " + std::string(2000, 'y')},
      {"stray bytes stay in their word",
       "a\xFF"
       "b c",
       "a\xFF"
       "b d",
       "=a\xFF"
       "b |-c|+d"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto pieces = WordDiff(c.old_text, c.new_text);
    EXPECT_EQ(Show(pieces), c.expected);
    ExpectRebuilds(pieces, c.old_text, c.new_text);
  }
}

std::vector<std::string> Articles() {
  std::vector<std::string> out;
  for (const char* lang : {"fr", "en"})
    for (const auto& entry :
         std::filesystem::directory_iterator(std::string(ENTRAIDE_SOURCE_DIR) + "/content/" + lang)) {
      if (entry.path().extension() != ".md") continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      out.push_back(ss.str());
    }
  std::sort(out.begin(), out.end());
  return out;
}

// `text` with `edits` random changes: a word removed, one inserted, one replaced, a line break added or removed.
std::string Edited(const std::string& text, int edits, std::mt19937& rng) {
  static const std::vector<std::string> words = {"chat",    "Montréal", "sauvegarde", " ",      "\n",  ".",
                                                 "« mot »", "réseau",   "x",          "1,50 $", "\r\n"};
  std::string out = text;
  for (int i = 0; i < edits && !out.empty(); ++i) {
    size_t at = std::uniform_int_distribution<size_t>(0, out.size() - 1)(rng);
    while (at > 0 && (static_cast<unsigned char>(out[at]) & 0xC0) == 0x80) --at;  // not inside a character
    size_t len = std::min<size_t>(out.size() - at, std::uniform_int_distribution<size_t>(0, 12)(rng));
    while (at + len < out.size() && (static_cast<unsigned char>(out[at + len]) & 0xC0) == 0x80) ++len;
    const std::string& word = words[std::uniform_int_distribution<size_t>(0, words.size() - 1)(rng)];
    switch (rng() % 3) {
      case 0:
        out.erase(at, len);
        break;
      case 1:
        out.insert(at, word);
        break;
      default:
        out.replace(at, len, word);
    }
  }
  return out;
}

TEST(WordDiffTest, RebuildsBothSidesOfRandomEditsOfTheLibrary) {
  auto articles = Articles();
  ASSERT_GE(articles.size(), 20u);
  std::mt19937 rng(18);
  for (size_t i = 0; i < articles.size(); ++i) {
    for (int edits : {1, 5, 40}) {
      SCOPED_TRACE("article " + std::to_string(i) + ", edits " + std::to_string(edits));
      std::string changed = Edited(articles[i], edits, rng);
      auto pieces = WordDiff(articles[i], changed);
      ExpectRebuilds(pieces, articles[i], changed);
      // Most of an article with a few edits is unchanged text.
      size_t same = 0;
      for (const auto& p : pieces)
        if (p.kind == Kind::kSame) same += p.text.size();
      if (edits == 1) {
        EXPECT_GT(same, articles[i].size() / 2);
      }
    }
  }
  // And unrelated articles (over the word budget: lines, then words inside changed lines).
  for (size_t i = 0; i < 3; ++i) ExpectRebuilds(WordDiff(articles[i], articles[i + 5]), articles[i], articles[i + 5]);
}

// The library glued up to 512 KiB (kb::kMaxArticleBytes).
std::string Large(const std::vector<std::string>& articles, size_t bytes) {
  std::string out;
  for (size_t i = 0; out.size() < bytes; ++i) out += articles[i % articles.size()];
  out.resize(bytes);
  while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0x80)) out.pop_back();
  return out;
}

TEST(WordDiffTest, TwoLargeTextsWithManyChangesAreBounded) {
  auto articles = Articles();
  std::mt19937 rng(512);
  std::string old_text = Large(articles, 512 * 1024);
  struct Load {
    const char* name;
    std::string new_text;
  };
  std::string reversed = Large({articles.rbegin(), articles.rend()}, 512 * 1024);
  const std::vector<Load> loads = {
      {"a few edits", Edited(old_text, 20, rng)},
      {"an edit every ~100 bytes", Edited(old_text, 5000, rng)},
      {"another text altogether", reversed},
  };
  for (const auto& load : loads) {
    SCOPED_TRACE(load.name);
    auto start = std::chrono::steady_clock::now();
    auto pieces = WordDiff(old_text, load.new_text);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
    std::cout << "[ timing ] " << load.name << ": " << ms << " ms, " << pieces.size() << " pieces\n";
    EXPECT_LT(ms, 10000);  // the measured times are in /work/notes/18-draft.md; sanitizer builds are slower
    ExpectRebuilds(pieces, old_text, load.new_text);
  }
}

}  // namespace
}  // namespace entraide::editorial
