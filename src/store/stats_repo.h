// The numbers /metrics reports about the data: the outbox by status and its oldest pending message, the search
// index queue, tickets by status, the attachments' bytes. Read-only; borrows a Database (one per thread).
// Statuses: kUnavailable when the database is busy, kInternal otherwise.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "store/database.h"

namespace entraide::store {

struct DataStats {
  std::vector<std::pair<std::string, int64_t>> outbox_by_status;  // only the statuses that have rows
  int64_t outbox_oldest_pending_at = 0;                           // created_at (epoch s); 0: nothing pending
  int64_t index_queue_rows = 0;
  int64_t index_queue_oldest_age_s = 0;  // how long its oldest row has waited (SQLite's clock, as it was written)
  std::vector<std::pair<std::string, int64_t>> tickets_by_status;         // only the statuses that have tickets
  std::vector<std::pair<std::string, int64_t>> mail_received_by_outcome;  // inbound_mail, by outcome
  int64_t bouncing_addresses = 0;
  int64_t attachment_files = 0;  // distinct contents (files are stored once per SHA-256)
  int64_t attachment_bytes = 0;  // their sizes
};

StatusOr<DataStats> ReadDataStats(Database& db);

}  // namespace entraide::store
