// Search tuning data from the search/ folder: synonyms (search/synonyms.txt) and stop words
// (search/stopwords.en.txt, search/stopwords.fr.txt). Immutable after loading; thread-safe.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/status.h"

namespace entraide::search {

struct Resources {
  // Groups of equivalent terms or phrases, folded ("courriel", "email", "e-mail", "mail").
  std::vector<std::vector<std::string>> synonyms;
  // Folded stop words per language.
  std::map<std::string, std::set<std::string>> stopwords;
};

// synonyms.txt: one group per line, terms separated by ',', '#' starts a comment.
// stopwords.<lang>.txt: one word per line. Missing files give empty lists; a malformed line is an error
// naming the file and line.
core::StatusOr<Resources> LoadResources(const std::string& search_dir);

}  // namespace entraide::search
