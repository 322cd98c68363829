#include "store/database.h"

#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <unordered_map>

#include "core/strings.h"

namespace entraide::store {

struct Database::Cache {
  std::unordered_map<std::string, std::unique_ptr<Statement>> statements;
};

namespace {

// What this process's connections to one database file share, by its canonical path; never freed (a few per
// process).
FileShared* FileSharedOf(const std::string& path) {
  static std::mutex mu;
  static std::map<std::string, std::unique_ptr<FileShared>> files;
  std::error_code ec;
  std::string key = std::filesystem::weakly_canonical(path, ec).string();
  if (ec || key.empty()) key = path;
  std::lock_guard<std::mutex> lock(mu);
  auto& f = files[key];
  if (!f) f = std::make_unique<FileShared>();
  return f.get();
}

// Called by SQLite after each transaction that wrote to the WAL is committed (and visible to new readers).
// Counts it, then does what SQLite's own hook would have done, which setting one replaces
// (sqlite3_wal_autocheckpoint's default: a passive checkpoint once the WAL holds 1,000 pages).
int AfterCommit(void* shared, sqlite3* db, const char* name, int pages) {
  static_cast<FileShared*>(shared)->commits.fetch_add(1, std::memory_order_release);
  if (pages >= 1000) sqlite3_wal_checkpoint(db, name);
  return SQLITE_OK;
}

// entraide_fold(text): the text with the accents of Latin letters removed and ASCII lower-cased
// (core::FoldLatinForSlug), so that searches for "helene" find "Hélène". NULL stays NULL.
void FoldFunction(sqlite3_context* ctx, int /*argc*/, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
    sqlite3_result_null(ctx);
    return;
  }
  const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
  std::string folded = core::FoldLatinForSlug(std::string_view(text ? text : "", sqlite3_value_bytes(argv[0])));
  sqlite3_result_text(ctx, folded.data(), static_cast<int>(folded.size()), SQLITE_TRANSIENT);
}

}  // namespace

Database::Database(sqlite3* db, std::string path) : db_(db), path_(std::move(path)), cache_(new Cache) {}

Database::~Database() {
  cache_.reset();  // finalize statements before closing
  sqlite3_close_v2(db_);
}

Status Database::ErrorStatus(int rc, std::string_view context) const {
  std::string msg = std::string(context) + ": " + sqlite3_errmsg(db_) + " (" + path_ + ")";
  int primary = rc & 0xff;
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) return core::Unavailable(msg);
  if (primary == SQLITE_CONSTRAINT) {
    if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) return core::AlreadyExists(msg);
    return core::Conflict(msg);
  }
  if (primary == SQLITE_FULL || primary == SQLITE_IOERR || primary == SQLITE_CANTOPEN) return core::Unavailable(msg);
  return core::Internal(msg);
}

StatusOr<std::unique_ptr<Database>> Database::Open(const std::string& path, Options options) {
  sqlite3* raw = nullptr;
  int flags = options.read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  flags |= SQLITE_OPEN_NOMUTEX;  // one thread at a time per connection: our pool guarantees it
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = raw ? sqlite3_errmsg(raw) : "out of memory";
    sqlite3_close_v2(raw);
    return core::Unavailable("cannot open database " + path + ": " + msg);
  }
  std::unique_ptr<Database> db(new Database(raw, path));
  db->shared_ = FileSharedOf(path);
  sqlite3_wal_hook(raw, AfterCommit, db->shared_);
  db->write_wait_ms_ = options.write_wait_ms;
  db->read_only_ = options.read_only;
  sqlite3_busy_timeout(raw, options.busy_timeout_ms);
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_create_function_v2(raw, "entraide_fold", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, nullptr,
                             FoldFunction, nullptr, nullptr, nullptr);
  if (!options.read_only) {
    ENTRAIDE_RETURN_IF_ERROR(db->Exec("PRAGMA journal_mode=WAL"));
  }
  ENTRAIDE_RETURN_IF_ERROR(
      db->Exec("PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL; PRAGMA temp_store=MEMORY; "
               "PRAGMA analysis_limit=1000"));
  return db;
}

