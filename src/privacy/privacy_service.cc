#include "privacy/privacy_service.h"

#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/json_writer.h"
#include "core/log.h"
#include "core/strings.h"
#include "privacy/zip_writer.h"
#include "store/account_repo.h"
#include "store/article_repo.h"
#include "store/mail_repo.h"
#include "store/pool.h"
#include "store/privacy_repo.h"
#include "store/ticket_repo.h"
#include "tickets/attachment_store.h"
#include "tickets/filename.h"

namespace entraide::privacy {
namespace fs = std::filesystem;

namespace {

constexpr int kRedactBatch = 100;  // tickets per retention transaction: short enough not to hold writers back

std::string Iso(int64_t epoch) { return core::FormatIso8601Utc(epoch); }

void OptionalTime(core::JsonWriter& w, std::string_view key, const std::optional<int64_t>& t) {
  w.Key(key);
  if (t)
    w.String(Iso(*t));
  else
    w.Null();
}

// data.json and the files that go with it, built by one export.
class Export {
 public:
  Export(store::Database& db, const i18n::Catalog& names, const Options& options)
      : tickets_(db), names_(names), options_(options) {}

  core::JsonWriter& json() { return w_; }
  ExportSummary& summary() { return summary_; }

  // The header every export starts with.
  void Begin(const std::string& kind, int64_t now) {
    w_.BeginObject().Field("format", "entraide-export/1").Field("kind", kind).Field("exported_at", Iso(now));
    w_.Field("site", options_.base_url);
  }

  // `a`'s file goes in the ZIP under files/ ("file" names it; null when it is not on disk any more).
  void AttachmentFields(const model::Attachment& a) {
    w_.Field("id", a.id).Field("filename", tickets::SafeFilename(a.filename)).Field("content_type", a.content_type);
    w_.Field("size", a.size).Field("sha256", a.sha256).Field("at", Iso(a.created_at));
    std::string source =
        options_.attachments_dir + "/" + a.sha256.substr(0, std::min<size_t>(2, a.sha256.size())) + "/" + a.sha256;
    std::error_code ec;
    w_.Key("file");
    if (a.sha256.size() != 64 || !fs::is_regular_file(source, ec)) {
      ++summary_.missing_files;
      w_.Null();
      return;
    }
    std::string entry = ZipEntryName("files", a.id, tickets::SafeFilename(a.filename));
    if (files_.emplace(entry, source).second) {
      ++summary_.files;
      summary_.file_bytes += a.size;
    }
    w_.String(entry);
  }

  // A ticket with its public history and the names of its public files; `with_files`: their contents too.
  core::Status Ticket(int64_t id, bool with_files) {
    auto found = tickets_.Find(id);
    if (!found.ok()) return found.status();
    if (!*found) return core::Status::Ok();
    const model::Ticket& t = **found;
    auto events = tickets_.Events(id, false);  // internal notes never
    if (!events.ok()) return events.status();
    auto attachments = tickets_.Attachments(id, false);  // nor their files
    if (!attachments.ok()) return attachments.status();
    ++summary_.tickets;
    w_.BeginObject().Field("id", t.id).Field("ref", t.ref);
    w_.Field("url", options_.base_url + "/" + t.lang + "/tickets/" + std::to_string(t.id));
    w_.Key("group").BeginObject().Field("slug", t.group_slug).Field("name", t.group_name).EndObject();
    w_.Field("opened_by", names_.PersonName(t.opened_by_name));
    w_.Field("subject", t.subject).Field("body", t.body).Field("category", t.category).Field("urgency", t.urgency);
    w_.Field("status", model::ToString(t.status)).Field("lang", t.lang).Field("created_at", Iso(t.created_at));
    w_.Field("updated_at", Iso(t.updated_at));
    OptionalTime(w_, "resolved_at", t.resolved_at);
    OptionalTime(w_, "closed_at", t.closed_at);
    w_.Key("helpful");
    if (t.helpful)
      w_.Bool(*t.helpful != 0);
    else
      w_.Null();
    w_.Field("helpful_comment", t.helpful_comment);
    OptionalTime(w_, "text_removed_at", t.redacted_at);
    w_.Key("history").BeginArray();
    for (const auto& e : *events) Event(e, false);
    w_.EndArray();
    w_.Key("attachments").BeginArray();
    for (const auto& a : *attachments) {
      w_.BeginObject();
      if (with_files) {
        AttachmentFields(a);
      } else {
        w_.Field("id", a.id).Field("filename", tickets::SafeFilename(a.filename)).Field("size", a.size);
        w_.Field("at", Iso(a.created_at));
      }
      w_.EndObject();
    }
    w_.EndArray().EndObject();
    return core::Status::Ok();
  }

