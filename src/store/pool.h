// Pool: hands out Database connections to one thread at a time. Thread-safe.
// A Lease returns its connection to the pool when destroyed. Connections are opened lazily,
// so the pool grows to the number of threads that use it at once (bounded by the server's threads).
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/database.h"

namespace entraide::store {

class Pool {
 public:
  explicit Pool(std::string path, Database::Options options = {}) : path_(std::move(path)), options_(options) {}
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  class Lease {
   public:
    Lease(Pool& pool, std::unique_ptr<Database> db) : pool_(&pool), db_(std::move(db)) {}
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (db_) pool_->Release(std::move(db_));
    }
    Database& operator*() { return *db_; }
    Database* operator->() { return db_.get(); }

   private:
    Pool* pool_;
    std::unique_ptr<Database> db_;
  };

  // kUnavailable when the file cannot be opened.
  StatusOr<Lease> Acquire();
  // What this process's connections to the file share (its commit count), once a connection was opened.
  FileShared* shared() const { return shared_.load(std::memory_order_acquire); }
  const std::string& path() const { return path_; }

 private:
  void Release(std::unique_ptr<Database> db);
  std::string path_;
  Database::Options options_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Database>> free_;
  std::atomic<FileShared*> shared_{nullptr};
};

}  // namespace entraide::store
