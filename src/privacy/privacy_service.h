// PrivacyService: what Québec's Law 25 (like the GDPR) asks of the site: a person's or a group's data as a ZIP
// (data.json and the files), erasing a person's identity, and removing the text and files of tickets closed for
// longer than privacy.closed_ticket_retention_days. Thread-safe (each call takes its own connection).
//
// Exports. A person's: their profile, groups, email preferences (effective), sessions (when, never the secret),
// the tickets they opened with their public history and the names of their public files (internal notes never),
// every event they wrote (their own internal notes included, if a volunteer), their helpful votes, the files
// they attached (in files/), the messages the outbox holds for them (kind, subject, state, dates; never the
// links) and the questions they published. A group's: the group, its members' names and addresses, and its
// tickets with their public history and public files (in files/); never another group's ticket, never an
// internal note or its file. Names of erased people read "a former member" in the export's language (the
// person's, the group's). Written to a temp file next to the destination, then renamed: a failed export leaves
// nothing half written.
//
// Statuses: kNotFound for an unknown email or group slug; kResourceExhausted past exports_per_hour (the account
// page; retry_after_s says how long); kConflict when erasing someone already erased; kUnavailable when the
// store is busy or a file cannot be written or read.
#pragma once

#include <cstdint>
#include <string>

#include "auth/principal.h"
#include "auth/rate_limiter.h"
#include "core/clock.h"
#include "core/status.h"
#include "i18n/catalog.h"
#include "model/account.h"
#include "model/privacy.h"

namespace entraide::store {
class Pool;
class Database;
}  // namespace entraide::store

namespace entraide::privacy {

struct Options {
  std::string attachments_dir;           // data.dir/attachments: files stored by content hash
  std::string mail_dir;                  // data.dir/mail: the .eml files written when no SMTP server is set
  std::string mail_in_dir;               // data.dir/mail-in: the originals of mail received
  std::string temp_dir;                  // data.dir/tmp: exports for the account page are made here
  std::string base_url;                  // site.base_url, for the links in data.json
  int closed_ticket_retention_days = 0;  // 0: closed tickets keep their text and files
  int exports_per_hour = 3;              // per person, from the account page
};

struct ExportSummary {
  int64_t tickets = 0, events = 0, files = 0, file_bytes = 0;
  int64_t missing_files = 0;  // attachments whose file is not on disk (listed in data.json, not in the ZIP)
};

// An export made for the account page: a temp file the caller sends, then removes.
struct ExportFile {
  std::string path;
  ExportSummary summary;
};

struct ErasureReport {
  int64_t user_id = 0;
  std::string placeholder_email;  // erased-<id>@invalid
  model::ErasureCounts counts;
  int64_t mail_files = 0;    // .eml files addressed to them (mail_dir) or received from them (mail_in_dir), deleted
  bool wal_emptied = false;  // the write-ahead log was checkpointed and truncated (false: a reader held it)
};

struct RetentionReport {
  int64_t tickets = 0;      // tickets whose text and files were removed
  int64_t attachments = 0;  // attachment rows removed
  int64_t files = 0;        // files deleted from attachments_dir (no other row named them)
};

class PrivacyService {
 public:
  PrivacyService(store::Pool& pool, const core::Clock& clock, const i18n::Catalogs& catalogs, Options options);

  // The account page: `who`'s own data, in a new temp file under temp_dir.
  core::StatusOr<ExportFile> ExportOwnData(const auth::Principal& who, int64_t* retry_after_s);
  // The command line (a coordinator at the machine): one person's, or one group's, data written to `zip_path`.
  core::StatusOr<ExportSummary> ExportPerson(const std::string& email, const std::string& zip_path);
  core::StatusOr<ExportSummary> ExportGroup(const std::string& slug, const std::string& zip_path);

  // The person `email` is, for a confirmation before Erase (kNotFound when nobody has it).
  core::StatusOr<model::User> FindPerson(const std::string& email);
  // Removes the person's identity everywhere (see store::PrivacyRepository::Erase), in one transaction; then
  // deletes the .eml files addressed to them and checkpoints the database so that its write-ahead log no
  // longer holds the old rows (SQLite's secure_delete overwrites them in the database file itself).
  core::StatusOr<ErasureReport> Erase(const std::string& email);

  // Removes the text and files of tickets closed more than closed_ticket_retention_days ago (nothing when 0):
  // a batch of tickets per transaction, then the files no attachment row names any more, each checked and
  // deleted while holding the write lock, so an upload of the same content cannot slip in between.
  core::StatusOr<RetentionReport> ApplyRetention();

  const Options& options() const { return options_; }

 private:
  core::StatusOr<ExportSummary> WritePersonExport(store::Database& db, const model::User& user,
                                                  const std::string& zip_path);

  store::Pool& pool_;
  const core::Clock& clock_;
  const i18n::Catalogs& catalogs_;
  Options options_;
  auth::RateLimiter exports_;
};

// "erased-<id>@invalid": the address an erased person keeps (unique, and .invalid never delivers, RFC 2606).
std::string PlaceholderEmail(int64_t user_id);

}  // namespace entraide::privacy
