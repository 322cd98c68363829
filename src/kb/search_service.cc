#include "kb/search_service.h"

#include "search/index.h"
#include "search/resources.h"
#include "search/searcher.h"

namespace entraide::kb {

SearchService::SearchService(const std::string& data_dir, search::Resources resources)
    : data_dir_(data_dir),
      resources_(std::make_unique<search::Resources>(std::move(resources))),
      searcher_(std::make_unique<search::Searcher>(data_dir, *resources_)) {}

SearchService::~SearchService() = default;

core::StatusOr<SearchResult> SearchService::Search(const SearchRequest& request) { return searcher_->Search(request); }

core::StatusOr<std::vector<SearchHit>> SearchService::Suggest(const std::string& q, const std::string& lang,
                                                              int limit) {
  return searcher_->Suggest(q, lang, limit);
}

bool SearchService::IndexReady() const { return search::IndexExists(data_dir_); }

std::string SearchService::State() const {
  if (!IndexReady()) return "building";
  return searcher_->Warmed() ? "ready" : "warming";
}

core::Status SearchService::Warm() { return searcher_->Warm(); }

}  // namespace entraide::kb