  // One event of a ticket's history; `with_ticket`: which ticket it belongs to (a person's writings).
  void Event(const model::TicketEvent& e, bool with_ticket) {
    ++summary_.events;
    w_.BeginObject().Field("id", e.id);
    if (with_ticket) w_.Field("ticket_id", e.ticket_id).Field("ticket_ref", Ref(e.ticket_id));
    w_.Field("kind", e.kind).Key("actor");
    if (e.actor_id)
      w_.String(names_.PersonName(e.actor_name));
    else
      w_.Null();  // the system (a ticket closed by itself)
    if (e.internal) w_.Field("internal", true);
    // "Now held by" events recorded names.
    bool names = e.kind == "assign";
    w_.Field("body", e.body).Field("old", names ? names_.PersonName(e.old_value) : e.old_value);
    w_.Field("new", names ? names_.PersonName(e.new_value) : e.new_value).Field("at", Iso(e.created_at));
    w_.EndObject();
  }

  // The reference of ticket `id` ("" when it is gone), read once per ticket.
  std::string Ref(int64_t id) {
    auto it = refs_.find(id);
    if (it != refs_.end()) return it->second;
    auto t = tickets_.Find(id);
    std::string ref = t.ok() && *t ? (*t)->ref : "";
    refs_.emplace(id, ref);
    return ref;
  }

  // Writes data.json then the files to `path`.
  core::Status Write(const std::string& path, int64_t now) {
    w_.EndObject();
    auto zip = ZipWriter::Create(path, now);
    if (!zip.ok()) return zip.status();
    ENTRAIDE_RETURN_IF_ERROR((*zip)->AddText("data.json", w_.str()));
    for (const auto& [entry, source] : files_) ENTRAIDE_RETURN_IF_ERROR((*zip)->AddFile(entry, source));
    return (*zip)->Close();
  }

