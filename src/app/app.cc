#include "app/app.h"

#include <malloc.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "app/backup.h"
#include "app/data_check.h"
#include "app/data_lock.h"
#include "app/data_metrics.h"
#include "app/index_worker.h"
#include "app/mail_worker.h"
#include "app/mailbox.h"
#include "app/periodic_worker.h"
#include "app/wiring.h"
#include "auth/accounts.h"
#include "core/log.h"
#include "editorial/editorial_service.h"
#include "http/account_pages.h"
#include "http/admin_pages.h"
#include "http/api.h"
#include "http/dashboard_pages.h"
#include "http/editor_pages.h"
#include "http/mail_in_pages.h"
#include "http/mail_pages.h"
#include "http/metrics_endpoint.h"
#include "http/page_cache.h"
#include "http/pages.h"
#include "http/presenter.h"
#include "http/router.h"
#include "http/saved_reply_pages.h"
#include "http/search_pages.h"
#include "http/server.h"
#include "http/services.h"
#include "http/session.h"
#include "http/session_api.h"
#include "http/signin_pages.h"
#include "http/static_files.h"
#include "http/take_pages.h"
#include "http/ticket_api.h"
#include "http/ticket_pages.h"
#include "i18n/catalog.h"
#include "insights/insights_service.h"
#include "kb/article_service.h"
#include "kb/importer.h"
#include "kb/search_service.h"
#include "mail/digest.h"
#include "mail/outbox_admin.h"
#include "markdown/markdown.h"
#include "privacy/privacy_service.h"
#include "search/resources.h"
#include "store/article_repo.h"
#include "store/migrations.h"
#include "store/pool.h"
#include "tickets/questions.h"
#include "tickets/take_links.h"
#include "tickets/ticket_service.h"
#include "view/renderer.h"

