#include "app/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "core/sha256.h"

namespace entraide::app {

namespace {

constexpr size_t kChunk = 1 << 20;

core::Status SystemError(const std::string& what, const std::string& path, int err) {
  return core::Unavailable("cannot " + what + " " + path + ": " + std::strerror(err));
}

// A file descriptor closed at scope exit.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  // Closes now, reporting the error close(2) may give (data not written on some file systems).
  int Close() {
    int r = ::close(fd_);
    fd_ = -1;
    return r;
  }

 private:
  int fd_;
};

bool WriteAll(int fd, const char* p, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

// Reads `from` through the hash; when `to_fd` >= 0 writes each chunk there too.
core::StatusOr<FileDigest> ReadThrough(const std::string& from, int to_fd, const std::string& to) {
  Fd in(::open(from.c_str(), O_RDONLY | O_CLOEXEC));
  if (in.get() < 0) return SystemError("read", from, errno);
  std::vector<char> buf(kChunk);
  core::Sha256 hash;
  FileDigest d;
  while (true) {
    ssize_t n = ::read(in.get(), buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return SystemError("read", from, errno);
    if (n == 0) break;
    hash.Update(std::string_view(buf.data(), static_cast<size_t>(n)));
    d.size += n;
    if (to_fd >= 0 && !WriteAll(to_fd, buf.data(), static_cast<size_t>(n))) return SystemError("write", to, errno);
  }
  auto digest = hash.Finish();
  d.sha256 = core::HexEncode(digest.data(), digest.size());
  return d;
}

}  // namespace

core::StatusOr<FileDigest> HashFile(const std::string& path) { return ReadThrough(path, -1, ""); }

core::StatusOr<std::string> ReadSmallFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return SystemError("read", path, errno);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

core::StatusOr<FileDigest> CopyFile(const std::string& from, const std::string& to) {
  Fd out(::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (out.get() < 0) {
    if (errno == EEXIST) return core::AlreadyExists(to + " already exists");
    return SystemError("create", to, errno);
  }
  auto d = ReadThrough(from, out.get(), to);
  int err = 0;
  if (d.ok() && ::fsync(out.get()) != 0) err = errno;
  if (out.Close() != 0 && err == 0) err = errno;
  if (d.ok() && err != 0) d = SystemError("write", to, err);
  if (!d.ok()) ::unlink(to.c_str());
  return d;
}

core::StatusOr<PlacedFile> LinkOrCopy(const std::string& from, const std::string& to) {
  PlacedFile placed;
  if (::link(from.c_str(), to.c_str()) == 0) {
    placed.linked = true;
    auto d = HashFile(to);
    if (!d.ok()) return d.status();
    placed.digest = std::move(d).value();
    return placed;
  }
  int err = errno;
  if (err == EEXIST) return core::AlreadyExists(to + " already exists");
  if (err != EXDEV && err != EPERM && err != EMLINK && err != ENOTSUP && err != EOPNOTSUPP)
    return SystemError("link " + from + " to", to, err);
  auto copied = CopyFile(from, to);
  if (!copied.ok()) return copied.status();
  placed.digest = std::move(copied).value();
  return placed;
}

core::Status SyncFileSystem(const std::string& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return SystemError("open", path, errno);
  if (::syncfs(fd.get()) != 0) return SystemError("sync", path, errno);
  return core::Status::Ok();
}

core::Status WriteFileAtomically(const std::string& path, const std::string& content) {
  std::string tmp = path + ".tmp";
  ::unlink(tmp.c_str());
  {
    Fd out(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (out.get() < 0) return SystemError("create", tmp, errno);
    if (!WriteAll(out.get(), content.data(), content.size()) || ::fsync(out.get()) != 0 || out.Close() != 0) {
      int err = errno;
      ::unlink(tmp.c_str());
      return SystemError("write", tmp, err);
    }
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return SystemError("rename " + tmp + " to", path, err);
  }
  std::string dir = std::filesystem::path(path).parent_path().string();
  Fd d(::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (d.get() < 0 || ::fsync(d.get()) != 0) return SystemError("sync", dir, errno);
  return core::Status::Ok();
}

}  // namespace entraide::app
