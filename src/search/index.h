// The Xapian index under data.dir: `xapian` is a stub file naming the live database folder
// (`xapian-<n>`), so a rebuild writes a fresh folder and swaps the stub atomically (rename); a crash during a
// rebuild leaves the old index serving. One writer at a time: every writer holds `xapian.lock` (flock).
//
// Indexer: incremental updates to the live database. Rebuild: a fresh database swapped in at the end.
// Neither is thread-safe; use one per thread. Statuses: kUnavailable when another writer holds the lock or
// Xapian fails to open; kInternal for other Xapian errors.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "core/status.h"
#include "search/document.h"
#include "search/resources.h"

namespace entraide::search {

// "<data_dir>/xapian", the stub path readers open.
std::string StubPath(const std::string& data_dir);
// True when a live index exists.
bool IndexExists(const std::string& data_dir);
// True when the stub file is there (whether or not the folder it names still is).
bool StubExists(const std::string& data_dir);

class Indexer {
 public:
  // Takes the writer lock without waiting; kUnavailable when another writer has it. kNotFound when there is
  // no live index yet (run a rebuild).
  static core::StatusOr<std::unique_ptr<Indexer>> Open(const std::string& data_dir, const Resources& resources);
  ~Indexer();
  core::Status Upsert(const Document& doc);
  core::Status Delete(const std::string& id);
  core::Status Commit();

 private:
  Indexer();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

class Rebuild {
 public:
  // Takes the writer lock (waiting for it when `wait`), creates a fresh database folder and starts `threads`
  // builder threads (0: one per CPU), each indexing into a shard of its own, a new folder every
  // `docs_per_folder` documents. `resources` must outlive it.
  static constexpr int kDocsPerFolder = 5000;
  static core::StatusOr<std::unique_ptr<Rebuild>> Begin(const std::string& data_dir, const Resources& resources,
                                                        bool wait, int threads = 0,
                                                        int docs_per_folder = kDocsPerFolder);
  ~Rebuild();  // abandons the fresh folder unless Finish() succeeded
  // Queues the document for a builder thread (blocks while the queue is full); reports an earlier builder's
  // error.
  core::Status Add(Document doc);  // moved into the queue
  // Waits for the builders, merges their shards into one compact database, points the stub at the fresh folder (atomic
  // rename), removes older folders.
  core::Status Finish();

 private:
  Rebuild();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace entraide::search
