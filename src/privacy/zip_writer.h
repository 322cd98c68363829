// ZipWriter: writes a ZIP archive to a file one entry at a time, streaming each file it adds (the archive is
// never held in memory). Poco::Zip underneath; its exceptions stop here and come back as Status
// (kUnavailable: the file could not be written or a source could not be read). Not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/status.h"

namespace entraide::privacy {

class ZipWriter {
 public:
  // Creates (or truncates) `path`; entries are dated `mtime` (epoch seconds).
  static core::StatusOr<std::unique_ptr<ZipWriter>> Create(const std::string& path, int64_t mtime);
  ~ZipWriter();
  ZipWriter(const ZipWriter&) = delete;
  ZipWriter& operator=(const ZipWriter&) = delete;

  // `name` is a relative path with '/' separators, ASCII only (see ZipEntryName).
  core::Status AddText(const std::string& name, const std::string& text);
  core::Status AddFile(const std::string& name, const std::string& source_path);
  // Writes the central directory and closes the file: the archive is whole only once this returned OK.
  core::Status Close();

 private:
  ZipWriter();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// "<folder>/<id>-<name>" with the file name reduced to ASCII letters, digits, '.', '-' and '_' (other bytes
// become '_'; ZIP readers disagree on how to read them). The id keeps names unique; the real name is in data.json.
std::string ZipEntryName(const std::string& folder, int64_t id, const std::string& filename);

}  // namespace entraide::privacy