 private:
  store::TicketRepository tickets_;
  const i18n::Catalog& names_;
  const Options& options_;
  core::JsonWriter w_;
  ExportSummary summary_;
  std::map<std::string, std::string> files_;  // ZIP entry -> file on disk
  std::map<int64_t, std::string> refs_;
};

// Writes an export to `zip_path` through a temp file beside it, renamed once whole.
template <typename Fn>
core::Status WriteBeside(const std::string& zip_path, Fn write) {
  std::string temp = zip_path + ".part";
  core::Status st = write(temp);
  std::error_code ec;
  if (st.ok()) {
    fs::rename(temp, zip_path, ec);
    if (ec) st = core::Unavailable("cannot write " + zip_path + ": " + ec.message());
  }
  if (!st.ok()) fs::remove(temp, ec);
  return st;
}

// Deletes the .eml files of `mail_dir` whose To: header holds `email`; returns how many.
int64_t DeleteMailFilesTo(const std::string& mail_dir, const std::string& email) {
  int64_t removed = 0;
  std::error_code ec;
  std::string needle = core::ToLowerAscii(email);
  for (const auto& entry : fs::directory_iterator(mail_dir, ec)) {
    if (entry.path().extension() != ".eml") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::string line, to;
    bool in_to = false;
    // The headers end at the first empty line; To: may be folded over several lines.
    while (std::getline(in, line) && !line.empty() && line != "\r") {
      bool folded = line[0] == ' ' || line[0] == '\t';
      if (!folded) in_to = core::StartsWith(core::ToLowerAscii(line), "to:");
      if (in_to) to += line;
    }
    in.close();
    if (core::ToLowerAscii(to).find(needle) != std::string::npos && fs::remove(entry.path(), ec)) ++removed;
  }
  return removed;
}

}  // namespace

std::string PlaceholderEmail(int64_t user_id) { return "erased-" + std::to_string(user_id) + "@invalid"; }

PrivacyService::PrivacyService(store::Pool& pool, const core::Clock& clock, const i18n::Catalogs& catalogs,
                               Options options)
    : pool_(pool),
      clock_(clock),
      catalogs_(catalogs),
      options_(std::move(options)),
      exports_(clock, options_.exports_per_hour, 3600) {}

core::StatusOr<ExportSummary> PrivacyService::WritePersonExport(store::Database& db, const model::User& user,
                                                                const std::string& zip_path) {
  int64_t now = clock_.NowSeconds();
  store::AccountRepository accounts(db);
  store::PrivacyRepository privacy(db);
  store::TicketRepository tickets(db);
  auto groups = accounts.GroupsOf(user.id);
  if (!groups.ok()) return groups.status();
  auto settings = store::MailRepository(db).Settings(user.id);
  if (!settings.ok()) return settings.status();
  auto sessions = privacy.SessionsOf(user.id);
  if (!sessions.ok()) return sessions.status();
  auto opened = privacy.TicketsOpenedBy(user.id);
  if (!opened.ok()) return opened.status();
  auto written = tickets.EventsBy(user.id);
  if (!written.ok()) return written.status();
  auto files = tickets.AttachmentsBy(user.id);
  if (!files.ok()) return files.status();
  auto mail = privacy.MailTo(user.id, user.email);
  if (!mail.ok()) return mail.status();
  auto questions = privacy.QuestionsPublishedBy(user.id);
  if (!questions.ok()) return questions.status();

  const i18n::Catalog& names = catalogs_.For(i18n::IsSupportedLang(user.lang) ? user.lang : "fr");
  Export x(db, names, options_);
  core::JsonWriter& w = x.json();
  x.Begin("person", now);
  w.Key("person").BeginObject().Field("id", user.id).Field("name", names.PersonName(user.name));
  w.Field("email", user.email)
      .Field("role", model::ToString(user.role))
      .Field("lang", user.lang)
      .Field("active", user.active);
  w.Field("created_at", user.created_at).EndObject();
  w.Key("groups").BeginArray();
  for (const auto& g : *groups) w.BeginObject().Field("slug", g.slug).Field("name", g.name).EndObject();
  w.EndArray();
  w.Key("email_preferences").BeginObject().Field("notifications", settings->notifications);
  w.Field("volunteer_digest", settings->volunteer_digest).Field("group_digest", settings->group_digest);
  w.Field("coordinator_summary", settings->coordinator_summary).EndObject();
  w.Key("sessions").BeginArray();
  for (const auto& s : *sessions)
    w.BeginObject().Field("started_at", Iso(s.created_at)).Field("last_used_at", Iso(s.last_seen_at)).EndObject();
  w.EndArray();
  w.Key("tickets_opened").BeginArray();
  for (int64_t id : *opened) ENTRAIDE_RETURN_IF_ERROR(x.Ticket(id, false));
  w.EndArray();
  w.Key("written").BeginArray();
  for (const auto& e : *written) x.Event(e, true);
  w.EndArray();
  w.Key("helpful_votes").BeginArray();
  for (const auto& e : *written) {
    if (e.kind != "helpful") continue;
    w.BeginObject().Field("ticket_ref", x.Ref(e.ticket_id)).Field("helpful", e.new_value == "yes");
    w.Field("comment", e.body).Field("at", Iso(e.created_at)).EndObject();
  }
  w.EndArray();
  w.Key("attachments").BeginArray();
  for (const auto& a : *files) {
    w.BeginObject().Field("ticket_ref", x.Ref(a.ticket_id));
    x.AttachmentFields(a);
    w.EndObject();
  }
  w.EndArray();
  w.Key("emails").BeginArray();
  for (const auto& m : *mail) {
    w.BeginObject().Field("kind", m.kind).Field("subject", m.subject).Field("status", m.status);
    w.Field("queued_at", Iso(m.created_at));
    OptionalTime(w, "sent_at", m.sent_at);
    w.EndObject();
  }
  w.EndArray();
  w.Key("questions_published").BeginArray();
  for (const auto& q : *questions) {
    w.BeginObject().Field("title", q.title).Field("url", options_.base_url + "/" + q.lang + "/questions/" + q.slug);
    w.Field("at", Iso(q.created_at)).EndObject();
  }
  w.EndArray();
  ENTRAIDE_RETURN_IF_ERROR(x.Write(zip_path, now));
  return x.summary();
}

core::StatusOr<ExportFile> PrivacyService::ExportOwnData(const auth::Principal& who, int64_t* retry_after_s) {
  int64_t wait = exports_.Hit("person:" + std::to_string(who.user_id));
  if (wait > 0) {
    if (retry_after_s) *retry_after_s = wait;
    return core::ResourceExhausted("at most " + std::to_string(options_.exports_per_hour) +
                                   " exports an hour; try again in " + std::to_string(wait / 60 + 1) + " minutes");
  }
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  auto user = store::AccountRepository(**db).FindUserById(who.user_id);
  if (!user.ok()) return user.status();
  if (!*user) return core::NotFound("no such person");
  std::string path = options_.temp_dir + "/export-XXXXXX";
  int fd = ::mkstemp(path.data());
  if (fd < 0) return core::Unavailable("cannot create a file in " + options_.temp_dir);
  ::close(fd);
  auto summary = WritePersonExport(**db, **user, path);
  if (!summary.ok()) {
    std::error_code ec;
    fs::remove(path, ec);
    return summary.status();
  }
  return ExportFile{path, *summary};
}

core::StatusOr<model::User> PrivacyService::FindPerson(const std::string& email) {
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  auto user = store::AccountRepository(**db).FindUserByEmail(std::string(core::Trim(email)));
  if (!user.ok()) return user.status();
  if (!*user) return core::NotFound("nobody has the email " + email);
  return **user;
}

core::StatusOr<ExportSummary> PrivacyService::ExportPerson(const std::string& email, const std::string& zip_path) {
  auto user = FindPerson(email);
  if (!user.ok()) return user.status();
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  ExportSummary summary;
  ENTRAIDE_RETURN_IF_ERROR(WriteBeside(zip_path, [&](const std::string& temp) -> core::Status {
    auto s = WritePersonExport(**db, *user, temp);
    if (!s.ok()) return s.status();
    summary = *s;
    return core::Status::Ok();
  }));
  return summary;
}

core::StatusOr<ExportSummary> PrivacyService::ExportGroup(const std::string& slug, const std::string& zip_path) {
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::AccountRepository accounts(**db);
  auto group = accounts.FindGroupBySlug(slug);
  if (!group.ok()) return group.status();
  if (!*group) return core::NotFound("no group has the slug " + slug);
  const model::Group& g = **group;
  auto members = accounts.MembersOf(g.id);
  if (!members.ok()) return members.status();
  auto ids = store::PrivacyRepository(**db).TicketsOfGroup(g.id);
  if (!ids.ok()) return ids.status();
  int64_t now = clock_.NowSeconds();
  Export x(**db, catalogs_.For(i18n::IsSupportedLang(g.lang) ? g.lang : "fr"), options_);
  core::JsonWriter& w = x.json();
  x.Begin("group", now);
  w.Key("group").BeginObject().Field("id", g.id).Field("slug", g.slug).Field("name", g.name).Field("lang", g.lang);
  w.Field("active", g.active).EndObject();
  w.Key("members").BeginArray();
  for (const auto& m : *members) {
    w.BeginObject()
        .Field("id", m.id)
        .Field("name", m.name)
        .Field("email", m.email)
        .Field("role", model::ToString(m.role));
    w.Field("lang", m.lang).Field("active", m.active).EndObject();
  }
  w.EndArray();
  w.Key("tickets").BeginArray();
  for (int64_t id : *ids) ENTRAIDE_RETURN_IF_ERROR(x.Ticket(id, true));
  w.EndArray();
  ENTRAIDE_RETURN_IF_ERROR(WriteBeside(zip_path, [&](const std::string& temp) { return x.Write(temp, now); }));
  return x.summary();
}

core::StatusOr<ErasureReport> PrivacyService::Erase(const std::string& email) {
  auto found = FindPerson(email);
  if (!found.ok()) return found.status();
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  // Freed space is overwritten with zeros (Debian's SQLite does it by default; this says so for this connection).
  ENTRAIDE_RETURN_IF_ERROR((*db)->Exec("PRAGMA secure_delete = ON"));
  ErasureReport report;
  report.user_id = found->id;
  report.placeholder_email = PlaceholderEmail(found->id);
  store::FormerMemberLabels labels{catalogs_.For("en").Get("former_member"), catalogs_.For("fr").Get("former_member")};
  int64_t now = clock_.NowSeconds();
  model::User user;
  ENTRAIDE_RETURN_IF_ERROR(store::InTransaction(**db, [&]() -> core::Status {
    // Read again in the transaction: the name and address erased are the ones stored now.
    auto current = store::AccountRepository(**db).FindUserById(found->id);
    if (!current.ok()) return current.status();
    if (!*current) return core::NotFound("nobody has the email " + email);
    user = **current;
    if (user.erased_at) return core::Conflict("this person was erased already");
    auto counts = store::PrivacyRepository(**db).Erase(user, report.placeholder_email, now, labels);
    if (!counts.ok()) return counts.status();
    report.counts = *counts;
    // Cached pages are kept by content generation: a new one drops them all, in every process.
    return store::ArticleRepository(**db).BumpContentGeneration();
  }));
  report.mail_files = DeleteMailFilesTo(options_.mail_dir, user.email);
  for (const auto& name : report.counts.mail_originals) {
    std::error_code ec;
    if (!options_.mail_in_dir.empty() && fs::remove(fs::path(options_.mail_in_dir) / name, ec)) ++report.mail_files;
  }
  // The write-ahead log still holds the pages as they were before: copy them into the database (where the old
  // rows were overwritten) and empty it. A reader holding an old snapshot makes this fail; it is said, not fatal.
  auto st = (*db)->Prepare("PRAGMA wal_checkpoint(TRUNCATE)");
  if (st.ok()) {
    store::StatementScope q(*st);
    auto row = q->Step();
    report.wal_emptied = row.ok() && *row && q->ColumnInt(0) == 0;
  }
  core::LogInfo("privacy: person erased", {{"person", std::to_string(user.id)}});
  return report;
}

core::StatusOr<RetentionReport> PrivacyService::ApplyRetention() {
  RetentionReport report;
  if (options_.closed_ticket_retention_days <= 0) return report;
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::PrivacyRepository repo(**db);
  int64_t now = clock_.NowSeconds();
  int64_t cutoff = now - int64_t{options_.closed_ticket_retention_days} * 24 * 3600;
  std::set<std::string> hashes;
  for (;;) {
    // Read first, without the write lock: most passes find nothing.
    auto due = repo.ClosedUnredactedBefore(cutoff, kRedactBatch);
    if (!due.ok()) return due.status();
    if (due->empty()) break;
    ENTRAIDE_RETURN_IF_ERROR(store::InTransaction(**db, [&]() -> core::Status {
      for (int64_t id : *due) {
        auto removed = repo.Redact(id, cutoff, now);
        if (!removed.ok()) return removed.status();
        if (!*removed) continue;  // reopened since it was listed
        ++report.tickets;
        report.attachments += static_cast<int64_t>((*removed)->size());
        hashes.insert((*removed)->begin(), (*removed)->end());
      }
      return core::Status::Ok();
    }));
  }
  if (hashes.empty()) return report;
  // Content-addressed files: one goes only when no row names it. Checked and deleted under the write lock, so an
  // upload of the same content (which stores its file and its row in one transaction) cannot come in between.
  ENTRAIDE_RETURN_IF_ERROR(store::InTransaction(**db, [&]() -> core::Status {
    for (const auto& sha : hashes) {
      auto used = repo.FileReferenced(sha);
      if (!used.ok()) return used.status();
      if (*used || sha.size() != 64) continue;
      std::error_code ec;
      if (fs::remove(tickets::AttachmentPath(options_.attachments_dir, sha), ec)) ++report.files;
    }
    return core::Status::Ok();
  }));
  core::LogInfo("privacy: closed tickets redacted", {{"tickets", std::to_string(report.tickets)},
                                                     {"attachments", std::to_string(report.attachments)},
                                                     {"files", std::to_string(report.files)}});
  return report;
}

}  // namespace entraide::privacy
