// AttachmentStore: the files of tickets and replies. A file is stored once per content, at
// <dir>/<first two hex digits of its SHA-256>/<SHA-256> (AttachmentPath: the one place that says so), and a
// row per upload names it. Limits are checked twice: the number and size of a form's files before anything
// is written (Check), then, in the caller's write transaction, the person's hourly files and bytes and the
// ticket's total (Store), so that simultaneous uploads cannot together pass them.
// Thread-safe (each call takes its own connection or uses the caller's repository).
//
// Statuses: kInvalidArgument naming "attachments" (too many files); kTooLarge naming "attachments" (a file over
// max_file_bytes, a ticket whose files would pass max_ticket_bytes); kResourceExhausted (the person's hourly
// files limits, retry_after_s set); kInternal for an upload whose hash is not 64 hex digits (never written);
// kUnavailable when a file cannot be moved into place; Get: kUnauthenticated, kNotFound (the ticket is not the
// caller's to see, or the file is not there for them: a file of an internal note is the volunteers').
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "auth/principal.h"
#include "core/status.h"
#include "model/ticket.h"

namespace entraide::store {
class Pool;
class TicketRepository;
}  // namespace entraide::store

namespace entraide::tickets {

// A file received with a form, already on disk (the HTTP layer streams uploads to temp files and hashes them).
struct Upload {
  std::string filename, content_type, temp_path, sha256;
  int64_t size = 0;
};

struct AttachmentLimits {
  int max_files = 5;  // per ticket or reply
  int64_t max_file_bytes = 10 * 1024 * 1024;
  int64_t max_ticket_bytes = 100 * 1024 * 1024;     // all the files of one ticket together
  int files_per_hour = 50;                          // per person, on every ticket
  int64_t file_bytes_per_hour = 200 * 1024 * 1024;  // per person, on every ticket
};

// Where the file of content `sha256` is kept under `dir` (data.dir/attachments): dir/ab/abcd….
std::string AttachmentPath(const std::string& dir, const std::string& sha256);

// What the type a browser claims for a file becomes: its lower-case media type without parameters, or
// application/octet-stream when it is not one.
std::string SafeContentType(const std::string& type);

class AttachmentStore {
 public:
  AttachmentStore(store::Pool& pool, std::string dir, AttachmentLimits limits = {});

  // The number of files and each one's size, before anything is written.
  core::Status Check(const std::vector<Upload>& uploads) const;
  // Checks the person's hourly files limits and the ticket's total, then moves each file into place (unless the
  // same content is there already) and adds its row, for `event_id`'s reply or note, in `repo`'s transaction.
  core::Status Store(store::TicketRepository& repo, const auth::Principal& who, int64_t ticket_id,
                     std::optional<int64_t> event_id, const std::vector<Upload>& uploads, int64_t now,
                     int64_t* retry_after_s) const;

  struct File {
    model::Attachment record;  // its filename through SafeFilename
    std::string path;
  };
  // A file of ticket `ticket_id`, for `who` to download.
  core::StatusOr<File> Get(const auth::Principal* who, int64_t ticket_id, int64_t attachment_id) const;

  const std::string& dir() const { return dir_; }
  const AttachmentLimits& limits() const { return limits_; }

 private:
  store::Pool& pool_;
  std::string dir_;
  AttachmentLimits limits_;
};

}  // namespace entraide::tickets
