// Whole files of data.dir for snapshots and checks: reading one through SHA-256, copying one while hashing
// it, hard-linking one (or copying it when the link is refused, e.g. across file systems), and syncing a file
// system. Errors are kUnavailable naming the path and the system's reason. Thread-compatible (no state).
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"

namespace entraide::app {

struct FileDigest {
  int64_t size = 0;
  std::string sha256;  // lower-case hex
};

// Reads `path` to its end.
core::StatusOr<FileDigest> HashFile(const std::string& path);
// The whole content of a small file (a manifest).
core::StatusOr<std::string> ReadSmallFile(const std::string& path);
// Copies `from` into `to`, which must not exist (created 0600; kAlreadyExists when it does), synced to disk.
core::StatusOr<FileDigest> CopyFile(const std::string& from, const std::string& to);
struct PlacedFile {
  bool linked = false;  // a hard link, else a copy
  FileDigest digest;    // of what `to` holds
};
// Makes `to` a hard link to `from`, or, when the file system refuses (another file system, too many links, no
// links at all), a copy; then hashes it. For files never changed in place (attachments are content-addressed).
// `to` must not exist (kAlreadyExists).
core::StatusOr<PlacedFile> LinkOrCopy(const std::string& from, const std::string& to);
// Writes every file of the file system holding `path` to disk (syncfs(2)).
core::Status SyncFileSystem(const std::string& path);
// Writes `content` to `path` through a temp file in the same folder, synced, then renamed over it and the
// folder synced: readers see the old file or the whole new one, even after a power cut.
core::Status WriteFileAtomically(const std::string& path, const std::string& content);

}  // namespace entraide::app
