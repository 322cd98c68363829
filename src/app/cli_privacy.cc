// `export` and `erase`: what Québec's Law 25 asks, from the machine's command line (its operator acts for the
// coordinators): a person's or a group's data as a ZIP, and erasing a person's identity. Safe while serve runs on
// the same data dir.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <memory>

#include "app/app.h"
#include "app/commands.h"
#include "core/clock.h"
#include "core/strings.h"
#include "i18n/catalog.h"
#include "privacy/privacy_service.h"
#include "store/pool.h"

namespace entraide::app {
namespace {

// The store, prepared, with a PrivacyService over it, for one command.
struct Privacy {
  static core::StatusOr<std::unique_ptr<Privacy>> Open(const Config& config) {
    ENTRAIDE_RETURN_IF_ERROR(PrepareStore(config));
    auto catalogs = i18n::Catalogs::Load(config.views_dir + "/i18n");
    if (!catalogs.ok()) return catalogs.status();
    return std::unique_ptr<Privacy>(new Privacy(config, std::move(catalogs).value()));
  }
  Privacy(const Config& config, std::shared_ptr<const i18n::Catalogs> c)
      : pool(config.DatabasePath()),
        catalogs(std::move(c)),
        service(pool, clock, *catalogs, PrivacyOptionsFor(config)) {}
  store::Pool pool;
  core::SystemClock clock;
  std::shared_ptr<const i18n::Catalogs> catalogs;
  privacy::PrivacyService service;
};

struct ExportArgs {
  std::string person, group, out;
};

int RunExport(const Config& config, const ExportArgs& a) {
  auto p = Privacy::Open(config);
  if (!p.ok()) return Fail(p.status());
  std::string out = a.out;
  if (out.empty()) {
    std::string date = core::FormatIso8601Utc((*p)->clock.NowSeconds()).substr(0, 10);
    std::string who = a.group;
    if (who.empty()) {
      auto person = (*p)->service.FindPerson(a.person);
      if (!person.ok()) return Fail(person.status());
      who = "person-" + std::to_string(person->id);  // never the address in a file name
    }
    out = "entraide-export-" + who + "-" + date + ".zip";
  }
  std::error_code ec;
  if (std::filesystem::exists(out, ec)) return Fail(core::AlreadyExists(out + " exists already: choose another --out"));
  auto summary = a.group.empty() ? (*p)->service.ExportPerson(a.person, out) : (*p)->service.ExportGroup(a.group, out);
  if (!summary.ok()) return Fail(summary.status());
  std::cout << "wrote " << out << ": " << summary->tickets << " tickets, " << summary->events << " events, "
            << summary->files << " files (" << (summary->file_bytes + 1023) / 1024 << " KiB)";
  if (summary->missing_files) std::cout << "; " << summary->missing_files << " files listed but missing on disk";
  std::cout << "\n";
  return 0;
}

int RunErase(const Config& config, const std::string& email, bool yes) {
  auto p = Privacy::Open(config);
  if (!p.ok()) return Fail(p.status());
  auto person = (*p)->service.FindPerson(email);
  if (!person.ok()) return Fail(person.status());
  if (!yes) {
    std::cout << "This removes for good the identity of " << person->name << " <" << person->email << "> ("
              << model::ToString(person->role) << ", id " << person->id
              << "): name, email, password, sessions, links, email\n"
              << "preferences, group memberships and the messages to them. Their tickets and replies stay, signed\n"
              << "\"a former member\". Backups made before keep them until they are deleted.\n"
              << "Type the email address again to go on: " << std::flush;
    std::string line;
    std::getline(std::cin, line);
    if (core::ToLowerAscii(core::Trim(line)) != core::ToLowerAscii(person->email)) {
      std::cerr << "entraide: not confirmed: nothing erased\n";
      return 1;
    }
  }
  auto report = (*p)->service.Erase(email);
  if (!report.ok()) return Fail(report.status());
  const auto& n = report->counts;
  std::cout << "erased person " << report->user_id << " (now " << report->placeholder_email << "): " << n.mail_deleted
            << " messages to them deleted, " << n.mail_scrubbed << " messages to others cleaned, " << n.sessions
            << " sessions, " << n.tokens << " links, " << n.take_links << " take links, " << n.memberships
            << " memberships, " << n.preferences << " email preferences removed; " << n.tickets_released
            << " open tickets released; " << report->mail_files << " .eml files deleted\n";
  if (!report->wal_emptied)
    std::cout << "note: the database's write-ahead log (entraide.db-wal) could not be emptied now (a reader held\n"
                 "it) and may still hold the old rows: restart serve, which empties it when it stops.\n";
  return 0;
}

}  // namespace

void AddPrivacyCommands(CLI::App& app, CliContext& ctx) {
  auto ea = std::make_shared<ExportArgs>();
  auto* exp = app.add_subcommand("export", "a person's or a group's data as a ZIP (data.json and files)");
  auto* person = exp->add_option("--person", ea->person, "the person's email address");
  auto* group = exp->add_option("--group", ea->group, "the group's slug");
  person->excludes(group);
  exp->add_option("--out", ea->out, "the ZIP file to write (default: entraide-export-<who>-<date>.zip here)");
  exp->footer(
      "A person's export: profile, groups, email preferences, sessions, the tickets they opened with their\n"
      "public history, everything they wrote, the files they attached, the emails sent to them.\n"
      "A group's: the group, its members' names and addresses, its tickets with their public history and\n"
      "files. Internal notes are never in a group's export, nor another group's tickets.");
  exp->callback([&ctx, ea, person, group] {
    if (person->count() + group->count() != 1) throw CLI::RequiredError("--person or --group");
    ctx.run = [ea](const Config& c) { return RunExport(c, *ea); };
  });

  auto email = std::make_shared<std::string>();
  auto yes = std::make_shared<bool>(false);
  auto* erase = app.add_subcommand("erase", "remove a person's identity for good (their replies stay, unsigned)");
  erase->add_option("--person", *email, "the person's email address")->required();
  erase->add_flag("--yes", *yes, "do not ask to type the address again");
  erase->footer(
      "Removes their name, email, password, sessions, links, email preferences, memberships and the\n"
      "messages to them; their name in messages to others and in ticket history becomes \"a former\n"
      "member\". Their tickets, replies and files stay. Backups keep the old data until deleted.");
  erase->callback(
      [&ctx, email, yes] { ctx.run = [email, yes](const Config& c) { return RunErase(c, *email, *yes); }; });
}

}  // namespace entraide::app
