#include "store/stats_repo.h"

#include <algorithm>

#include "store/rows.h"

namespace entraide::store {
namespace {

using Counts = std::vector<std::pair<std::string, int64_t>>;

StatusOr<Counts> CountBy(Database& db, const char* sql) {
  auto st = db.Prepare(sql);
  if (!st.ok()) return st.status();
  return AllRows<std::pair<std::string, int64_t>>(
      *st, [](Statement& q) { return std::make_pair(q.ColumnText(0), q.ColumnInt(1)); });
}

// The two integers of a one-row aggregate.
StatusOr<std::pair<int64_t, int64_t>> TwoInts(Database& db, const char* sql) {
  auto st = db.Prepare(sql);
  if (!st.ok()) return st.status();
  auto row = OneRow<std::pair<int64_t, int64_t>>(
      *st, [](Statement& q) { return std::make_pair(q.ColumnInt(0), q.ColumnInt(1)); });
  if (!row.ok()) return row.status();
  return row->value_or(std::make_pair(int64_t{0}, int64_t{0}));
}

}  // namespace

StatusOr<DataStats> ReadDataStats(Database& db) {
  DataStats d;
  // Both GROUP BYs read an index whose first column is the status (outbox_due, tickets_queue).
  auto outbox = CountBy(db, "SELECT status, COUNT(*) FROM outbox GROUP BY status");
  if (!outbox.ok()) return outbox.status();
  d.outbox_by_status = std::move(outbox).value();
  auto pending = TwoInts(db, "SELECT COUNT(*), COALESCE(MIN(created_at), 0) FROM outbox WHERE status = 'pending'");
  if (!pending.ok()) return pending.status();
  d.outbox_oldest_pending_at = pending->second;
  // enqueued_at is written by SQLite's own clock (a column default), so its age is measured by it too.
  auto queue = TwoInts(db,
                       "SELECT COUNT(*), COALESCE(CAST(strftime('%s', 'now') AS INTEGER) - "
                       "CAST(strftime('%s', MIN(enqueued_at)) AS INTEGER), 0) FROM index_queue");
  if (!queue.ok()) return queue.status();
  d.index_queue_rows = queue->first;
  d.index_queue_oldest_age_s = std::max<int64_t>(0, queue->second);
  auto tickets = CountBy(db, "SELECT status, COUNT(*) FROM tickets GROUP BY status");
  if (!tickets.ok()) return tickets.status();
  d.tickets_by_status = std::move(tickets).value();
  auto files = TwoInts(db,
                       "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM "
                       "(SELECT MAX(size) AS size FROM attachments GROUP BY sha256)");
  if (!files.ok()) return files.status();
  d.attachment_files = files->first;
  d.attachment_bytes = files->second;
  auto received = CountBy(db, "SELECT outcome, COUNT(*) FROM inbound_mail GROUP BY outcome");
  if (!received.ok()) return received.status();
  d.mail_received_by_outcome = std::move(received).value();
  auto bouncing = TwoInts(db, "SELECT COUNT(*), 0 FROM mail_bounces WHERE bouncing_since IS NOT NULL");
  if (!bouncing.ok()) return bouncing.status();
  d.bouncing_addresses = bouncing->first;
  return d;
}

}  // namespace entraide::store
