// FileLock: flock(2) on a file, released when the object is destroyed (or the process ends, however it ends).
// Two uses: data.dir/entraide.lock, so that a restore never runs under a live server or a backup (`serve` and
// `entraide backup` hold it shared, `entraide restore` exclusively while it replaces the files), and a backup
// folder's .entraide-backup.lock, so that two backups into one folder take turns. Thread-compatible.
#pragma once

#include <memory>
#include <string>

#include "core/status.h"

namespace entraide::app {

class FileLock {
 public:
  // Opens (creating, 0644: empty, for any user to lock) and locks `path`. Without `wait`, kUnavailable("busy")
  // when another holder has it.
  static core::StatusOr<std::unique_ptr<FileLock>> Take(const std::string& path, bool exclusive, bool wait);
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_;
};

// The lock file's name in data.dir.
inline constexpr const char* kDataDirLockName = "entraide.lock";
// serve's (and a backup's) hold on data.dir. kUnavailable while a restore replaces its files.
core::StatusOr<std::unique_ptr<FileLock>> LockDataDirShared(const std::string& data_dir);
// restore's hold on data.dir. kUnavailable while serve (or another restore) uses it.
core::StatusOr<std::unique_ptr<FileLock>> LockDataDirExclusive(const std::string& data_dir);

}  // namespace entraide::app
