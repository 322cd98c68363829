// SearchService: search as the pages and the API see it (http/ never includes search/ directly).
// Thread-safe (the Searcher keeps a pool of index handles).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "search/resources.h"
#include "search/searcher.h"

namespace entraide::kb {

using SearchRequest = search::SearchRequest;
using SearchResult = search::SearchResult;
using SearchHit = search::Hit;

class SearchService {
 public:
  SearchService(const std::string& data_dir, search::Resources resources);
  // kInvalidArgument with a message for people (too long, not UTF-8); kUnavailable while the index is built.
  core::StatusOr<SearchResult> Search(const SearchRequest& request);
  core::StatusOr<std::vector<SearchHit>> Suggest(const std::string& q, const std::string& lang, int limit = 8);
  bool IndexReady() const;
  const search::Resources& resources() const { return resources_; }

 private:
  std::string data_dir_;
  search::Resources resources_;
  std::unique_ptr<search::Searcher> searcher_;
};

}  // namespace entraide::kb
