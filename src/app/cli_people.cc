// `group add|list`, `user add|list|link`: people and groups from the machine's command line. Its operator acts as
// a coordinator (auth::Principal::System()) through the same service methods as the administration pages, so the
// checks and the policy are the same. Safe while serve runs on the same data dir.
#include <CLI/CLI.hpp>
#include <iostream>
#include <optional>

#include "app/app.h"
#include "app/commands.h"
#include "auth/accounts.h"
#include "core/json_writer.h"
#include "store/pool.h"

namespace entraide::app {

namespace {

// The store, prepared, with the account services over it, for one command; `by`: who acts.
struct People {
  explicit People(const Config& config) : pool(config.DatabasePath()), accounts(pool, clock, AuthOptionsFor(config)) {}
  store::Pool pool;
  core::SystemClock clock;
  auth::Accounts accounts;
  const auth::Principal by = auth::Principal::System();
};

// A person's name for the listing: an erased person has none left.
std::string Name(const model::User& u) { return u.erased_at ? "-" : u.name; }

struct GroupAdd {
  std::string slug, name, lang;
};

struct UserAdd {
  std::string email, name, role, lang;
  std::vector<std::string> groups;
  bool password_stdin = false;
};

int RunGroupAdd(const Config& config, const GroupAdd& a) {
  core::Status st = PrepareStore(config);
  if (!st.ok()) return Fail(st);
  People p(config);
  auto id = p.accounts.directory.CreateGroup(p.by, a.slug, a.name, a.lang.empty() ? config.site_default_lang : a.lang);
  if (!id.ok()) return Fail(id.status());
  std::cout << "group " << a.slug << " created (id " << *id << ")\n";
  return 0;
}

int RunUserAdd(const Config& config, const UserAdd& a) {
  core::Status st = PrepareStore(config);
  if (!st.ok()) return Fail(st);
  std::optional<std::string> password;
  if (a.password_stdin) {
    std::string line;
    std::getline(std::cin, line);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    password = line;
  }
  auto role = model::ParseRole(a.role);
  if (!role.ok()) return Fail(role.status());
  People p(config);
  auto id = p.accounts.directory.AddPerson(p.by, a.email, a.name, *role, a.groups,
                                           a.lang.empty() ? config.site_default_lang : a.lang, password);
  if (!id.ok()) return Fail(id.status());
  std::cout << "user " << a.email << " created (id " << *id << ")"
            << (password ? "" : "; invitation queued: entraide user link --email " + a.email) << "\n";
  return 0;
}

int RunUserList(const Config& config, bool json) {
  core::Status st = PrepareStore(config);
  if (!st.ok()) return Fail(st);
  People p(config);
  auto people = p.accounts.directory.ListPeople(p.by);
  if (!people.ok()) return Fail(people.status());
  if (json) {
    core::JsonWriter w;
    w.BeginObject().Key("people").BeginArray();
    for (const auto& v : *people) {
      w.BeginObject().Field("id", v.user.id).Field("email", v.user.email).Field("name", Name(v.user));
      w.Field("role", model::ToString(v.user.role)).Field("lang", v.user.lang).Field("active", v.user.active);
      if (v.user.erased_at) w.Field("erased", true);
      w.Key("groups").BeginArray();
      for (const auto& g : v.groups) w.String(g.slug);
      w.EndArray().EndObject();
    }
    w.EndArray().EndObject();
    std::cout << w.Take() << "\n";
    return 0;
  }
  std::cout << "id\temail\tname\trole\tlang\tgroups\tstate\n";
  for (const auto& v : *people) {
    std::string gs;
    for (const auto& g : v.groups) gs += (gs.empty() ? "" : ",") + g.slug;
    const char* state = v.user.erased_at ? "erased" : v.user.active ? "active" : "inactive";
    std::cout << v.user.id << "\t" << v.user.email << "\t" << Name(v.user) << "\t" << model::ToString(v.user.role)
              << "\t" << v.user.lang << "\t" << (gs.empty() ? "-" : gs) << "\t" << state << "\n";
  }
  return 0;
}

int RunGroupList(const Config& config, bool json) {
  core::Status st = PrepareStore(config);
  if (!st.ok()) return Fail(st);
  People p(config);
  auto groups = p.accounts.directory.ListGroups();
  if (!groups.ok()) return Fail(groups.status());
  if (json) {
    core::JsonWriter w;
    w.BeginObject().Key("groups").BeginArray();
    for (const auto& g : *groups)
      w.BeginObject()
          .Field("id", g.id)
          .Field("slug", g.slug)
          .Field("name", g.name)
          .Field("lang", g.lang)
          .Field("active", g.active)
          .EndObject();
    w.EndArray().EndObject();
    std::cout << w.Take() << "\n";
    return 0;
  }
  std::cout << "id\tslug\tname\tlang\tstate\n";
  for (const auto& g : *groups)
    std::cout << g.id << "\t" << g.slug << "\t" << g.name << "\t" << g.lang << "\t"
              << (g.active ? "active" : "inactive") << "\n";
  return 0;
}

int RunUserLink(const Config& config, const std::string& email) {
  core::Status st = PrepareStore(config);
  if (!st.ok()) return Fail(st);
  People p(config);
  auto link = p.accounts.sessions.IssueLink(p.by, email);
  if (!link.ok()) return Fail(link.status());
  std::cout << *link << "\n";
  return 0;
}

}  // namespace

void AddPeopleCommands(CLI::App& app, CliContext& ctx) {
  auto* group = app.add_subcommand("group", "member groups: add, list")->require_subcommand(1);
  auto ga = std::make_shared<GroupAdd>();
  auto* gadd = group->add_subcommand("add", "create a member group");
  gadd->add_option("--slug", ga->slug, "the group's address name: lower-case letters, digits and dashes")->required();
  gadd->add_option("--name", ga->name, "its name, as people read it")->required();
  gadd->add_option("--lang", ga->lang, "fr or en (default: site.default_lang)");
  gadd->callback([&ctx, ga] { ctx.run = [ga](const Config& c) { return RunGroupAdd(c, *ga); }; });
  auto gjson = std::make_shared<bool>(false);
  auto* glist = group->add_subcommand("list", "every group, with its slug, language and state (a header row)");
  glist->add_flag("--json", *gjson, "one JSON object for programs instead of tab-separated lines");
  glist->callback([&ctx, gjson] { ctx.run = [gjson](const Config& c) { return RunGroupList(c, *gjson); }; });

  auto* user = app.add_subcommand("user", "people: add, list, links")->require_subcommand(1);
  auto ua = std::make_shared<UserAdd>();
  auto* uadd = user->add_subcommand("add", "create a person");
  uadd->add_option("--email", ua->email, "their email address")->required();
  uadd->add_option("--name", ua->name, "their name")->required();
  uadd->add_option("--role", ua->role, "member, volunteer or coordinator")->required();
  uadd->add_option("--group", ua->groups, "a group's slug (repeat for several)");
  uadd->add_option("--lang", ua->lang, "fr or en (default: site.default_lang)");
  uadd->add_flag("--password-stdin", ua->password_stdin, "read the password from standard input");
  uadd->footer(
      "With --password-stdin the password is checked as on the site; without it an invitation email is\n"
      "queued (entraide user link prints its link before mail is set up).");
  uadd->callback([&ctx, ua] { ctx.run = [ua](const Config& c) { return RunUserAdd(c, *ua); }; });

  auto json = std::make_shared<bool>(false);
  auto* ulist = user->add_subcommand("list", "everyone, with role, language, groups and state (a header row)");
  ulist->add_flag("--json", *json, "one JSON object for programs instead of tab-separated lines");
  ulist->callback([&ctx, json] { ctx.run = [json](const Config& c) { return RunUserList(c, *json); }; });

  auto email = std::make_shared<std::string>();
  auto* ulink =
      user->add_subcommand("link", "print a fresh single-use link: the invitation while unused, else sign-in");
  ulink->add_option("--email", *email, "the person's email address")->required();
  ulink->footer(
      "Makes and prints a fresh single-use link: an invitation (7 days) while the person's invitation is\n"
      "unused, else a sign-in link (15 minutes). Only its hash is stored. For the first coordinator,\n"
      "before mail is set up (links in sent mail are erased).");
  ulink->callback([&ctx, email] { ctx.run = [email](const Config& c) { return RunUserLink(c, *email); }; });
}

}  // namespace entraide::app