namespace entraide::app {
namespace fs = std::filesystem;

namespace {

std::string JoinNames(const std::vector<store::MigrationFile>& files) {
  std::string out;
  for (const auto& f : files) out += (out.empty() ? "" : ", ") + f.name;
  return out;
}

// A snapshot before `pending` is applied to `db`, when it holds migrations already (a new database has nothing
// to lose). Returns the snapshot's path, or "" when none was needed.
core::StatusOr<std::string> BackupBeforeMigrations(const Config& config, store::Database& db,
                                                   const std::vector<store::MigrationFile>& files) {
  auto applied = store::AppliedMigrations(db);
  if (!applied.ok()) return applied.status();
  auto pending = store::PendingMigrations(db, files);
  if (!pending.ok()) return pending.status();
  if (applied->empty() || pending->empty()) return std::string();
  BackupOptions options;
  options.reason = "before migrations " + JoinNames(*pending);
  auto backup = Backup(config, config.BackupDir(), options);
  if (!backup.ok()) {
    std::string what = "no backup could be written before applying " + JoinNames(*pending) + ", so none was applied: ";
    return core::Status(backup.status().code(), what + backup.status().message() +
                                                    " (free some space or set backup.dir; entraide migrate "
                                                    "--no-backup applies them without one)");
  }
  for (const auto& p : backup->problems) core::LogWarning("backup: " + p);
  char took[32];
  std::snprintf(took, sizeof took, "%.1f", backup->seconds);
  core::LogInfo("backup before migrations written",
                {{"path", backup->path}, {"attachments", std::to_string(backup->attachments)}, {"s", took}});
  return backup->path;
}

}  // namespace

core::StatusOr<PrepareReport> PrepareStore(const Config& config, const PrepareOptions& options) {
  std::error_code ec;
  fs::create_directories(config.data_dir, ec);
  if (ec) return core::Unavailable("cannot create data.dir " + config.data_dir + ": " + ec.message());
  // A data dir made before files were created 0600 may hold readable ones: closing the folder itself (0700)
  // keeps other users out of all of it without walking the tree.
  fs::permissions(config.data_dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  if (ec) core::LogWarning("cannot make data.dir " + config.data_dir + " private (0700): " + ec.message());
  auto files = store::LoadMigrations(config.migrations_dir);
  if (!files.ok()) return files.status();
  bool existed = fs::is_regular_file(config.DatabasePath(), ec);
  auto db = store::Database::Open(config.DatabasePath());
  if (!db.ok()) return db.status();
  PrepareReport report;
  if (existed && options.backup) {
    auto backup = BackupBeforeMigrations(config, **db, *files);
    if (!backup.ok()) return backup.status();
    report.backup = *backup;
  }
  auto migrated = store::Migrate(**db, *files);
  if (!migrated.ok()) return migrated.status();
  for (const auto& name : migrated->applied) core::LogInfo("migration applied: " + name);
  report.applied = migrated->applied;
  return report;
}

core::Status PrepareStore(const Config& config) {
  auto report = PrepareStore(config, PrepareOptions{});
  return report.ok() ? core::Status::Ok() : report.status();
}

core::StatusOr<std::vector<std::string>> PendingMigrationNames(const Config& config) {
  auto files = store::LoadMigrations(config.migrations_dir);
  if (!files.ok()) return files.status();
  std::vector<std::string> names;
  std::error_code ec;
  if (!fs::is_regular_file(config.DatabasePath(), ec)) {
    for (const auto& f : *files) names.push_back(f.name);
    return names;
  }
  store::Database::Options read_only;
  read_only.read_only = true;
  auto db = store::Database::Open(config.DatabasePath(), read_only);
  if (!db.ok()) return db.status();
  auto pending = store::PendingMigrations(**db, *files);
  if (!pending.ok()) return pending.status();
  for (const auto& f : *pending) names.push_back(f.name);
  return names;
}

privacy::Options PrivacyOptionsFor(const Config& config) {
  privacy::Options o;
  o.attachments_dir = config.data_dir + "/attachments";
  o.mail_dir = config.MailDir();
  o.mail_in_dir = config.MailInDir();
  o.temp_dir = config.data_dir + "/tmp";
  o.base_url = config.site_base_url;
  o.closed_ticket_retention_days = config.privacy_closed_ticket_retention_days;
  return o;
}

auth::AuthOptions AuthOptionsFor(const Config& config) {
  auth::AuthOptions o;
  o.base_url = config.site_base_url;
  o.max_parallel_hashes = config.auth_max_parallel_hashes;
  o.hash_wait_ms = config.auth_hash_wait_ms;
  o.session_max_s = int64_t{config.auth_session_max_days} * 24 * 3600;
  return o;
}

struct App::Impl {
  Config config;
  bool import_in_background = false;  // content/ imported by content_import, started by Start
  std::atomic<bool> content_importing{false};
  std::thread content_import;
  core::SystemClock system_clock;
  std::unique_ptr<auth::Accounts> accounts;
  std::unique_ptr<tickets::CategoryService> categories;
  std::unique_ptr<tickets::TicketService> tickets;
  std::unique_ptr<tickets::TakeLinkService> take_links;
  std::unique_ptr<tickets::QuestionService> questions;
  std::unique_ptr<store::Pool> pool;
  std::unique_ptr<kb::ArticleService> articles;
  std::unique_ptr<kb::SearchService> search;
  std::unique_ptr<IndexWorker> index_worker;
  std::unique_ptr<mail::UnsubscribeTokens> mail_tokens;
  std::unique_ptr<mail::Composer> mail_composer;
  std::unique_ptr<mail::PreferenceService> mail_prefs;
  std::unique_ptr<mail::OutboxAdmin> mail_admin;
  std::unique_ptr<mail::DigestService> digests;
  std::unique_ptr<MailWorker> mail_worker;
  std::unique_ptr<inbox::Receiver> receiver;
  std::unique_ptr<PeriodicWorker> mailbox_worker;  // only when mail.pop3.host is set
  std::unique_ptr<privacy::PrivacyService> privacy;
  std::unique_ptr<PeriodicWorker> retention_worker;  // only when privacy.closed_ticket_retention_days > 0
  std::unique_ptr<insights::InsightsService> insights;
  std::unique_ptr<editorial::EditorialService> editorial;
  std::unique_ptr<PeriodicWorker> insights_worker;  // writes search counts, purges old ones, every minute
  std::unique_ptr<DataMetrics> data_metrics;
  std::unique_ptr<view::Renderer> views;
  std::shared_ptr<const i18n::Catalogs> catalogs;
  std::unique_ptr<http::StaticFiles> static_files;
  std::unique_ptr<http::Services> services;
  http::PageCache page_cache;
  http::Router router;
  std::unique_ptr<http::Server> server;
  std::unique_ptr<FileLock> data_lock;  // shared: no restore while this app uses data.dir
};

namespace {
// serve's import of content/, logged; then the memory it used goes back to the system.
void ImportAtStart(store::Pool& pool, const std::string& content_dir) {
  auto db = pool.Acquire();
  if (!db.ok()) {
    core::LogError("import: " + db.status().message());
    return;
  }
  auto report = kb::ImportContent(**db, content_dir);
  if (!report.ok()) {
    core::LogError("import: " + report.status().message());
  } else {
    for (const auto& p : report->problems)
      core::Log(p.warning ? core::LogLevel::kWarning : core::LogLevel::kError, "content: " + p.ToString());
    core::LogInfo("import: " + report->Summary());
  }
  // What the import read (every file, when they changed) is freed, but glibc keeps freed memory in its arenas
  // for later: give it back, or a start that read 100,000 files stays at that size (issue #20).
  malloc_trim(0);
}
}  // namespace

App::App() : impl_(new Impl) {}
App::~App() { Stop(); }

core::StatusOr<std::unique_ptr<App>> App::Create(const Config& config, AppOverrides overrides) {
  markdown::InitMarkdown();
  std::unique_ptr<App> app(new App);
  Impl& m = *app->impl_;
  m.config = config;
  std::error_code dir_error;
  fs::create_directories(config.data_dir, dir_error);
  auto data_lock = LockDataDirShared(config.data_dir);
  if (!data_lock.ok()) return data_lock.status();
  m.data_lock = std::move(data_lock).value();
  // Before anything writes: a damaged database is neither backed up, migrated nor served.
  const core::Clock& clock = overrides.clock ? *overrides.clock : m.system_clock;
  ENTRAIDE_RETURN_IF_ERROR(CheckDataAtStart(config, clock));
  PrepareOptions prepare;
  prepare.backup = overrides.backup_before_migrations;
  auto prepared = PrepareStore(config, prepare);
  if (!prepared.ok()) return prepared.status();
  m.pool = std::make_unique<store::Pool>(config.DatabasePath());

  // Import content; bad files are logged and the rest is served. The first time (nothing imported yet), before
  // serving; afterwards in the background from Start: pages are served at once from what the last import stored,
  // and what changed in the files since appears when the import ends, as with `entraide import` (issue #20: even
  // with nothing to read, 100,000 files cost a second of stat).
  {
    auto db = m.pool->Acquire();
    if (!db.ok()) return db.status();
    auto imported = store::ArticleRepository(**db).AnyArticle();
    if (!imported.ok()) return imported.status();
    m.import_in_background = *imported;
  }
  if (!m.import_in_background) ImportAtStart(*m.pool, config.content_dir);

  auto catalogs = i18n::Catalogs::Load(config.views_dir + "/i18n");
  if (!catalogs.ok()) return catalogs.status();
  m.catalogs = std::move(catalogs).value();
  auto statics = http::StaticFiles::Load(config.views_dir + "/static");
  if (!statics.ok()) return statics.status();
  m.static_files = std::move(statics).value();
  auto views = LoadViews(config, *m.catalogs, m.static_files.get());
  if (!views.ok()) return views.status();
  m.views = std::move(views).value();

  auto resources = search::LoadResources(config.search_dir);
  if (!resources.ok()) return resources.status();
  m.search = std::make_unique<kb::SearchService>(config.data_dir, std::move(resources).value());
  m.index_worker = std::make_unique<IndexWorker>(config.DatabasePath(), config.data_dir, m.search->resources());
  {
    kb::SearchService* search = m.search.get();  // pages are served meanwhile; healthz says "warming"
    m.index_worker->SetReadyHook([search] {
      core::Status st = search->Warm();
      if (!st.ok()) core::LogWarning("search: warming up: " + st.message());
    });
  }

  m.articles = std::make_unique<kb::ArticleService>(*m.pool);
  auth::AuthOptions auth_options = AuthOptionsFor(config);
  if (overrides.hash_cost) auth_options.hash_cost = *overrides.hash_cost;
  m.accounts = std::make_unique<auth::Accounts>(*m.pool, clock, auth_options);
  m.accounts->passwords.Warm();
  m.categories = std::make_unique<tickets::CategoryService>(*m.pool);
  fs::create_directories(config.data_dir + "/attachments", dir_error);
  fs::create_directories(config.data_dir + "/tmp", dir_error);
  // Exports for the account page are removed once open for sending; a process killed meanwhile leaves one.
  for (const auto& entry : fs::directory_iterator(config.data_dir + "/tmp", dir_error))
    if (entry.path().filename().string().rfind("export-", 0) == 0) fs::remove(entry.path(), dir_error);
  m.tickets =
      std::make_unique<tickets::TicketService>(*m.pool, clock, config.data_dir + "/attachments", config.site_base_url);
  m.take_links = std::make_unique<tickets::TakeLinkService>(*m.pool, clock);
  m.questions = std::make_unique<tickets::QuestionService>(*m.pool, clock);
  http::SiteInfo site{config.site_name, config.site_base_url, config.site_default_lang, config.site_account_contact};
  m.services.reset(new http::Services{*m.articles, *m.search, m.accounts->sessions, m.accounts->directory,
                                      *m.categories, *m.tickets, *m.take_links, *m.questions, *m.views, *m.catalogs,
                                      *m.static_files, site});
  m.services->page_cache = &m.page_cache;
  m.services->content_importing = &m.content_importing;
  auto mail = ComposeMail(config, *m.views, *m.pool);
  if (!mail.ok()) return mail.status();
  m.mail_tokens = std::move(mail->tokens);
  m.mail_composer = std::move(mail->composer);
  m.mail_prefs =
      std::make_unique<mail::PreferenceService>(*m.pool, clock, *m.mail_tokens, !config.mail_reply_address.empty());
  m.mail_admin = std::make_unique<mail::OutboxAdmin>(*m.pool, clock);
  auto digests = DigestServiceFor(config, *m.pool, clock, *m.catalogs);
  if (!digests.ok()) return digests.status();
  m.digests = std::move(digests).value();
  m.mail_worker = std::make_unique<MailWorker>(MailTransportFor(config), *m.pool, clock, *m.mail_composer,
                                               config.mail_poll_seconds, m.digests.get(), MailSenderOptionsFor(config));
  {
    MailWorker* worker = m.mail_worker.get();  // acknowledgements, alerts and replies go out at once, not at the poll
    m.tickets->SetMailQueuedHook([worker] { worker->Poke(); });
  }
  m.services->mail_prefs = m.mail_prefs.get();
  fs::create_directories(config.MailInDir(), dir_error);
  m.receiver =
      std::make_unique<inbox::Receiver>(*m.pool, clock, m.accounts->sessions, *m.tickets, ReceiverOptionsFor(config));
  m.services->receiver = m.receiver.get();
  if (!config.mail_pop3_host.empty()) {
    inbox::Receiver* receiver = m.receiver.get();
    MailWorker* sender = m.mail_worker.get();
    m.mailbox_worker = std::make_unique<PeriodicWorker>(config.mail_pop3_poll_seconds, [config, receiver, sender] {
      if (PollMailbox(config, *receiver) > 0) sender->Poke();
    });
  }
  m.services->mail_admin = m.mail_admin.get();
  m.privacy = std::make_unique<privacy::PrivacyService>(*m.pool, clock, *m.catalogs, PrivacyOptionsFor(config));
  m.services->privacy = m.privacy.get();
  if (config.privacy_closed_ticket_retention_days > 0) {
    privacy::PrivacyService* service = m.privacy.get();
    m.retention_worker = std::make_unique<PeriodicWorker>(3600, [service] {
      auto report = service->ApplyRetention();
      if (!report.ok() && report.status().code() != core::StatusCode::kUnavailable)
        core::LogError("privacy: retention failed: " + report.status().message());
    });
  }
  {
    insights::Options o;
    o.search_log_days = config.insights_search_log_days;
    auto targets = tickets::ParseResponseTargets(config.helpdesk_first_answer_hours);
    if (!targets.ok()) return targets.status();
    o.targets = *targets;
    m.insights = std::make_unique<insights::InsightsService>(*m.pool, clock, o);
    m.services->insights = m.insights.get();
    m.tickets->SetResponseTargets(o.targets);
    insights::InsightsService* service = m.insights.get();
    m.insights_worker = std::make_unique<PeriodicWorker>(60, [service] {
      core::Status st = service->Maintain();
      if (!st.ok() && st.code() != core::StatusCode::kUnavailable)
        core::LogError("insights: maintenance failed: " + st.message());
    });
  }
  {
    m.editorial = std::make_unique<editorial::EditorialService>(*m.pool, clock);
    IndexWorker* worker = m.index_worker.get();  // a published change reaches search within a second
    m.editorial->SetPublishedHook([worker] { worker->Poke(); });
    m.services->editorial = m.editorial.get();
  }
  http::RegisterMetrics(m.router, *m.services, config.metrics_token);  // before /{lang} takes the path
  http::RegisterMail(m.router, *m.services);
  http::RegisterTakeLinks(m.router, *m.services);
  http::RegisterMailIn(m.router, *m.services);
  http::RegisterApi(m.router, *m.services);
  http::RegisterSearch(m.router, *m.services);
  http::RegisterSignIn(m.router, *m.services);
  http::RegisterAccounts(m.router, *m.services);
  http::RegisterSessionApi(m.router, *m.services);
  http::RegisterAdmin(m.router, *m.services);
  http::RegisterDashboard(m.router, *m.services);
  http::RegisterSavedReplies(m.router, *m.services);
  http::RegisterTickets(m.router, *m.services);
  http::RegisterTicketApi(m.router, *m.services);
  http::RegisterEditorPages(m.router, *m.services);  // before /{lang}/articles/{slug} takes .../new
  http::RegisterPages(m.router, *m.services);
  m.data_metrics = std::make_unique<DataMetrics>(*m.pool, clock, config.DatabasePath());

  http::ServerOptions options;
  options.host = config.http_host;
  options.port = config.http_port;
  options.threads = config.http_threads;
  options.event_loops = config.http_event_loops;
  options.queue = config.http_queue;
  options.keepalive_timeout_s = config.http_keepalive_timeout;
  options.max_keepalive_requests = config.http_max_keepalive_requests;
  options.header_timeout_s = config.http_header_timeout;
  options.min_rate_bytes = config.http_min_rate;
  options.max_connections_per_address = config.http_max_connections_per_address;
  options.max_connections = config.http_max_connections;
  options.trusted_proxies = config.http_trusted_proxies;
  options.max_parallel_uploads = config.http_max_parallel_uploads;
  options.access_log = config.http_access_log;
  options.upload_dir = config.data_dir + "/tmp";
  const http::Services* services = m.services.get();
  http::Fallbacks fallbacks;
  fallbacks.error_page = [services](const http::Request& req, int status) {
    return http::ErrorPage(*services, req, status);
  };
  fallbacks.upload_check = [services](const http::Request& req) { return http::CheckUploadSession(*services, req); };
  m.server = std::make_unique<http::Server>(m.router, options, fallbacks);
  m.services->metrics_sources = {m.server.get(), &m.accounts->sessions, m.data_metrics.get()};
  return app;
}

core::Status App::Start() {
  impl_->index_worker->Start();
  if (impl_->import_in_background && !impl_->content_import.joinable()) {
    impl_->content_importing = true;
    Impl* m = impl_.get();
    impl_->content_import = std::thread([m] {
      ImportAtStart(*m->pool, m->config.content_dir);
      m->content_importing = false;
      m->index_worker->Poke();  // what changed reaches search at once
    });
  }
  impl_->mail_worker->Start();
  if (impl_->mailbox_worker) impl_->mailbox_worker->Start();
  if (impl_->retention_worker) impl_->retention_worker->Start();
  impl_->insights_worker->Start();
  ENTRAIDE_RETURN_IF_ERROR(impl_->server->Start());
  core::LogInfo("listening on http://" + impl_->config.http_host + ":" + std::to_string(impl_->server->port()) +
                " (data in " + impl_->config.data_dir + ")");
  return core::Status::Ok();
}

auth::Accounts& App::accounts() { return *impl_->accounts; }

int App::port() const { return impl_->server ? impl_->server->port() : 0; }

void App::Stop() {
  if (impl_ && impl_->server) impl_->server->Stop();
  if (impl_ && impl_->content_import.joinable()) impl_->content_import.join();  // an import is not interrupted
  if (impl_ && impl_->index_worker) impl_->index_worker->Stop();
  if (impl_ && impl_->mailbox_worker) impl_->mailbox_worker->Stop();
  if (impl_ && impl_->mail_worker) impl_->mail_worker->Stop();
  if (impl_ && impl_->retention_worker) impl_->retention_worker->Stop();
  if (impl_ && impl_->insights_worker) impl_->insights_worker->Stop();
  if (impl_ && impl_->insights) (void)impl_->insights->Maintain();  // the counts of the last minute
}

bool App::WaitForIndex(int timeout_ms) {
  impl_->index_worker->Poke();
  return impl_->index_worker->WaitIdle(timeout_ms);
}

bool App::PollMailboxNow(int timeout_ms) { return impl_->mailbox_worker && impl_->mailbox_worker->RunNow(timeout_ms); }

bool App::DeliverMail(int timeout_ms) { return impl_->mail_worker->DeliverNow(timeout_ms); }

bool App::MaintainInsightsNow(int timeout_ms) { return impl_->insights_worker->RunNow(timeout_ms); }

bool App::ApplyRetentionNow(int timeout_ms) {
  return impl_->retention_worker && impl_->retention_worker->RunNow(timeout_ms);
}

}  // namespace entraide::app
