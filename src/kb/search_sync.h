// Keeps the search index in step with the store. The index is derived: the store's index_queue says what
// changed, and a rebuild can always recreate it from the articles. Not thread-safe; the Xapian writer lock
// makes sure only one process writes at a time.
#pragma once

#include <functional>
#include <string>

#include "core/status.h"
#include "search/document.h"
#include "search/resources.h"
#include "store/article_repo.h"
#include "store/database.h"
#include "store/ticket_repo.h"

namespace entraide::kb {

search::Document ArticleDocument(const model::Article& a);
search::Document QuestionDocument(const model::Question& q);

struct SyncReport {
  int indexed = 0, deleted = 0;
};

// Applies the queued changes to the live index, then deletes those queue rows. kUnavailable when another
// writer holds the index; kNotFound when there is no index yet (rebuild first).
core::StatusOr<SyncReport> DrainIndexQueue(store::Database& db, const std::string& data_dir,
                                           const search::Resources& resources);

// Builds a fresh index from every served article and swaps it in; queue rows older than the start are
// deleted. `progress(done, total)` is called as it goes. Returns the number of documents.
core::StatusOr<int> RebuildIndex(store::Database& db, const std::string& data_dir, const search::Resources& resources,
                                 const std::function<void(int, int)>& progress, bool wait_for_lock);

}  // namespace entraide::kb