void Database::CountUse() {
  if (read_only_ || ++uses_ < next_optimize_) return;
  // ANALYZE writes: only when no transaction of this process is writing (else at the next use), so that it
  // never waits in SQLite's busy handler on a request's thread.
  std::unique_lock<std::timed_mutex> lock(shared_->writer, std::try_to_lock);
  if (!lock.owns_lock()) return;
  (void)Exec("PRAGMA optimize");
  next_optimize_ = uses_ + kUsesPerOptimize;
}

Status Database::Exec(std::string_view sql) {
  std::string s(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : "error";
    sqlite3_free(err);
    Status st = ErrorStatus(rc, "exec");
    return Status(st.code(), msg + " (" + path_ + ")");
  }
  return Status::Ok();
}

StatusOr<Statement*> Database::Prepare(std::string_view sql) {
  std::string key(sql);
  auto it = cache_->statements.find(key);
  if (it != cache_->statements.end()) return it->second.get();
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, key.data(), static_cast<int>(key.size()), SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return ErrorStatus(rc, "prepare");
  auto owned = std::make_unique<Statement>(*this, stmt);
  Statement* ptr = owned.get();
  cache_->statements.emplace(std::move(key), std::move(owned));
  return ptr;
}

int64_t Database::LastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }
int Database::Changes() const { return sqlite3_changes(db_); }

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::Bind(int index, std::string_view text) {
  int rc = sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK && bind_error_.ok()) bind_error_ = db_.ErrorStatus(rc, "bind");
  return *this;
}
Statement& Statement::Bind(int index, int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK && bind_error_.ok()) bind_error_ = db_.ErrorStatus(rc, "bind");
  return *this;
}
Statement& Statement::Bind(int index, double value) {
  int rc = sqlite3_bind_double(stmt_, index, value);
  if (rc != SQLITE_OK && bind_error_.ok()) bind_error_ = db_.ErrorStatus(rc, "bind");
  return *this;
}
Statement& Statement::BindNull(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}
Statement& Statement::Bind(int index, const std::optional<std::string>& text) {
  return text ? Bind(index, std::string_view(*text)) : BindNull(index);
}
Statement& Statement::Bind(int index, const std::optional<int64_t>& value) {
  return value ? Bind(index, *value) : BindNull(index);
}

StatusOr<bool> Statement::Step() {
  if (!bind_error_.ok()) {
    Status st = bind_error_;
    Reset();
    return st;
  }
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  Status st = db_.ErrorStatus(rc, "step");
  sqlite3_reset(stmt_);
  return st;
}

Status Statement::Run() {
  auto r = Step();
  Reset();
  return r.ok() ? Status::Ok() : r.status();
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_error_ = Status::Ok();
}

std::string Statement::ColumnText(int col) const { return std::string(ColumnView(col)); }
std::string_view Statement::ColumnView(int col) const {
  const unsigned char* p = sqlite3_column_text(stmt_, col);
  int n = sqlite3_column_bytes(stmt_, col);
  return p ? std::string_view(reinterpret_cast<const char*>(p), static_cast<size_t>(n)) : std::string_view();
}
int64_t Statement::ColumnInt(int col) const { return sqlite3_column_int64(stmt_, col); }
double Statement::ColumnDouble(int col) const { return sqlite3_column_double(stmt_, col); }
bool Statement::ColumnIsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
std::optional<int64_t> Statement::ColumnOptionalInt(int col) const {
  return ColumnIsNull(col) ? std::nullopt : std::optional<int64_t>(ColumnInt(col));
}

StatusOr<std::unique_ptr<Transaction>> Transaction::Begin(Database& db) {
  std::unique_lock<std::timed_mutex> lock(db.writer_lock(), std::defer_lock);
  if (!lock.try_lock_for(std::chrono::milliseconds(db.write_wait_ms())))
    return core::Unavailable("database busy: another write held it for more than " +
                             std::to_string(db.write_wait_ms()) + " ms (" + db.path() + ")");
  ENTRAIDE_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
  return std::unique_ptr<Transaction>(new Transaction(db, std::move(lock)));
}

Transaction::~Transaction() {
  if (!done_) (void)db_.Exec("ROLLBACK");
}

Status Transaction::Commit() {
  Status st = db_.Exec("COMMIT");
  if (st.ok()) {
    done_ = true;
    lock_.unlock();  // the next writer may go while this object lives on
  }
  return st;
}

}  // namespace entraide::store
