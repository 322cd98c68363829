// App: the composition root. Opens and migrates the store, imports content, loads views and catalogs,
// wires services and routes, and runs the HTTP server. Used by `entraide serve` and by end-to-end tests,
// which start it on port 0 with a temp data dir. Start/Stop from one thread; the server is thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/config.h"
#include "auth/accounts.h"
#include "auth/password.h"
#include "core/clock.h"
#include "core/status.h"
#include "privacy/privacy_service.h"

namespace entraide::app {

struct PrepareOptions {
  // Before applying migrations to a database that has some already, write a snapshot into
  // config.BackupDir() (see app/backup.h); a backup that fails stops the migrations.
  bool backup = true;
};

struct PrepareReport {
  std::vector<std::string> applied;  // the migrations applied, in order
  std::string backup;                // the snapshot taken before them; empty when none was
};

// Creates data.dir, opens the database and applies migrations, after a backup (see PrepareOptions). Logs the
// backup and each migration applied.
core::StatusOr<PrepareReport> PrepareStore(const Config& config, const PrepareOptions& options);
// The same with the backup: what every command runs first.
core::Status PrepareStore(const Config& config);

// The migrations PrepareStore would apply (their file names), changing nothing: every file for a data.dir
// without a database. kConflict as for migrate (a changed migration, a newer database).
core::StatusOr<std::vector<std::string>> PendingMigrationNames(const Config& config);
// The privacy service's settings of `config` (data.dir's folders, site.base_url, the retention of closed tickets).
privacy::Options PrivacyOptionsFor(const Config& config);

// The sign-in settings of `config` (base URL, hash gate, session lifetime).
auth::AuthOptions AuthOptionsFor(const Config& config);

// What tests may replace: the clock (to move time) and the password hash cost (to keep suites fast); and what
// `serve --no-backup` turns off.
struct AppOverrides {
  const core::Clock* clock = nullptr;
  std::optional<auth::HashCost> hash_cost;
  bool backup_before_migrations = true;
};

class App {
 public:
  // Prepares everything but does not listen yet: holds data.dir (no restore meanwhile), checks the data
  // (CheckDataAtStart), prepares the store. kInvalidArgument for broken views or catalogs, kConflict for a
  // migration problem, kUnavailable when the store cannot be opened or a restore holds data.dir, kInternal for
  // a damaged database.
  static core::StatusOr<std::unique_ptr<App>> Create(const Config& config, AppOverrides overrides = {});
  ~App();

  core::Status Start();
  int port() const;
  // Stops accepting, finishes requests in flight, stops workers.
  void Stop();
  // Blocks until the search index is built and every queued change is in it (tests, tools).
  bool WaitForIndex(int timeout_ms);
  // Runs the mail sender now and waits for that pass to finish (tests, tools).
  bool DeliverMail(int timeout_ms);
  // Tests: a pass over the POP3 mailbox now (false when mail.pop3.host is not set or the pass took too long).
  bool PollMailboxNow(int timeout_ms);
  // Runs the retention pass of closed tickets now and waits for it (tests); false when retention is off.
  bool ApplyRetentionNow(int timeout_ms);
  // Writes the search counts kept in memory, purges old days and forgets past days' client hashes, now (tests).
  bool MaintainInsightsNow(int timeout_ms);
  // The account services the server uses (tests hold their hash gate).
  auth::Accounts& accounts();

 private:
  App();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace entraide::app
