#include "store/maintenance_repo.h"

#include "store/rows.h"

namespace entraide::store {

StatusOr<std::vector<std::string>> MaintenanceRepository::IntegrityProblems(bool quick, int limit) {
  auto st = db_.Prepare(quick ? "PRAGMA quick_check(" + std::to_string(limit) + ")"
                              : "PRAGMA integrity_check(" + std::to_string(limit) + ")");
  if (!st.ok()) return st.status();
  auto lines = AllRows<std::string>(*st, [](Statement& q) { return q.ColumnText(0); });
  if (!lines.ok()) return lines.status();
  if (lines->size() == 1 && (*lines)[0] == "ok") lines->clear();
  return lines;
}

StatusOr<std::vector<ForeignKeyProblem>> MaintenanceRepository::ForeignKeyProblems(int limit) {
  auto st = db_.Prepare("PRAGMA foreign_key_check");
  if (!st.ok()) return st.status();
  StatementScope q(*st);
  std::vector<ForeignKeyProblem> out;
  while (static_cast<int>(out.size()) < limit) {
    auto row = q->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    out.push_back({q->ColumnText(0), q->ColumnInt(1), q->ColumnText(2)});
  }
  return out;
}

StatusOr<std::vector<AttachmentFileRow>> MaintenanceRepository::AttachmentFiles() {
  auto st = db_.Prepare(
      "SELECT g.sha256, g.size, g.n, g.first, a.ticket_id FROM (SELECT sha256, max(size) AS size, count(*) AS n, "
      "min(id) AS first FROM attachments GROUP BY sha256) g JOIN attachments a ON a.id = g.first ORDER BY g.sha256");
  if (!st.ok()) return st.status();
  return AllRows<AttachmentFileRow>(*st, [](Statement& q) {
    return AttachmentFileRow{q.ColumnText(0), q.ColumnInt(1), q.ColumnInt(2), q.ColumnInt(3), q.ColumnInt(4)};
  });
}

StatusOr<std::vector<std::string>> MaintenanceRepository::MailOriginals() {
  auto st = db_.Prepare("SELECT original FROM inbound_mail WHERE original IS NOT NULL ORDER BY original");
  if (!st.ok()) return st.status();
  return AllRows<std::string>(*st, [](Statement& q) { return q.ColumnText(0); });
}

StatusOr<std::vector<ClaimedMessage>> MaintenanceRepository::SendingClaimedBefore(int64_t claimed_before) {
  auto st = db_.Prepare(
      "SELECT id, kind, coalesce(claimed_at, 0) FROM outbox WHERE status = 'sending' AND coalesce(claimed_at, 0) < ? "
      "ORDER BY id");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, claimed_before);
  return AllRows<ClaimedMessage>(*st, [](Statement& q) {
    return ClaimedMessage{q.ColumnInt(0), q.ColumnText(1), q.ColumnInt(2)};
  });
}

StatusOr<QueueAge> MaintenanceRepository::IndexQueueOlderThan(int64_t before) {
  // enqueued_at is ISO 8601 text (SQLite's clock, UTC).
  auto st = db_.Prepare(
      "SELECT count(*), coalesce(min(CAST(strftime('%s', enqueued_at) AS INTEGER)), 0) FROM index_queue "
      "WHERE CAST(strftime('%s', enqueued_at) AS INTEGER) < ?");
  if (!st.ok()) return st.status();
  (*st)->Bind(1, before);
  auto row = OneRow<QueueAge>(*st, [](Statement& q) { return QueueAge{q.ColumnInt(0), q.ColumnInt(1)}; });
  if (!row.ok()) return row.status();
  return row->value_or(QueueAge{});
}

}  // namespace entraide::store
