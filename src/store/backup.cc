#include "store/backup.h"

#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <memory>

namespace entraide::store {

namespace {

struct CloseDb {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};

Status DestError(sqlite3* dest, const std::string& path, const std::string& what) {
  return core::Unavailable("cannot " + what + " " + path + ": " + (dest ? sqlite3_errmsg(dest) : "out of memory"));
}

}  // namespace

Status CopyDatabase(Database& source, const std::string& dest_path) {
  std::error_code ec;
  if (std::filesystem::exists(dest_path, ec)) return core::AlreadyExists(dest_path + " already exists");
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(dest_path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                           nullptr);
  std::unique_ptr<sqlite3, CloseDb> dest(raw);
  if (rc != SQLITE_OK) return DestError(raw, dest_path, "create");
  sqlite3_backup* backup = sqlite3_backup_init(dest.get(), "main", source.raw(), "main");
  if (!backup) return DestError(dest.get(), dest_path, "start a copy into");
  // -1: every page in one step, so in one read transaction of the source: one moment's state, never restarted
  // by writers of other connections (which a copy in several steps would be). BUSY or LOCKED only while a
  // lock cannot be had at all (e.g. another process recovering the WAL): try again for a while.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  do {
    rc = sqlite3_backup_step(backup, -1);
    if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
    sqlite3_sleep(50);
  } while (std::chrono::steady_clock::now() < deadline);
  sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) {
    Status st = rc == SQLITE_BUSY || rc == SQLITE_LOCKED
                    ? core::Unavailable("the database stayed locked for 30 s; nothing was copied")
                    : DestError(dest.get(), dest_path, "write");
    dest.reset();
    std::filesystem::remove(dest_path, ec);
    return st;
  }
  // The pages came with the source's header, which says WAL: turn the copy into one file that needs nothing
  // beside it. The change is written with a rollback journal and synced (synchronous is FULL here).
  char* err = nullptr;
  rc = sqlite3_exec(dest.get(), "PRAGMA journal_mode=DELETE", nullptr, nullptr, &err);
  sqlite3_free(err);
  if (rc != SQLITE_OK) return DestError(dest.get(), dest_path, "finish");
  if (sqlite3_close(dest.release()) != SQLITE_OK) return core::Unavailable("cannot close " + dest_path);
  return Status::Ok();
}

}  // namespace entraide::store
