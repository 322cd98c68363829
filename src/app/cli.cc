#include "app/cli.h"

#include <signal.h>

#include <Poco/Util/ServerApplication.h>

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "app/app.h"
#include "app/config.h"
#include "app/mail_worker.h"
#include "i18n/catalog.h"
#include "mail/composer.h"
#include "mail/digest.h"
#include "mail/sender.h"
#include "store/mail_repo.h"
#include "view/renderer.h"
#include "auth/auth_service.h"
#include "store/pool.h"
#include "core/log.h"
#include "kb/importer.h"
#include "kb/search_sync.h"
#include "search/index.h"
#include "search/resources.h"
#include "markdown/markdown.h"
#include "store/database.h"

namespace entraide::app {
namespace {

const char* kUsage =
    "Usage: entraide [--config FILE] COMMAND [options]\n"
    "\n"
    "Commands:\n"
    "  serve          migrate, import content/, then serve HTTP until SIGTERM or SIGINT\n"
    "  migrate        apply the database migrations that are missing\n"
    "  import         import content/ into the store (only what changed)\n"
    "  check-content  validate content/ without writing anything\n"
    "  reindex        rebuild the search index from the store and swap it in atomically\n"
    "  group add      --slug SLUG --name NAME [--lang fr|en]\n"
    "  user add       --email E --name N --role member|volunteer|coordinator [--group SLUG]... [--lang fr|en]\n"
    "                 [--password-stdin]   (without a password, an invitation is queued)\n"
    "  user list      everyone, with role, language, groups and state\n"
    "  user link      --email E: print a fresh single-use link: the invitation while unused, else sign-in\n"
    "  mail send      deliver the emails that are due (one pass, for cron); --retry-now: every pending one\n"
    "  mail status    how many emails are pending, sent, failed; the newest failures\n"
    "  digest         --kind daily|weekly|coordinator [--dry-run] [--to EMAIL]: queue this period's digests\n"
    "\n"
    "Options:\n"
    "  --config FILE  configuration file (default: config/entraide.ini)\n"
    "  --help         help for a command: entraide COMMAND --help\n"
    "\n"
    "Every configuration key can be set by an environment variable: ENTRAIDE_ + the key in capitals,\n"
    "dots as underscores (http.port -> ENTRAIDE_HTTP_PORT, data.dir -> ENTRAIDE_DATA_DIR).\n";

const char* HelpFor(const std::string& cmd) {
  if (cmd == "serve")
    return "Usage: entraide serve [--config FILE]\n\n"
           "Applies missing migrations, imports content/ (bad files are logged, the rest is served), and serves\n"
           "HTTP on http.host:http.port. SIGTERM or SIGINT: requests in flight finish, then exit 0.\n";
  if (cmd == "migrate")
    return "Usage: entraide migrate [--config FILE]\n\n"
           "Applies the migrations of migrations.dir that the database in data.dir does not have yet.\n"
           "Refuses (exit 1) when an applied migration's file was changed.\n";
  if (cmd == "import")
    return "Usage: entraide import [--config FILE]\n\n"
           "Imports content.dir into the store: renders only the files that changed, unpublishes articles whose\n"
           "file is gone, reports each bad file with its path, line and reason, and exits 1 if any failed.\n";
  if (cmd == "reindex")
    return "Usage: entraide reindex [--config FILE]\n\n"
           "Rebuilds the search index from every published article into a fresh folder under data.dir, then\n"
           "swaps it in atomically: searches keep using the old index until the new one is complete, and a crash\n"
           "leaves the old one serving. Shows progress (done/total, rate) on a terminal. Safe while serve runs.\n";
  if (cmd == "group")
    return "Usage: entraide group add --slug SLUG --name NAME [--lang fr|en]\n\n"
           "Creates a member group. Safe while serve runs on the same data dir.\n";
  if (cmd == "user")
    return "Usage: entraide user add --email E --name N --role member|volunteer|coordinator [--group SLUG]...\n"
           "                         [--lang fr|en] [--password-stdin]\n"
           "       entraide user list\n"
           "       entraide user link --email E\n\n"
           "add: creates a person; with --password-stdin the password is read from standard input (checked like\n"
           "on the site), otherwise an invitation email is queued. link: makes and prints a fresh single-use link for\n"
           "E: an invitation (7 days) while E's invitation is unused, else a sign-in link (15 minutes). Only its\n"
           "hash is stored (for the first coordinator, before mail is set up; links in sent mail are erased).\n";
  if (cmd == "mail")
    return "Usage: entraide mail send [--retry-now]\n"
           "       entraide mail status\n\n"
           "send: one delivery pass over the outbox, as serve's sender does every mail.poll_seconds: through\n"
           "mail.smtp.host, or as .eml files in data.dir/mail when no host is set. A message that fails is retried\n"
           "1 minute later, then 2, 4 ... up to every 6 hours, and marked failed 48 hours after it was queued.\n"
           "--retry-now makes every pending message due at once (after fixing the SMTP settings). Safe while serve\n"
           "runs: two senders never send one message. status: counts by state and the newest failed messages.\n";
  if (cmd == "digest")
    return "Usage: entraide digest --kind daily|weekly|coordinator [--dry-run] [--to EMAIL]\n\n"
           "Queues the digests of the current period, for cron users (serve does it by itself at 08:00 in\n"
           "mail.timezone, weekly ones on Mondays). A period starts at 08:00 local time: run it at 08:00 or later.\n"
           "  daily        every digest whose frequency is daily (the volunteer digest by default)\n"
           "  weekly       every digest whose frequency is weekly (group digests, coordinator summaries by default)\n"
           "  coordinator  the coordinator summaries, at each coordinator's frequency\n"
           "Each person gets one message per digest and period, however often this runs; a digest with nothing in\n"
           "it is not queued. The sender delivers them (serve, or entraide mail send).\n"
           "  --dry-run    print what would be queued (recipient, subject, item counts) and queue nothing\n"
           "  --to EMAIL   only that person's digests\n";
  if (cmd == "check-content")
    return "Usage: entraide check-content [--config FILE]\n\n"
           "Validates content.dir without writing: front matter, duplicate slugs and keys, categories, rendering\n"
           "and links between articles. Prints each problem; exits 1 on any error or warning.\n";
  return nullptr;
}

int Fail(const core::Status& st) {
  std::cerr << "entraide: " << st.message() << "\n";
  return 1;
}

core::LogLevel ParseLevel(const std::string& s) {
  if (s == "debug") return core::LogLevel::kDebug;
  if (s == "warn") return core::LogLevel::kWarning;
  if (s == "error") return core::LogLevel::kError;
  return core::LogLevel::kInfo;
}

class ServeApp : public Poco::Util::ServerApplication {
 public:
  explicit ServeApp(const Config& config) : config_(config) {}

