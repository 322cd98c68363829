// CheckData: `entraide check-data`, and the cheap part `serve` runs as it starts. One line per problem:
//   database      SQLite's integrity_check (quick_check when not `full`) and foreign_key_check
//   attachments   every file the attachment rows name is in data.dir/attachments with their size and, when
//                 `full`, the SHA-256 that is its name; no file there that no row names (files younger than
//                 `stale_minutes` are an upload whose transaction may still be running, and are let be)
//   outbox        no message `sending` for longer than `stale_minutes` (serve's sender takes a dead sender's
//                 claim back after 15 minutes: older means no sender is running)
//   search        the index is there (the stub and the folder it names) and nothing waited in index_queue
//                 longer than `stale_minutes` (serve's worker drains it within a second)
// Safe while serve runs (reads only). Not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "app/config.h"
#include "core/clock.h"
#include "core/status.h"

namespace entraide::app {

struct DataCheckOptions {
  bool full = true;          // integrity_check and every attachment's SHA-256; else quick_check and sizes
  bool foreign_keys = true;  // as long as quick_check on a large database: serve leaves it out
  bool search_index = true;  // serve builds a missing index itself: it leaves this out
  bool database = true;      // SQLite's checks (serve leaves them out after a clean stop: see CheckDataAtStart)
  int stale_minutes = 30;
};

struct DataCheckReport {
  std::vector<std::string> problems;  // one line each
  bool database_damaged = false;      // SQLite reported damage, or could not read the file at all
  int64_t attachment_files = 0, attachment_bytes = 0;
  double seconds = 0;
};

DataCheckReport CheckData(const Config& config, const DataCheckOptions& options, const core::Clock& clock);

// serve's check as it starts, before it backs up or migrates anything: quick_check, attachment files and sizes,
// the outbox (1.2 s for the 205 MB database of 100,000 tickets; the foreign keys would take as long again and
// cannot go wrong through Entraide, which always enforces them: check-data does them). Logs each problem as a
// warning and returns OK, or kInternal naming the damage when the database is damaged (serve then refuses to
// start rather than serve and write over it). Returns at once when there is no database yet.
// After a clean stop (MarkCleanStop) and nothing written to the database since, the quick_check is skipped: it
// reads the whole file (5 s for the 1.3 GB database of 100,000 articles, issue #20), and a file nobody wrote since
// it was last closed cleanly is the file that was checked at the start before. Attachments and the outbox are
// still checked.
core::Status CheckDataAtStart(const Config& config, const core::Clock& clock);

// serve's last step, once every connection to the database is closed (the WAL checkpointed into the file): writes
// data.dir/clean-stop with the database file's size, modification time and inode.
void MarkCleanStop(const Config& config);
// True when data.dir/clean-stop describes the database file as it is now and no WAL holds changes; removes the
// marker in any case (a run that does not end cleanly leaves none, so the next start checks the file).
bool TakeCleanStop(const Config& config);

}  // namespace entraide::app
