// Keeps the folder boundaries of docs/ARCHITECTURE.md: which #include prefixes each src/ folder may use.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>

#include "test_util.h"

namespace entraide::testing {
namespace {

namespace fs = std::filesystem;

// Project folders each folder may include, and third-party prefixes only it may include.
const std::map<std::string, std::set<std::string>> kProjectDeps = {
    {"core", {"core"}},
    {"model", {"core", "model"}},
    {"store", {"core", "model", "store"}},
    {"markdown", {"core", "markdown"}},
    {"search", {"core", "model", "search"}},
    {"view", {"core", "view", "i18n"}},
    {"i18n", {"core", "i18n"}},
    {"kb", {"core", "model", "store", "markdown", "search", "kb", "i18n"}},
    {"auth", {"core", "model", "store", "auth", "i18n"}},
    {"tickets", {"core", "model", "store", "markdown", "search", "kb", "auth", "tickets"}},
    {"mail", {"core", "model", "store", "auth", "view", "i18n", "mail"}},
    {"privacy", {"core", "model", "store", "auth", "i18n", "tickets", "privacy"}},
    {"insights", {"core", "model", "store", "auth", "tickets", "insights"}},
    {"inbox", {"core", "model", "store", "auth", "tickets", "mail", "inbox"}},
    {"editorial", {"core", "model", "store", "markdown", "kb", "auth", "tickets", "i18n", "editorial"}},
    {"http",
     {"core", "model", "kb", "auth", "tickets", "mail", "inbox", "privacy", "insights", "editorial", "view", "i18n",
      "http"}},
    {"app",
     {"core", "model", "store", "markdown", "search", "view", "i18n", "kb", "auth", "tickets", "mail", "inbox",
      "privacy", "insights", "editorial", "http", "app"}},
};
// Third-party headers and the one folder that owns each.
const std::vector<std::pair<std::string, std::set<std::string>>> kThirdParty = {
    {"sqlite3.h", {"store"}},     {"cmark-gfm", {"markdown"}},
    {"xapian", {"search"}},       {"kainjow/", {"view"}},
    {"yaml-cpp/", {"kb"}},        {"utf8proc", {"search"}},
    {"sodium", {"core", "auth"}}, {"date/", {"core"}},
    {"pwquality", {"auth"}},      {"zxcvbn", {"auth"}},
    {"gmime/", {"mail"}},         {"dtl/", {"editorial"}},
    {"glib", {"mail"}},           {"Poco/Net/", {"http", "mail"}},
    {"Poco/Util/", {"app"}},      {"Poco/JSON/", {"i18n", "http", "mail", "app"}},
    {"Poco/Zip/", {"privacy"}},   {"Poco/", {"http", "mail", "i18n", "app", "privacy"}},
};

TEST(ArchitectureTest, EachFolderIncludesOnlyWhatItMay) {
  std::regex include_re(R"(^\s*#\s*include\s*[<"]([^>"]+)[>"])");
  std::vector<std::string> violations;
  for (const auto& entry : fs::recursive_directory_iterator(SourceDir() + "/src")) {
    if (!entry.is_regular_file()) continue;
    auto ext = entry.path().extension();
    if (ext != ".h" && ext != ".cc") continue;
    std::string folder = fs::relative(entry.path(), SourceDir() + "/src").begin()->string();
    auto deps = kProjectDeps.find(folder);
    if (deps == kProjectDeps.end()) {
      if (entry.path().filename() != "main.cc") violations.push_back("unknown folder " + folder);
      continue;
    }
    std::ifstream in(entry.path());
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      ++n;
      std::smatch m;
      if (!std::regex_search(line, m, include_re)) continue;
      std::string inc = m[1];
      std::string where = fs::relative(entry.path(), SourceDir()).string() + ":" + std::to_string(n) + ": ";
      std::string first = inc.substr(0, inc.find('/'));
      if (inc.find('/') != std::string::npos && kProjectDeps.count(first)) {
        if (!deps->second.count(first)) violations.push_back(where + folder + "/ may not include " + inc);
        continue;
      }
      for (const auto& [prefix, owners] : kThirdParty) {
        if (inc.rfind(prefix, 0) == 0) {
          if (!owners.count(folder)) violations.push_back(where + folder + "/ may not include " + inc);
          break;
        }
      }
    }
  }
  std::string all;
  for (const auto& v : violations) all += v + "\n";
  EXPECT_TRUE(violations.empty()) << all;
}

// The project headers `path` (relative to src/) includes directly.
std::vector<std::string> ProjectIncludes(const std::string& path) {
  static const std::regex include_re(R"re(^\s*#\s*include\s*"([a-z_]+/[^"]+)")re");
  std::vector<std::string> out;
  std::ifstream in(SourceDir() + "/src/" + path);
  std::string line;
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_search(line, m, include_re) && fs::exists(SourceDir() + "/src/" + std::string(m[1])))
      out.push_back(m[1]);
  }
  return out;
}

// Pages and the API see services, never what is under them: no header of store/ (SQLite), search/ (Xapian) or
// markdown/ (cmark-gfm) may be reached from http/, directly or through a service header (a service keeps its
// store and search types inside, and hands out model/ values).
TEST(ArchitectureTest, NoStoreSearchOrMarkdownHeaderReachesHttpThroughAnotherHeader) {
  const std::set<std::string> hidden = {"store", "search", "markdown"};
  std::vector<std::string> violations;
  for (const auto& entry : fs::recursive_directory_iterator(SourceDir() + "/src/http")) {
    if (!entry.is_regular_file()) continue;
    std::string start = fs::relative(entry.path(), SourceDir() + "/src").string();
    // Breadth-first over the include graph, remembering how each header was reached.
    std::map<std::string, std::string> via = {{start, ""}};
    std::vector<std::string> todo = {start};
    while (!todo.empty()) {
      std::string cur = todo.back();
      todo.pop_back();
      for (const auto& inc : ProjectIncludes(cur)) {
        if (via.count(inc)) continue;
        via[inc] = cur;
        std::string folder = inc.substr(0, inc.find('/'));
        if (hidden.count(folder)) {
          std::string chain = inc;
          for (std::string at = cur; !at.empty(); at = via[at]) chain = at + " -> " + chain;
          violations.push_back(chain);
          continue;
        }
        todo.push_back(inc);
      }
    }
  }
  std::string all;
  for (const auto& v : violations) all += v + "\n";
  EXPECT_TRUE(violations.empty()) << all;
}

// The command line acts as auth::Principal::System(), a coordinator who is nobody in the database. A page or a
// service that made one would act with a coordinator's rights for whoever asked: only app/cli_*.cc may (and
// auth/principal.h, which defines it).
TEST(ArchitectureTest, OnlyTheCommandLineActsAsTheSystemPrincipal) {
  std::vector<std::string> violations;
  for (const auto& entry : fs::recursive_directory_iterator(SourceDir() + "/src")) {
    if (!entry.is_regular_file()) continue;
    std::string rel = fs::relative(entry.path(), SourceDir() + "/src").string();
    if (rel == "auth/principal.h" || (rel.rfind("app/cli_", 0) == 0 && entry.path().extension() == ".cc")) continue;
    std::ifstream in(entry.path());
    std::string line;
    for (int n = 1; std::getline(in, line); ++n)
      if (line.find("Principal::System(") < line.find("//")) violations.push_back(rel + ":" + std::to_string(n));
  }
  std::string all;
  for (const auto& v : violations) all += v + "\n";
  EXPECT_TRUE(violations.empty()) << all;
}

}  // namespace
}  // namespace entraide::testing
