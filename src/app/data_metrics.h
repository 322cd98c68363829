// DataMetrics: the /metrics families about the data (store::ReadDataStats and the database's files): the outbox
// by state and the age of its oldest pending message, the search index queue's rows and oldest age, tickets by
// status, database and attachment bytes. Every known state and status is reported, 0 included, so that a
// series never disappears. Each scrape reads the database (a few aggregates over indexes: about 10 ms with
// 100,000 tickets). Thread-safe.
#pragma once

#include <string>

#include "core/clock.h"
#include "core/metrics.h"
#include "store/pool.h"

namespace entraide::app {

class DataMetrics : public core::MetricsSource {
 public:
  // `db_path`: the SQLite file (its -wal is counted with it).
  DataMetrics(store::Pool& pool, const core::Clock& clock, std::string db_path)
      : pool_(pool), clock_(clock), db_path_(std::move(db_path)) {}
  void Collect(core::MetricsText& out) const override;

 private:
  store::Pool& pool_;
  const core::Clock& clock_;
  std::string db_path_;
};

}  // namespace entraide::app
