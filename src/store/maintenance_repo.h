// MaintenanceRepository: the store's side of `entraide check-data`, of the checks `serve` runs at start and of
// snapshots: SQLite's own checks, the files the attachments table names, and the queue rows whose age says
// that nothing is draining them. Read-only. Not thread-safe: one connection, one thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/database.h"

namespace entraide::store {

// A row whose foreign key names a row that does not exist (PRAGMA foreign_key_check).
struct ForeignKeyProblem {
  std::string table;
  int64_t rowid = 0;
  std::string parent;  // the table it refers to
};

// A file of data.dir/attachments as the attachments table names it (content-addressed: one file per hash).
struct AttachmentFileRow {
  std::string sha256;
  int64_t size = 0;       // the size the rows give it
  int64_t rows = 0;       // how many attachments name it
  int64_t first_id = 0;   // the lowest attachment id among them (for messages)
  int64_t ticket_id = 0;  // that attachment's ticket
};

// An outbox message held `sending` by a claim.
struct ClaimedMessage {
  int64_t id = 0;
  std::string kind;
  int64_t claimed_at = 0;
};

struct QueueAge {
  int64_t count = 0;   // rows older than the limit asked
  int64_t oldest = 0;  // the oldest row's time (epoch seconds); 0 when count is 0
};

class MaintenanceRepository {
 public:
  explicit MaintenanceRepository(Database& db) : db_(db) {}

  // The problems PRAGMA quick_check (`quick`: pages and records, not index contents; linear time) or
  // integrity_check reports, at most `limit`; empty when the database is sound. An error Status when SQLite
  // cannot even read the file (a damaged header: kInternal, or kUnavailable).
  StatusOr<std::vector<std::string>> IntegrityProblems(bool quick, int limit = 100);
  // PRAGMA foreign_key_check: rows that refer to nothing, at most `limit`.
  StatusOr<std::vector<ForeignKeyProblem>> ForeignKeyProblems(int limit = 100);
  // Every distinct file the attachments table names, by hash.
  StatusOr<std::vector<AttachmentFileRow>> AttachmentFiles();
  // The file names of the originals of mail received that are kept (inbound_mail.original), sorted.
  StatusOr<std::vector<std::string>> MailOriginals();
  // Messages `sending` under a claim taken before `claimed_before` (epoch seconds).
  StatusOr<std::vector<ClaimedMessage>> SendingClaimedBefore(int64_t claimed_before);
  // index_queue rows enqueued before `before` (epoch seconds).
  StatusOr<QueueAge> IndexQueueOlderThan(int64_t before);

 private:
  Database& db_;
};

}  // namespace entraide::store
