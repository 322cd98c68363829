#include "search/resources.h"

#include <filesystem>
#include <fstream>

#include "core/strings.h"
#include "search/text.h"

namespace entraide::search {

core::StatusOr<Resources> LoadResources(const std::string& dir) {
  Resources r;
  std::string syn_path = dir + "/synonyms.txt";
  std::ifstream syn(syn_path);
  std::string line;
  int n = 0;
  while (syn && std::getline(syn, line)) {
    ++n;
    std::string uncommented = line.substr(0, line.find('#'));
    std::string_view l = core::Trim(uncommented);
    if (l.empty()) continue;
    std::vector<std::string> group;
    for (const auto& part : core::Split(l, ',')) {
      std::string term = FoldForCompare(core::Trim(part));
      if (term.empty()) return core::InvalidArgument(syn_path + ":" + std::to_string(n) + ": empty term in group");
      group.push_back(term);
    }
    if (group.size() < 2)
      return core::InvalidArgument(syn_path + ":" + std::to_string(n) + ": a group needs at least two terms");
    r.synonyms.push_back(std::move(group));
  }
  for (const char* lang : {"en", "fr"}) {
    std::ifstream in(dir + "/stopwords." + lang + ".txt");
    while (in && std::getline(in, line)) {
      std::string uncommented = line.substr(0, line.find('#'));
      std::string_view l = core::Trim(uncommented);
      if (!l.empty()) r.stopwords[lang].insert(FoldForCompare(l));
    }
  }
  return r;
}

}  // namespace entraide::search
