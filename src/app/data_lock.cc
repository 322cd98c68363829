#include "app/data_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace entraide::app {

core::StatusOr<std::unique_ptr<FileLock>> FileLock::Take(const std::string& path, bool exclusive, bool wait) {
  // Read-only and readable by all (it is empty; its folder keeps others out): a file made by root, say by a
  // backup run from root's timer, can still be locked by the service's user, and the other way round.
  int fd = ::open(path.c_str(), O_RDONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return core::Unavailable("cannot open " + path + ": " + std::strerror(errno));
  (void)::fchmod(fd, 0644);  // past the umask; refused (and not needed) when another user made it
  int op = (exclusive ? LOCK_EX : LOCK_SH) | (wait ? 0 : LOCK_NB);
  int r;
  do {
    r = ::flock(fd, op);
  } while (r != 0 && errno == EINTR);
  if (r != 0) {
    int err = errno;
    ::close(fd);
    return core::Unavailable(err == EWOULDBLOCK ? "busy" : "cannot lock " + path + ": " + std::strerror(err));
  }
  return std::unique_ptr<FileLock>(new FileLock(fd));
}

FileLock::~FileLock() { ::close(fd_); }

core::StatusOr<std::unique_ptr<FileLock>> LockDataDirShared(const std::string& data_dir) {
  auto lock = FileLock::Take(data_dir + "/" + kDataDirLockName, false, false);
  if (!lock.ok() && lock.status().message() == "busy")
    return core::Unavailable("a restore is replacing the files of " + data_dir + "; start again once it is done");
  return lock;
}

core::StatusOr<std::unique_ptr<FileLock>> LockDataDirExclusive(const std::string& data_dir) {
  auto lock = FileLock::Take(data_dir + "/" + kDataDirLockName, true, false);
  if (!lock.ok() && lock.status().message() == "busy")
    return core::Unavailable("entraide serve is running on " + data_dir +
                             " (or another restore is): stop it first, e.g. systemctl stop entraide");
  return lock;
}

}  // namespace entraide::app
