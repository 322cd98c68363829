// SQLite RAII wrappers. A Database is one connection: use it from one thread at a time
// (the Pool hands each thread its own). Statement and Transaction borrow a Database and must not
// outlive it. Errors come back as Status: SQLITE_BUSY/LOCKED -> kUnavailable, CONSTRAINT -> kAlreadyExists
// (UNIQUE) or kConflict (others), anything else -> kInternal.
#pragma once

#include <cstdint>
#include <memory>
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

class Database {
 public:
  struct Options {
    bool read_only = false;
    int busy_timeout_ms = 5000;
  };
  // Opens (creating when allowed) the file, turns on WAL, foreign keys and the busy timeout.
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

 private:
  Database(sqlite3* db, std::string path);
  sqlite3* db_;
  std::string path_;
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
  ~StatementScope() { if (s_) s_->Reset(); }
  Statement* operator->() { return s_; }
  Statement& operator*() { return *s_; }

 private:
  Statement* s_;
};

// BEGIN IMMEDIATE on construction; ROLLBACK on destruction unless Commit() succeeded.
class Transaction {
 public:
  static StatusOr<std::unique_ptr<Transaction>> Begin(Database& db);
  ~Transaction();
  Status Commit();

 private:
  explicit Transaction(Database& db) : db_(db) {}
  Database& db_;
  bool done_ = false;
};

}  // namespace entraide::store
