// Snapshots of data.dir (`entraide backup`, and `serve`/`migrate` before they apply migrations) and restoring
// one (`entraide restore`).
//
// A snapshot is a folder DIR/entraide-<UTC time> (entraide-2026-12-04T03-00-00Z; -2, -3… when one already has
// that name) holding:
//   entraide.db                the database, copied by SQLite's online backup API: every transaction committed
//                              when the copy started, none after, while serve goes on writing
//   attachments/<aa>/<sha256>  the files that the copy's attachment rows name, taken after the database copy
//                              (so each row has its file); hard links when DIR is on data.dir's file system
//                              (attachments never change once written), copies otherwise
//   manifest.json              format, entraide version, time, migrations, and each file's path, size and
//                              SHA-256; written last and atomically, after the files are synced: a folder
//                              without it is incomplete, never restored or counted, and removed by the next backup
// The search index is not in it: it is derived from the database, and serve rebuilds it when it is missing.
//
// Not thread-safe; for one command at a time. Two backups into one folder take turns (a lock file there).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "app/config.h"
#include "core/clock.h"
#include "core/status.h"

namespace entraide::app {

inline constexpr int kSnapshotFormat = 1;

struct SnapshotFile {
  std::string path;  // relative to the snapshot: entraide.db or attachments/<aa>/<sha256>
  int64_t size = 0;
  std::string sha256;
};

struct Manifest {
  int format = kSnapshotFormat;
  std::string entraide_version;
  std::string created_at;               // ISO 8601, UTC
  std::string reason;                   // "backup", or "before migrations 0012_x.sql"
  std::vector<std::string> migrations;  // applied in the database, in order
  std::vector<SnapshotFile> files;      // entraide.db first
  std::vector<std::string> problems;    // what the backup could not take as it should (see BackupReport)
};

std::string ManifestJson(const Manifest& m);
// kInvalidArgument naming what is missing or wrong, including any path other than entraide.db or
// attachments/<aa>/<sha256> (a manifest must never make restore write elsewhere).
core::StatusOr<Manifest> ParseManifest(const std::string& json);

struct BackupOptions {
  int keep = 0;  // > 0: then remove the complete snapshots of the folder beyond the newest `keep`
  std::string reason = "backup";
  const core::Clock* clock = nullptr;  // names the snapshot; the system clock when null
};

struct BackupReport {
  std::string path;  // the snapshot
  int64_t database_bytes = 0;
  int64_t attachments = 0, attachment_bytes = 0, linked = 0;
  int64_t mail_originals = 0;  // originals of mail received (data.dir/mail-in)
  double seconds = 0;
  std::vector<std::string> removed;  // incomplete snapshots cleaned up, and those beyond `keep`
  // Attachment files missing from data.dir or not matching their hash: the snapshot is complete but lacks
  // or keeps them as they are; older snapshots are then not pruned. One line each.
  std::vector<std::string> problems;
};

// Writes a snapshot of config's data.dir into a new folder of `dir` (created when missing). kNotFound when
// data.dir has no database; kUnavailable for a disk that refuses (the partial folder is removed).
core::StatusOr<BackupReport> Backup(const Config& config, const std::string& dir, const BackupOptions& options);

// The complete snapshots of `dir` (their folder names), oldest first.
std::vector<std::string> ListSnapshots(const std::string& dir);

struct RestoreOptions {
  // Restore into a data.dir that holds something: its content is first moved aside into
  // data.dir/before-restore-<UTC time> (a rename, instant, on the same disk, as private as the rest).
  bool force = false;
  const core::Clock* clock = nullptr;  // names that folder; the system clock when null
};

struct RestoreReport {
  Manifest manifest;
  int64_t files = 0, bytes = 0, linked = 0;
  double seconds = 0;
  std::string moved_aside;  // where the previous content went; empty when there was none
};

// Fills config's data.dir from `snapshot`. Every file is checked against the manifest before anything is
// written (kConflict listing each mismatch, nothing written); kNotFound for a folder without a manifest;
// kConflict when data.dir holds data and `force` is false, when serve is running on it, or when the snapshot
// has migrations this program does not know. The search index is left to serve to rebuild.
core::StatusOr<RestoreReport> Restore(const Config& config, const std::string& snapshot, const RestoreOptions& options);

}  // namespace entraide::app
