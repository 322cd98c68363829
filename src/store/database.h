// SQLite RAII wrappers. A Database is one connection: use it from one thread at a time
// (the Pool hands each thread its own). Statement and Transaction borrow a Database and must not
// outlive it. Errors come back as Status: SQLITE_BUSY/LOCKED -> kUnavailable, CONSTRAINT -> kAlreadyExists
// (UNIQUE) or kConflict (others), anything else -> kInternal.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace entraide::store {

using core::Status;
using core::StatusOr;

class Statement;

// What the connections of this process to one database file share (Database::shared()).
struct FileShared {
  // Held by Transaction from BEGIN to COMMIT/ROLLBACK (see Database::writer_lock).
  std::timed_mutex writer;
  // Transactions committed by any of these connections (counted by SQLite's WAL hook, once the commit is
  // visible): a value read from the file is still current while this and other processes' writes are unchanged.
  std::atomic<uint64_t> commits{0};
};

class Database {
 public:
  struct Options {
    bool read_only = false;
    int busy_timeout_ms = 5000;  // waiting for a writer of another process (SQLite's busy handler)
    int write_wait_ms = 5000;    // waiting for a writer of this process (the file's writer lock, below)
  };
  // Opens (creating when allowed) the file, turns on WAL, foreign keys and the busy timeout, and adds the SQL
  // function entraide_fold(text) (core::FoldLatinForSlug: accents off, ASCII lower-cased) for searches.
  static StatusOr<std::unique_ptr<Database>> Open(const std::string& path, Options options);
  static StatusOr<std::unique_ptr<Database>> Open(const std::string& path) { return Open(path, Options{}); }
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs one or more statements without results (schema, PRAGMAs).
  Status Exec(std::string_view sql);
  // Prepares (and caches) a statement. The cached statement is reset when returned.
  StatusOr<Statement*> Prepare(std::string_view sql);
  int64_t LastInsertRowId() const;
  int Changes() const;
  const std::string& path() const { return path_; }
  sqlite3* raw() { return db_; }

  Status ErrorStatus(int rc, std::string_view context) const;

  // One per database file in this process, shared by its connections: Transaction holds it from BEGIN to
  // COMMIT/ROLLBACK. SQLite lets one writer in at a time anyway, but a connection that finds the file locked
  // sleeps in its busy handler (up to 100 ms a time) and may lose to newcomers again and again: with 16
  // clients creating tickets, p99 was 1.6 s. Waiting on a mutex instead wakes the next writer as soon as the
  // last one commits.
  std::timed_mutex& writer_lock() { return shared_->writer; }
  FileShared& shared() { return *shared_; }
  int write_wait_ms() const { return write_wait_ms_; }

  // Counts a use (a Pool lease); every kUsesPerOptimize uses runs `PRAGMA optimize`, which gathers statistics
  // (ANALYZE, sampled: analysis_limit is set at open) for the tables whose indexes this connection's queries
  // used and whose statistics are missing or stale, as SQLite advises for long-lived connections. Skipped
  // until a later use while another transaction of this process writes; errors are ignored.
  void CountUse();
  static constexpr int64_t kUsesPerOptimize = 1000;

 private:
  Database(sqlite3* db, std::string path);
  sqlite3* db_;
  std::string path_;
  FileShared* shared_ = nullptr;
  int write_wait_ms_ = 5000;
  bool read_only_ = false;
  int64_t uses_ = 0;
  int64_t next_optimize_ = kUsesPerOptimize;
  struct Cache;
  std::unique_ptr<Cache> cache_;
};

// A prepared statement owned by its Database's cache. Bind with 1-based indexes.
// Step() returns true while there is a row, false when done, or an error Status.
class Statement {
 public:
  explicit Statement(Database& db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& Bind(int index, std::string_view text);
  Statement& Bind(int index, const char* text) { return Bind(index, std::string_view(text)); }
  Statement& Bind(int index, const std::string& text) { return Bind(index, std::string_view(text)); }
  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, int value) { return Bind(index, static_cast<int64_t>(value)); }
  Statement& Bind(int index, bool value) { return Bind(index, static_cast<int64_t>(value ? 1 : 0)); }
  Statement& Bind(int index, double value);
  Statement& BindNull(int index);
  Statement& Bind(int index, const std::optional<std::string>& text);
  Statement& Bind(int index, const std::optional<int64_t>& value);

  StatusOr<bool> Step();
  // Runs to completion (for INSERT/UPDATE/DELETE); resets afterwards.
  Status Run();
  void Reset();

  std::string ColumnText(int col) const;
  std::string_view ColumnView(int col) const;  // valid until the next Step/Reset
  int64_t ColumnInt(int col) const;
  std::optional<int64_t> ColumnOptionalInt(int col) const;  // nullopt for NULL
  double ColumnDouble(int col) const;
  bool ColumnIsNull(int col) const;

 private:
  Database& db_;
  sqlite3_stmt* stmt_;
  Status bind_error_;
};

// Resets a cached statement when the scope ends, so the next user starts clean.
class StatementScope {
 public:
  explicit StatementScope(Statement* s) : s_(s) {}
  ~StatementScope() {
    if (s_) s_->Reset();
  }
  Statement* operator->() { return s_; }
  Statement& operator*() { return *s_; }

 private:
  Statement* s_;
};

// BEGIN IMMEDIATE on construction (after the file's writer lock: kUnavailable when another transaction of
// this process holds it longer than write_wait_ms); ROLLBACK on destruction unless Commit() succeeded.
class Transaction {
 public:
  static StatusOr<std::unique_ptr<Transaction>> Begin(Database& db);
  ~Transaction();
  Status Commit();

 private:
  Transaction(Database& db, std::unique_lock<std::timed_mutex> lock) : db_(db), lock_(std::move(lock)) {}
  Database& db_;
  std::unique_lock<std::timed_mutex> lock_;  // released by Commit(), or after the destructor's ROLLBACK
  bool done_ = false;
};

// Runs `fn` (returning Status) in one write transaction: committed when it returns OK, rolled back otherwise.
template <typename Fn>
Status InTransaction(Database& db, Fn fn) {
  auto tx = Transaction::Begin(db);
  if (!tx.ok()) return tx.status();
  ENTRAIDE_RETURN_IF_ERROR(fn());
  return (*tx)->Commit();
}

}  // namespace entraide::store