 protected:
  int main(const std::vector<std::string>&) override {
    // Poco's Application::run installed its own handlers just before calling main (they turn SIGSEGV and SIGBUS
    // into C++ exceptions, which end in an abort that hides the signal): take them back.
    core::InstallFatalSignalLogger();
    auto app = App::Create(config_);
    if (!app.ok()) {
      std::cerr << "entraide: " << app.status().message() << "\n";
      return app.status().code() == core::StatusCode::kInvalidArgument ? 2 : 1;
    }
    core::Status st = (*app)->Start();
    if (!st.ok()) {
      std::cerr << "entraide: " << st.message() << "\n";
      return 1;
    }
    waitForTerminationRequest();
    core::LogInfo("stopping: finishing requests in flight");
    (*app)->Stop();
    core::LogInfo("stopped");
    return 0;
  }

 private:
  const Config& config_;
};

// `group ...` and `user ...`: returns the exit code.
int RunPeopleCommand(const Config& config, const std::string& command, const std::vector<std::string>& rest) {
  if (rest.empty()) {
    std::cerr << HelpFor(command);
    return 2;
  }
  std::string verb = rest[0];
  std::map<std::string, std::string> opt;
  std::vector<std::string> groups;
  bool password_stdin = false;
  for (size_t i = 1; i < rest.size(); ++i) {
    const std::string& a = rest[i];
    if (a == "--password-stdin") {
      password_stdin = true;
    } else if (a.rfind("--", 0) == 0 && i + 1 < rest.size()) {
      if (a == "--group") groups.push_back(rest[++i]);
      else opt[a.substr(2)] = rest[++i];
    } else {
      std::cerr << "entraide: unexpected '" << a << "'\n" << HelpFor(command);
      return 2;
    }
  }
  core::Status st = PrepareStore(config);
  if (!st.ok()) return Fail(st);
  store::Pool pool(config.DatabasePath());
  core::SystemClock clock;
  auth::AuthService auth(pool, clock, AuthOptionsFor(config));
  std::string lang = opt.count("lang") ? opt["lang"] : config.site_default_lang;
  if (command == "group" && verb == "add") {
    if (!opt.count("slug") || !opt.count("name")) {
      std::cerr << "entraide: group add needs --slug and --name\n";
      return 2;
    }
    auto id = auth.AddGroupCli(opt["slug"], opt["name"], lang);
    if (!id.ok()) return Fail(id.status());
    std::cout << "group " << opt["slug"] << " created (id " << *id << ")\n";
    return 0;
  }
  if (command == "user" && verb == "add") {
    if (!opt.count("email") || !opt.count("name") || !opt.count("role")) {
      std::cerr << "entraide: user add needs --email, --name and --role\n";
      return 2;
    }
    std::optional<std::string> password;
    if (password_stdin) {
      std::string line;
      std::getline(std::cin, line);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      password = line;
    }
    auto id = auth.AddUserCli(opt["email"], opt["name"], opt["role"], groups, lang, password);
    if (!id.ok()) return Fail(id.status());
    std::cout << "user " << opt["email"] << " created (id " << *id << ")"
              << (password ? "" : "; invitation queued: entraide user link --email " + opt["email"]) << "\n";
    return 0;
  }
  if (command == "user" && verb == "list") {
    auto people = auth.ListPeopleCli();
    if (!people.ok()) return Fail(people.status());
    for (const auto& p : *people) {
      std::string gs;
      for (const auto& g : p.groups) gs += (gs.empty() ? "" : ",") + g.slug;
      std::cout << p.user.id << "\t" << p.user.email << "\t" << p.user.name << "\t" << p.user.role << "\t"
                << p.user.lang << "\t" << (gs.empty() ? "-" : gs) << "\t" << (p.user.active ? "active" : "inactive")
                << "\n";
    }
    return 0;
  }
  if (command == "user" && verb == "link") {
    if (!opt.count("email")) {
      std::cerr << "entraide: user link needs --email\n";
      return 2;
    }
    auto link = auth.IssueLinkCli(opt["email"]);
    if (!link.ok()) return Fail(link.status());
    std::cout << *link << "\n";
    return 0;
  }
  std::cerr << "entraide: unknown command '" << command << " " << verb << "'\n" << HelpFor(command);
  return 2;
}

// What composing messages needs, as serve has it: the views with the catalogs as globals (mail templates use
// t.*), the unsubscribe secret, and the Composer over them.
struct MailComposition {
  std::unique_ptr<view::Renderer> views;
  std::unique_ptr<mail::UnsubscribeTokens> tokens;
  std::unique_ptr<mail::Composer> composer;
};

core::StatusOr<MailComposition> LoadComposer(const Config& config, const i18n::Catalogs& catalogs, store::Pool& pool) {
  MailComposition m;
  auto views = view::Renderer::Load(config.views_dir);
  if (!views.ok()) return views.status();
  m.views = std::move(views).value();
  for (const auto& lang : i18n::SupportedLangs()) {
    view::Value t = view::Value::Object();
    for (const auto& [k, v] : catalogs.For(lang).strings()) t.Set(k, v);
    m.views->SetGlobals(lang, view::Value::Object().Set("t", std::move(t)));
  }
  auto db = pool.Acquire();
  if (!db.ok()) return db.status();
  auto tokens = mail::UnsubscribeTokens::Load(**db);
  if (!tokens.ok()) return tokens.status();
  m.tokens = std::make_unique<mail::UnsubscribeTokens>(std::move(tokens).value());
  m.composer = std::make_unique<mail::Composer>(*m.views, *m.tokens, MailComposerOptionsFor(config));
  return m;
}

// `mail send [--retry-now]`, `mail status`: returns the exit code.
int RunMailCommand(const Config& config, const std::vector<std::string>& rest) {
  std::string verb = rest.empty() ? "" : rest[0];
  bool retry_now = rest.size() == 2 && rest[1] == "--retry-now";
  if (!((verb == "send" && (rest.size() == 1 || retry_now)) || (verb == "status" && rest.size() == 1))) {
    std::cerr << HelpFor("mail");
    return 2;
  }
  core::Status st = PrepareStore(config);
  if (!st.ok()) return Fail(st);
  store::Pool pool(config.DatabasePath());
  if (verb == "status") {
    auto db = pool.Acquire();
    if (!db.ok()) return Fail(db.status());
    store::MailRepository repo(**db);
    auto counts = repo.Counts();
    if (!counts.ok()) return Fail(counts.status());
    std::cout << "pending " << counts->pending << ", sending " << counts->sending << ", sent " << counts->sent
              << ", failed " << counts->failed << ", skipped " << counts->skipped << "\n";
    auto failed = repo.Failed(20);
    if (!failed.ok()) return Fail(failed.status());
    for (const auto& f : *failed)
      std::cout << f.id << "\t" << core::FormatIso8601Utc(f.created_at) << "\t" << f.kind << "\t" << f.recipient_email
                << "\t" << f.last_error << "\n";
    return 0;
  }
  auto catalogs = i18n::Catalogs::Load(config.views_dir + "/i18n");
  if (!catalogs.ok()) return Fail(catalogs.status());
  auto mail = LoadComposer(config, **catalogs, pool);
  if (!mail.ok()) return Fail(mail.status());
  const mail::Composer& composer = *mail->composer;
  auto transport = MailTransportFor(config);
  core::SystemClock clock;
  mail::Sender sender(pool, clock, composer, *transport, MailSenderOptionsFor(config));
  auto report = sender.RunOnce(retry_now);
  if (!report.ok()) return Fail(report.status());
  std::cout << "mail: " << report->Summary() << " (" << transport->Describe() << ")\n";
  return 0;
}

// `digest --kind daily|weekly|coordinator [--dry-run] [--to EMAIL]`: returns the exit code.
int RunDigestCommand(const Config& config, const std::vector<std::string>& rest) {
  std::string kind, to;
  bool dry_run = false;
  for (size_t i = 0; i < rest.size(); ++i) {
    const std::string& a = rest[i];
    if (a == "--dry-run") {
      dry_run = true;
    } else if ((a == "--kind" || a == "--to") && i + 1 < rest.size()) {
      (a == "--kind" ? kind : to) = rest[++i];
    } else {
      std::cerr << "entraide: digest: unexpected '" << a << "'\n" << HelpFor("digest");
      return 2;
    }
  }
  if (kind.empty()) {
    std::cerr << "entraide: digest needs --kind daily, weekly or coordinator\n" << HelpFor("digest");
    return 2;
  }
  auto run = mail::ParseDigestRun(kind);
  if (!run.ok()) {
    std::cerr << "entraide: digest: " << run.status().message() << "\n";
    return 2;
  }
  core::Status st = PrepareStore(config);
  if (!st.ok()) return Fail(st);
  auto catalogs = i18n::Catalogs::Load(config.views_dir + "/i18n");
  if (!catalogs.ok()) return Fail(catalogs.status());
  store::Pool pool(config.DatabasePath());
  core::SystemClock clock;
  auto digests = DigestServiceFor(config, pool, clock, **catalogs);
  if (!digests.ok()) return Fail(digests.status());
  auto report = (*digests)->Run(*run, dry_run, to);
  if (!report.ok()) {
    std::cerr << "entraide: digest: " << report.status().message() << "\n";
    return report.status().code() == core::StatusCode::kNotFound ? 2 : 1;
  }
  if (dry_run) {
    // The subject as the recipient will see it: composed from the same templates as the real message.
    auto mail = LoadComposer(config, **catalogs, pool);
    if (!mail.ok()) return Fail(mail.status());
    const mail::Composer& composer = *mail->composer;
    for (const auto& d : report->digests) {
      auto composed = composer.Compose({d.message, 0, "<dry-run@" + composer.Domain() + ">"}, clock.NowSeconds());
      std::string counts;
      for (const auto& [name, n] : d.counts) counts += (counts.empty() ? "" : ", ") + name + " " + std::to_string(n);
      std::cout << d.message.recipient_email << "\t" << d.message.kind << "\t" << *d.message.dedupe_key << "\t"
                << (composed.ok() ? composed->subject : "(" + composed.status().message() + ")") << "\t" << counts
                << "\n";
    }
    std::cout << "digest --dry-run: " << report->digests.size() << " would be queued, " << report->already_queued
              << " already queued, " << report->empty << " empty; nothing was queued\n";
    return 0;
  }
  std::cout << "digest: " << report->Summary() << "\n";
  return 0;
}

}  // namespace

int RunCli(int argc, char** argv) {
  core::InstallFatalSignalLogger();
  // Everything serve and the commands create under data.dir (the database and its -wal, the search index,
  // attachments, .eml files) is for this user alone: files 0600, folders 0700.
  umask(077);
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string config_path = "config/entraide.ini";
  bool config_given = false, help = false;
  std::string command;
  std::vector<std::string> rest;  // the command's own words and options
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      help = true;
    } else if (a == "--config") {
      if (i + 1 >= args.size()) {
        std::cerr << "entraide: --config needs a file\n";
        return 2;
      }
      config_path = args[++i];
      config_given = true;
    } else if (a.rfind("--config=", 0) == 0) {
      config_path = a.substr(9);
      config_given = true;
    } else if (command.empty() && a.rfind("-", 0) != 0) {
      command = a;
    } else if (command == "group" || command == "user" || command == "mail" || command == "digest") {
      rest.push_back(a);
    } else {
      std::cerr << "entraide: unknown argument '" << a << "'\n" << kUsage;
      return 2;
    }
  }
  if (command.empty() || command == "help") {
    std::cout << kUsage;
    return command.empty() && !help ? 2 : 0;
  }
  const char* cmd_help = HelpFor(command);
  if (!cmd_help) {
    std::cerr << "entraide: unknown command '" << command << "'\n" << kUsage;
    return 2;
  }
  if (help) {
    std::cout << cmd_help;
    return 0;
  }

  auto config = LoadConfig(config_path, config_given, [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    return v ? std::optional<std::string>(v) : std::nullopt;
  });
  if (!config.ok()) {
    std::cerr << "entraide: configuration: " << config.status().message() << "\n";
    return 2;
  }
  core::SetLogLevel(ParseLevel(config->log_level));
  markdown::InitMarkdown();

  if (command == "migrate") {
    core::Status st = PrepareStore(*config);
    if (!st.ok()) return Fail(st);
    std::cout << "database ready: " << config->DatabasePath() << "\n";
    return 0;
  }
  if (command == "import") {
    core::Status st = PrepareStore(*config);
    if (!st.ok()) return Fail(st);
    auto db = store::Database::Open(config->DatabasePath());
    if (!db.ok()) return Fail(db.status());
    auto report = kb::ImportContent(**db, config->content_dir);
    if (!report.ok()) return Fail(report.status());
    for (const auto& p : report->problems) std::cerr << p.ToString() << "\n";
    std::cout << "import: " << report->Summary() << "\n";
    // Bring the search index up to date, unless serve's worker is writing it (it will do so itself).
    auto resources = search::LoadResources(config->search_dir);
    if (!resources.ok()) return Fail(resources.status());
    if (!search::IndexExists(config->data_dir)) {
      auto n = kb::RebuildIndex(**db, config->data_dir, *resources, nullptr, false);
      if (n.ok()) std::cout << "search: index built with " << *n << " documents\n";
      else std::cout << "search: " << n.status().message() << "\n";
    } else {
      auto sync = kb::DrainIndexQueue(**db, config->data_dir, *resources);
      if (sync.ok()) std::cout << "search: " << sync->indexed << " indexed, " << sync->deleted << " removed\n";
      else std::cout << "search: " << sync.status().message() << " (serve's worker will update the index)\n";
    }
    return report->has_errors() ? 1 : 0;
  }
  if (command == "check-content") {
    auto problems = kb::CheckContent(config->content_dir);
    for (const auto& p : problems) std::cout << p.ToString() << "\n";
    std::cout << "check-content: " << (problems.empty() ? "no problems" : std::to_string(problems.size()) + " problem(s)")
              << " in " << config->content_dir << "\n";
    return problems.empty() ? 0 : 1;
  }
  if (command == "reindex") {
    core::Status st = PrepareStore(*config);
    if (!st.ok()) return Fail(st);
    auto resources = search::LoadResources(config->search_dir);
    if (!resources.ok()) return Fail(resources.status());
    auto db = store::Database::Open(config->DatabasePath());
    if (!db.ok()) return Fail(db.status());
    bool tty = isatty(1);
    auto start = std::chrono::steady_clock::now();
    auto progress = [&](int done, int total) {
      if (!tty || (done % 50 != 0 && done != total)) return;
      double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::printf("\rreindex: %d/%d documents, %.0f/s   ", done, total, secs > 0 ? done / secs : 0.0);
      std::fflush(stdout);
    };
    auto n = kb::RebuildIndex(**db, config->data_dir, *resources, progress, true);
    if (tty) std::printf("\n");
    if (!n.ok()) return Fail(n.status());
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("reindex: %d documents in %.2f s\n", *n, secs);
    return 0;
  }
  if (command == "group" || command == "user") return RunPeopleCommand(*config, command, rest);
  if (command == "mail") return RunMailCommand(*config, rest);
  if (command == "digest") return RunDigestCommand(*config, rest);
  if (command == "serve") {
    // Block the termination signals in every thread before any starts, so only the main thread's
    // sigwait (in waitForTerminationRequest) receives them.
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGQUIT);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    signal(SIGPIPE, SIG_IGN);
    ServeApp serve(*config);
    std::vector<std::string> poco_args = {"entraide"};
    return serve.run(poco_args);
  }
  return 2;
}

}  // namespace entraide::app
