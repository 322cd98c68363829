#include "tickets/attachment_store.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "auth/policy.h"
#include "core/strings.h"
#include "store/pool.h"
#include "store/ticket_repo.h"
#include "tickets/filename.h"
#include "tickets/rules.h"

namespace entraide::tickets {
namespace fs = std::filesystem;

namespace {

std::string Mib(int64_t bytes) { return std::to_string(bytes / (1024 * 1024)) + " MiB"; }

}  // namespace

std::string AttachmentPath(const std::string& dir, const std::string& sha256) {
  return dir + "/" + sha256.substr(0, 2) + "/" + sha256;
}

std::string SafeContentType(const std::string& type) {
  std::string t = core::ToLowerAscii(core::Trim(type.substr(0, type.find(';'))));
  size_t slash = t.find('/');
  if (slash == std::string::npos || t.size() > 100) return "application/octet-stream";
  for (char c : t)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '-' || c == '+' || c == '.'))
      return "application/octet-stream";
  return t;
}

AttachmentStore::AttachmentStore(store::Pool& pool, std::string dir, AttachmentLimits limits)
    : pool_(pool), dir_(std::move(dir)), limits_(limits) {}

core::Status AttachmentStore::Check(const std::vector<Upload>& uploads) const {
  if (static_cast<int>(uploads.size()) > limits_.max_files)
    return core::InvalidField("attachments", "at most " + std::to_string(limits_.max_files) + " files")
        .WithKey("error_attachments_count");
  for (const auto& u : uploads)
    if (u.size > limits_.max_file_bytes)
      return core::TooLarge("attachments: " + SafeFilename(u.filename) + " is over the limit of " +
                            Mib(limits_.max_file_bytes))
          .For("attachments")
          .WithKey("error_attachment_too_large");
  return core::Status::Ok();
}

core::Status AttachmentStore::Store(store::TicketRepository& repo, const auth::Principal& who, int64_t ticket_id,
                                    std::optional<int64_t> event_id, const std::vector<Upload>& uploads, int64_t now,
                                    int64_t* retry_after_s) const {
  if (uploads.empty()) return core::Status::Ok();
  int64_t adding = 0;
  for (const auto& u : uploads) adding += u.size;
  auto recent = repo.CountUploadsSince(who.user_id, now - 3600);
  if (!recent.ok()) return recent.status();
  if (recent->files + static_cast<int64_t>(uploads.size()) > limits_.files_per_hour)
    return OverHourlyLimit(std::to_string(limits_.files_per_hour) + " files", "error_too_many_files", recent->oldest,
                           now, retry_after_s);
  if (recent->bytes + adding > limits_.file_bytes_per_hour)
    return OverHourlyLimit(Mib(limits_.file_bytes_per_hour) + " of files", "error_too_many_files", recent->oldest, now,
                           retry_after_s);
  auto held = repo.AttachmentBytes(ticket_id);
  if (!held.ok()) return held.status();
  if (*held + adding > limits_.max_ticket_bytes)
    return core::TooLarge("attachments: a ticket holds at most " + Mib(limits_.max_ticket_bytes) +
                          " of files; this one has " + Mib(std::max<int64_t>(0, limits_.max_ticket_bytes - *held)) +
                          " left")
        .For("attachments")
        .WithKey("error_ticket_files_full");
  // The hash names the file: anything but 64 hex digits could name a path outside the folder.
  for (const auto& u : uploads)
    if (!IsHex64(u.sha256)) return core::Internal("upload without a hash");
  for (const auto& u : uploads) {
    fs::path dest = AttachmentPath(dir_, u.sha256);
    std::error_code ec;
    fs::create_directories(dest.parent_path(), ec);
    // Content-addressed: the same file uploaded twice is stored once.
    if (!fs::exists(dest, ec)) {
      fs::rename(u.temp_path, dest, ec);
      if (ec) {
        fs::copy_file(u.temp_path, dest, fs::copy_options::overwrite_existing, ec);
        if (ec) return core::Unavailable("cannot store the attachment: " + ec.message());
      }
    }
    model::Attachment a;
    a.ticket_id = ticket_id;
    a.event_id = event_id;
    a.filename = SafeFilename(u.filename);
    a.content_type = SafeContentType(u.content_type);
    a.size = u.size;
    a.sha256 = u.sha256;
    a.uploaded_by = who.user_id;
    a.created_at = now;
    auto id = repo.AddAttachment(a);
    if (!id.ok()) return id.status();
  }
  return core::Status::Ok();
}

core::StatusOr<AttachmentStore::File> AttachmentStore::Get(const auth::Principal* who, int64_t ticket_id,
                                                           int64_t attachment_id) const {
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::TicketRepository repo(**db);
  auto t = LoadVisible(repo, who, ticket_id);
  if (!t.ok()) return t.status();
  // An attachment of an internal note is as private as the note: not there for the group.
  auto a = repo.FindAttachment(ticket_id, attachment_id, auth::Allows(who, auth::Action::kTriage));
  if (!a.ok()) return a.status();
  if (!*a) return core::NotFound("no such attachment");
  File file{**a, AttachmentPath(dir_, (*a)->sha256)};
  file.record.filename = SafeFilename(file.record.filename);
  return file;
}

}  // namespace entraide::tickets
