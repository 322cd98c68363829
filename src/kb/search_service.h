// SearchService: search as the pages and the API see it (http/ never includes search/ directly).
// Thread-safe (the Searcher keeps a pool of index handles).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "model/search.h"

namespace entraide::search {
struct Resources;
class Searcher;
}  // namespace entraide::search

namespace entraide::kb {

using SearchRequest = model::SearchRequest;
using SearchResult = model::SearchResult;
using SearchHit = model::SearchHit;

class SearchService {
 public:
  SearchService(const std::string& data_dir, search::Resources resources);
  ~SearchService();
  // kInvalidArgument with a message for people (too long, not UTF-8); kUnavailable while the index is built.
  core::StatusOr<SearchResult> Search(const SearchRequest& request);
  core::StatusOr<std::vector<SearchHit>> Suggest(const std::string& q, const std::string& lang, int limit = 8);
  bool IndexReady() const;
  // For /healthz: "building" (no index yet), "warming" (the index is there and being read for the first
  // search), "ready".
  std::string State() const;
  // Reads what the first search needs; kUnavailable when there is no index yet.
  core::Status Warm();
  const search::Resources& resources() const { return *resources_; }

 private:
  std::string data_dir_;
  std::unique_ptr<search::Resources> resources_;  // held by pointer: pages see no search/ header
  std::unique_ptr<search::Searcher> searcher_;
};

}  // namespace entraide::kb
