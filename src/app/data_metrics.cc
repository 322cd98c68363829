#include "app/data_metrics.h"

#include <algorithm>
#include <filesystem>
#include <initializer_list>
#include <utility>
#include <vector>

#include "core/log.h"
#include "store/stats_repo.h"

namespace entraide::app {
namespace {

// One sample per known value of `label`, 0 for those without rows; values the code does not know yet are
// reported too.
void ByLabel(core::MetricsText& out, const char* name, const char* label, std::initializer_list<const char*> known,
             const std::vector<std::pair<std::string, int64_t>>& counts) {
  auto count_of = [&](std::string_view v) {
    for (const auto& [k, n] : counts)
      if (k == v) return n;
    return int64_t{0};
  };
  for (const char* k : known) out.Sample(name, {{label, k}}, count_of(k));
  for (const auto& [k, n] : counts)
    if (std::find_if(known.begin(), known.end(), [&](const char* x) { return k == x; }) == known.end())
      out.Sample(name, {{label, k}}, n);
}

int64_t FileBytes(const std::string& path) {
  std::error_code ec;
  auto n = std::filesystem::file_size(path, ec);
  return ec ? 0 : static_cast<int64_t>(n);
}

}  // namespace

void DataMetrics::Collect(core::MetricsText& out) const {
  out.Single("entraide_database_bytes", "gauge", "Size of the SQLite database file and its write-ahead log.",
             FileBytes(db_path_) + FileBytes(db_path_ + "-wal"));
  auto db = pool_.Acquire();
  if (!db.ok()) {
    core::LogWarning("metrics: the database cannot be read", {{"error", db.status().message()}});
    return;
  }
  auto stats = store::ReadDataStats(**db);
  if (!stats.ok()) {
    core::LogWarning("metrics: the database cannot be read", {{"error", stats.status().message()}});
    return;
  }
  const store::DataStats& d = *stats;
  out.Family("entraide_outbox_messages", "gauge", "Emails in the outbox, by state.");
  ByLabel(out, "entraide_outbox_messages", "state", {"pending", "sending", "sent", "failed", "skipped"},
          d.outbox_by_status);
  int64_t now = clock_.NowSeconds();
  out.Single("entraide_outbox_oldest_pending_age_seconds", "gauge",
             "How long the oldest pending email has waited since it was queued (0: none pending).",
             d.outbox_oldest_pending_at > 0 ? std::max<int64_t>(0, now - d.outbox_oldest_pending_at) : 0);
  out.Single("entraide_index_queue_rows", "gauge", "Changes waiting to reach the search index.", d.index_queue_rows);
  out.Single("entraide_index_queue_oldest_age_seconds", "gauge",
             "How long the oldest change waiting for the search index has waited (0: none).",
             d.index_queue_oldest_age_s);
  out.Family("entraide_tickets", "gauge", "Help desk tickets, by status.");
  ByLabel(out, "entraide_tickets", "status",
          {"new", "triaged", "in_progress", "waiting_on_group", "resolved", "closed"}, d.tickets_by_status);
  out.Single("entraide_attachment_files", "gauge", "Attachment files stored (one per distinct content).",
             d.attachment_files);
  out.Single("entraide_attachment_bytes", "gauge", "Bytes of the attachment files stored.", d.attachment_bytes);
  // Counted from inbound_mail (kept with the tickets), so messages `entraide mail receive` took count too.
  out.Family("entraide_mail_received_total", "counter",
             "Messages received by mail (mail receive, POP3), by what became of them.");
  ByLabel(out, "entraide_mail_received_total", "outcome", {"taken", "ignored", "refused", "unknown", "bounce"},
          d.mail_received_by_outcome);
  out.Single("entraide_mail_bouncing_addresses", "gauge", "Addresses no mail is sent to (3 permanent failures).",
             d.bouncing_addresses);
}

}  // namespace entraide::app
