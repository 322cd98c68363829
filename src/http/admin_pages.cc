#include "http/admin_pages.h"

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "auth/policy.h"
#include "core/escape.h"
#include "core/strings.h"
#include "http/forms.h"
#include "http/presenter.h"
#include "http/session.h"
#include "i18n/catalog.h"

namespace entraide::http {
namespace {

using forms::CsrfFailure;
using forms::Explain;
using forms::Msg;
using forms::SeeOther;
using forms::SignInFirst;
using Fields = std::map<std::string, std::string>;

constexpr int kJoinResults = 20;  // groups offered at once by the person page's search

// An admin page: the layout with the administration's own navigation (`section` is marked current).
Response AdminPage(const Services& s, Visitor& v, const std::string& lang, const std::string& name,
                   const std::string& title, const std::string& section, view::Value data, int status,
                   const std::string& alt_path) {
  data.Set("nav_" + section, true);
  return forms::Page(s, v, lang, name, title, std::move(data), status, alt_path);
}

// The signed-in coordinator goes on to `fn`; others are sent to sign in, or refused (403).
template <typename Fn>
Response AsCoordinator(const Services& s, const Request& req, Fn fn) {
  Visitor v(s, req);
  if (!v.signed_in()) return SignInFirst(v, req.Param("lang"));
  if (!auth::Allows(v.who(), auth::Action::kAdminister)) return ErrorPage(s, req, 403);
  return fn(v);
}

// A POST: coordinator and CSRF token first; `act` makes the change and returns the address to go to (303), or a
// Status that `again(v, fields, message, code)` shows on the form's page.
template <typename Act, typename Again>
Response AdminPost(const Services& s, const Request& req, Act act, Again again) {
  return AsCoordinator(s, req, [&](Visitor& v) {
    std::string lang = req.Param("lang");
    Fields f = FormFields(req);
    if (!v.CsrfOk(f["csrf"])) return CsrfFailure(s, v, lang);
    core::StatusOr<std::string> to = act(*v.who(), f);
    if (!to.ok()) {
      auto [message, code] = Explain(s, lang, to.status());
      return again(v, f, message, code);
    }
    return SeeOther(v, "/" + lang + *to);
  });
}

// A list the service would not give (a search over its limits): the page says why, over an empty list.
template <typename List>
void OrEmpty(const Services& s, const std::string& lang, core::StatusOr<List>& found, view::Value& d, int& status) {
  if (found.ok()) return;
  auto [message, code] = Explain(s, lang, found.status());
  SetError(d, message);
  status = code;
  found = List{};
}

int PageParam(const Request& req) {
  return static_cast<int>(std::min<int64_t>(PositiveId(req.Query("page")), 100000));  // 0: the first
}

// The page's message: an error, else "Saved." after a change.
view::Value PageMessage(const Services& s, const Request& req, const PeopleMessage& error) {
  const auto& t = s.catalogs.For(req.Param("lang"));
  return Msg(error, error.text.empty() && req.HasQuery("saved") ? t.Get("account_saved") : "");
}

// from, to, total, the page links (keeping `params`) and "page N / M".
void SetPaging(view::Value& d, const std::string& path, std::vector<std::pair<std::string, std::string>> params,
               int page, int pages, int64_t total, size_t shown) {
  int64_t from = int64_t{page - 1} * auth::kAdminPageSize;
  d.Set("total", total).Set("from", shown ? from + 1 : 0).Set("to", from + static_cast<int64_t>(shown));
  auto url = [&](int n) {
    auto p = params;
    p.emplace_back("page", n > 1 ? std::to_string(n) : "");
    return core::UrlWithQuery(path, p);
  };
  if (page > 1) d.Set("prev_url", url(page - 1));
  if (page < pages) d.Set("next_url", url(page + 1));
  d.Set("paged", pages > 1).Set("page", static_cast<int64_t>(page)).Set("pages", static_cast<int64_t>(pages));
}

// `selected`: a role's word (or anything else: none is selected).
view::Value RoleOptions(const Services& s, const std::string& lang, std::string_view selected) {
  const auto& t = s.catalogs.For(lang);
  view::Value list = view::Value::List();
  for (model::Role r : model::kRoles) {
    std::string word(model::ToString(r));
    list.Push(
        view::Value::Object().Set("value", word).Set("label", t.Get("role_" + word)).Set("selected", selected == word));
  }
  return list;
}

view::Value LangChoice(const std::string& lang) {
  return view::Value::Object().Set("lang_fr", lang != "en").Set("lang_en", lang == "en");
}

// The invitation form's values: what was typed when it is shown again with an error.
view::Value InviteForm(const Services& s, const std::string& lang, const Fields* kept) {
  auto get = [&](const char* k) {
    if (!kept) return std::string();
    auto it = kept->find(k);
    return it == kept->end() ? std::string() : it->second;
  };
  view::Value f = LangChoice(kept ? get("person_lang") : lang);
  f.Set("open", kept != nullptr).Set("email", get("email")).Set("name", get("name"));
  f.Set("roles", RoleOptions(s, lang, kept ? get("role") : "member"));
  return f;
}

view::Value PersonRow(const Services& s, const std::string& lang, const model::User& u) {
  const auto& t = s.catalogs.For(lang);
  view::Value r = view::Value::Object();
  r.Set("id", u.id)
      .Set("name", t.PersonName(u.name))
      .Set("email", u.email)
      .Set("role", t.Get("role_" + std::string(model::ToString(u.role))))
      .Set("active", u.active)
      .Set("editor", u.editor)
      .Set("may_be_editor", u.role == model::Role::kVolunteer);
  r.Set("url", "/" + lang + "/admin/people/" + std::to_string(u.id));
  return r;
}

view::Value GroupRow(const Services& s, const std::string& lang, const auth::GroupCount& g) {
  view::Value r = view::Value::Object();
  r.Set("id", g.group.id).Set("slug", g.group.slug).Set("name", g.group.name).Set("active", g.group.active);
  r.Set("group_lang", LangName(s, g.group.lang)).Set("lang_code", g.group.lang).Set("members", g.members);
  r.Set("url", "/" + lang + "/admin/groups/" + std::to_string(g.group.id));
  return r;
}

// ---- overview ----

Response Overview(const Services& s, const Request& req, Visitor& v, const PeopleMessage& error, int status) {
  std::string lang = req.Param("lang");
  const auto& t = s.catalogs.For(lang);
  auto cats = s.categories.List(true);
  if (!cats.ok()) return ErrorPage(s, req, 503);
  view::Value d = PageMessage(s, req, error);
  view::Value cl = view::Value::List();
  for (const auto& c : *cats) {
    cl.Push(view::Value::Object()
                .Set("slug", c.slug)
                .Set("name_en", c.name_en)
                .Set("name_fr", c.name_fr)
                .Set("position", c.position)
                .Set("active", c.active));
  }
  d.Set("categories", std::move(cl));
  return AdminPage(s, v, lang, "admin", t.Get("admin_title"), "overview", d, status, "/admin");
}

// ---- people ----

Response PeopleList(const Services& s, const Request& req, Visitor& v, const Fields* invite, const PeopleMessage& error,
                    int status) {
  std::string lang = req.Param("lang");
  const auto& t = s.catalogs.For(lang);
  std::string q = req.Query("q"), role = req.Query("role");
  view::Value d = PageMessage(s, req, error);
  core::StatusOr<auth::PeoplePage> found = auth::PeoplePage{};
  if (auto wanted = model::ParseRole(role); role.empty() || wanted.ok())
    found = s.directory.FindPeople(*v.who(), q, role.empty() ? std::nullopt : std::optional(*wanted), PageParam(req));
  else
    found = wanted.status();
  OrEmpty(s, lang, found, d, status);
  view::Value rows = view::Value::List();
  for (const auto& p : found->people) {
    view::Value r = PersonRow(s, lang, p.user);
    std::vector<std::string> names;
    for (size_t i = 0; i < p.groups.size() && i < 3; ++i) names.push_back(p.groups[i].name);
    r.Set("groups", core::Join(names, ", "));
    if (p.groups.size() > 3) r.Set("more_groups", "+" + std::to_string(p.groups.size() - 3));
    rows.Push(std::move(r));
  }
  d.Set("people", std::move(rows)).Set("empty", found->people.empty()).Set("q", q);
  d.Set("role_filter", RoleOptions(s, lang, role));
  SetPaging(d, "/" + lang + "/admin/people", {{"q", q}, {"role", role}}, found->page, found->pages, found->total,
            found->people.size());
  d.Set("invite", InviteForm(s, lang, invite));
  return AdminPage(s, v, lang, "admin_people", t.Get("admin_people"), "people", d, status, "/admin/people");
}

Response PersonPage(const Services& s, const Request& req, Visitor& v, const PeopleMessage& error, int status) {
  std::string lang = req.Param("lang");
  const auto& t = s.catalogs.For(lang);
  int64_t id = PositiveId(req.Param("id"));
  auto person = s.directory.Person(*v.who(), id);
  if (!person.ok()) return ErrorPage(s, req, person.status().code() == core::StatusCode::kNotFound ? 404 : 503);
  view::Value d = PageMessage(s, req, error);
  if (req.HasQuery("invited") && error.text.empty()) d.Set("notice", t.Get("admin_invited"));
  d.Set("person", PersonRow(s, lang, person->user)).Set("person_id", id);
  d.Set("roles", RoleOptions(s, lang, model::ToString(person->user.role)));
  d.Set("self", person->user.id == v.who()->user_id);
  // Delivery failures reported for the address (bouncing from the third: no mail is sent to it).
  if (s.mail_admin)
    if (auto b = s.mail_admin->BounceOf(v.who(), person->user.email); b.ok() && *b)
      d.Set("bounces", view::Value::Object()
                           .Set("bouncing", (*b)->bouncing_since.has_value())
                           .Set("failures", (*b)->failures)
                           .Set("status", (*b)->last_status)
                           .Set("mail_url", "/" + lang + "/admin/mail#bouncing"));
  view::Value groups = view::Value::List();
  for (const auto& g : person->groups) groups.Push(GroupRow(s, lang, {g, 0}));
  d.Set("groups", std::move(groups)).Set("has_groups", !person->groups.empty());
  d.Set("group_count", static_cast<int64_t>(person->groups.size()));
  // The search for groups to add: a GET of this page, so it works without JavaScript.
  std::string group_q = req.Query("group_q");
  d.Set("group_q", group_q).Set("searched", !core::Trim(group_q).empty());
  auto join = s.directory.GroupsToJoin(*v.who(), id, group_q, kJoinResults);
  OrEmpty(s, lang, join, d, status);
  view::Value offers = view::Value::List();
  for (const auto& g : join->groups) offers.Push(GroupRow(s, lang, g));
  d.Set("offers", std::move(offers)).Set("no_offers", join->groups.empty());
  if (join->total > static_cast<int64_t>(join->groups.size()))
    d.Set("more_offers", join->total - static_cast<int64_t>(join->groups.size()));
  return AdminPage(s, v, lang, "admin_person", person->user.name, "people", d, status,
                   "/admin/people/" + std::to_string(id));
}

Response GroupPage(const Services& s, const Request& req, Visitor& v, int64_t id, const Fields* invite,
                   const PeopleMessage& error, int status);

// POST /{lang}/admin/people: an invitation (to a group when the form came from its page), then the new person's
// page; an error shows the form again where it was.
Response InvitePost(const Services& s, const Request& req) {
  return AdminPost(
      s, req,
      [&](const auth::Principal& by, Fields& f) -> core::StatusOr<std::string> {
        std::vector<int64_t> groups;
        if (PositiveId(f["group"])) groups.push_back(PositiveId(f["group"]));
        auto role = model::ParseRole(f["role"]);
        if (!role.ok()) return role.status();
        auto id = s.directory.Invite(by, f["email"], f["name"], *role, groups, f["person_lang"]);
        if (!id.ok()) return id.status();
        return "/admin/people/" + std::to_string(*id) + "?invited=1";
      },
      [&](Visitor& v, const Fields& f, const PeopleMessage& m, int code) {
        auto group = f.find("group");
        if (group != f.end() && PositiveId(group->second))
          return GroupPage(s, req, v, PositiveId(group->second), &f, m, code);
        return PeopleList(s, req, v, &f, m, code);
      });
}

Response PersonPost(const Services& s, const Request& req) {
  return AdminPost(
      s, req,
      [&](const auth::Principal& by, Fields& f) -> core::StatusOr<std::string> {
        int64_t id = PositiveId(req.Param("id"));
        auto role = model::ParseRole(f["role"]);
        if (!role.ok()) return role.status();
        ENTRAIDE_RETURN_IF_ERROR(s.directory.UpdatePerson(by, id, *role, f["active"] == "1"));
        // Editors are volunteers (a coordinator publishes anyway): the box is offered to volunteers only, and a
        // person who stops being one stops being an editor.
        if (*role != model::Role::kCoordinator)
          ENTRAIDE_RETURN_IF_ERROR(
              s.directory.SetEditor(by, id, *role == model::Role::kVolunteer && f["editor"] == "1"));
        return "/admin/people/" + std::to_string(id) + "?saved=1";
      },
      [&](Visitor& v, const Fields&, const PeopleMessage& m, int code) { return PersonPage(s, req, v, m, code); });
}

// add=<group id> or remove=<group id>; back to the person's page (keeping the group search), or to the group's
// page when the form came from there (back=group).
Response MembershipPost(const Services& s, const Request& req) {
  return AdminPost(
      s, req,
      [&](const auth::Principal& by, Fields& f) -> core::StatusOr<std::string> {
        int64_t id = PositiveId(req.Param("id"));
        bool add = !f["add"].empty();
        int64_t group = PositiveId(add ? f["add"] : f["remove"]);
        if (!group) return core::InvalidField("group", "choose a group").WithKey("error_group_choose");
        ENTRAIDE_RETURN_IF_ERROR(s.directory.SetMembership(by, id, group, add));
        if (f["back"] == "group") {
          return core::UrlWithQuery("/admin/groups/" + std::to_string(group),
                                    {{"page", f["back_page"]}, {"saved", "1"}});
        }
        return core::UrlWithQuery("/admin/people/" + std::to_string(id), {{"group_q", f["group_q"]}, {"saved", "1"}});
      },
      [&](Visitor& v, const Fields&, const PeopleMessage& m, int code) { return PersonPage(s, req, v, m, code); });
}

// ---- groups ----

Response GroupsList(const Services& s, const Request& req, Visitor& v, const Fields* create, const PeopleMessage& error,
                    int status) {
  std::string lang = req.Param("lang");
  const auto& t = s.catalogs.For(lang);
  std::string q = req.Query("q");
  view::Value d = PageMessage(s, req, error);
  auto found = s.directory.FindGroups(*v.who(), q, PageParam(req));
  OrEmpty(s, lang, found, d, status);
  view::Value rows = view::Value::List();
  for (const auto& g : found->groups) rows.Push(GroupRow(s, lang, g));
  d.Set("groups", std::move(rows)).Set("empty", found->groups.empty()).Set("q", q);
  SetPaging(d, "/" + lang + "/admin/groups", {{"q", q}}, found->page, found->pages, found->total, found->groups.size());
  auto kept = [&](const char* k) {
    auto it = create ? create->find(k) : Fields::const_iterator();
    return create && it != create->end() ? it->second : std::string();
  };
  view::Value form = LangChoice(create ? kept("group_lang") : lang);
  form.Set("open", create != nullptr).Set("slug", kept("slug")).Set("name", kept("name"));
  d.Set("create", std::move(form));
  return AdminPage(s, v, lang, "admin_groups", t.Get("admin_groups"), "groups", d, status, "/admin/groups");
}

Response GroupPage(const Services& s, const Request& req, Visitor& v, int64_t id, const Fields* invite,
                   const PeopleMessage& error, int status) {
  std::string lang = req.Param("lang");
  auto group = s.directory.GroupWithMembers(*v.who(), id, PageParam(req));
  if (!group.ok()) return ErrorPage(s, req, group.status().code() == core::StatusCode::kNotFound ? 404 : 503);
  view::Value d = PageMessage(s, req, error);
  view::Value g = GroupRow(s, lang, group->group);
  g.Set("lang_fr", group->group.group.lang == "fr").Set("lang_en", group->group.group.lang == "en");
  d.Set("group", std::move(g)).Set("group_id", id);
  view::Value members = view::Value::List();
  for (const auto& u : group->members) members.Push(PersonRow(s, lang, u));
  d.Set("members", std::move(members)).Set("has_members", !group->members.empty());
  std::string path = "/admin/groups/" + std::to_string(id);
  SetPaging(d, "/" + lang + path, {}, group->page, group->pages, group->group.members, group->members.size());
  d.Set("invite", InviteForm(s, lang, invite));
  return AdminPage(s, v, lang, "admin_group", group->group.group.name, "groups", d, status, path);
}

Response GroupCreatePost(const Services& s, const Request& req) {
  return AdminPost(
      s, req,
      [&](const auth::Principal& by, Fields& f) -> core::StatusOr<std::string> {
        auto id = s.directory.CreateGroup(by, f["slug"], f["name"], f["group_lang"]);
        if (!id.ok()) return id.status();
        return "/admin/groups/" + std::to_string(*id) + "?saved=1";
      },
      [&](Visitor& v, const Fields& f, const PeopleMessage& m, int code) {
        return GroupsList(s, req, v, &f, m, code);
      });
}

Response GroupPost(const Services& s, const Request& req) {
  return AdminPost(
      s, req,
      [&](const auth::Principal& by, Fields& f) -> core::StatusOr<std::string> {
        int64_t id = PositiveId(req.Param("id"));
        ENTRAIDE_RETURN_IF_ERROR(s.directory.UpdateGroup(by, id, f["name"], f["group_lang"], f["active"] == "1"));
        return "/admin/groups/" + std::to_string(id) + "?saved=1";
      },
      [&](Visitor& v, const Fields&, const PeopleMessage& m, int code) {
        return GroupPage(s, req, v, PositiveId(req.Param("id")), nullptr, m, code);
      });
}

Response CategoryPost(const Services& s, const Request& req) {
  return AdminPost(
      s, req,
      [&](const auth::Principal& by, Fields& f) -> core::StatusOr<std::string> {
        model::TicketCategory c;
        c.slug = f["slug"];
        c.name_en = f["name_en"];
        c.name_fr = f["name_fr"];
        try {
          c.position = f["position"].empty() ? 100 : std::stoll(f["position"]);
        } catch (...) {
          return core::InvalidField("position", "a whole number");
        }
        c.active = f["active"] != "0";
        ENTRAIDE_RETURN_IF_ERROR(s.categories.Save(by, c));
        return std::string("/admin?saved=1");
      },
      [&](Visitor& v, const Fields&, const PeopleMessage& m, int code) { return Overview(s, req, v, m, code); });
}

}  // namespace

void RegisterAdmin(Router& router, const Services& services) {
  auto page = [&services](Response (*fn)(const Services&, const Request&)) { return LangPage(services, fn); };
  router.Add("GET", "/{lang}/admin", page([](const Services& s, const Request& req) {
               return AsCoordinator(s, req, [&](Visitor& v) { return Overview(s, req, v, {}, 200); });
             }));
  router.Add("POST", "/{lang}/admin/categories", page(CategoryPost));
  router.Add("GET", "/{lang}/admin/people", page([](const Services& s, const Request& req) {
               return AsCoordinator(s, req, [&](Visitor& v) { return PeopleList(s, req, v, nullptr, {}, 200); });
             }));
  router.Add("POST", "/{lang}/admin/people", page(InvitePost));
  router.Add("GET", "/{lang}/admin/people/{id}", page([](const Services& s, const Request& req) {
               return AsCoordinator(s, req, [&](Visitor& v) { return PersonPage(s, req, v, {}, 200); });
             }));
  router.Add("POST", "/{lang}/admin/people/{id}", page(PersonPost));
  router.Add("POST", "/{lang}/admin/people/{id}/groups", page(MembershipPost));
  router.Add("GET", "/{lang}/admin/groups", page([](const Services& s, const Request& req) {
               return AsCoordinator(s, req, [&](Visitor& v) { return GroupsList(s, req, v, nullptr, {}, 200); });
             }));
  router.Add("POST", "/{lang}/admin/groups", page(GroupCreatePost));
  router.Add("GET", "/{lang}/admin/groups/{id}", page([](const Services& s, const Request& req) {
               return AsCoordinator(s, req, [&](Visitor& v) {
                 return GroupPage(s, req, v, PositiveId(req.Param("id")), nullptr, {}, 200);
               });
             }));
  router.Add("POST", "/{lang}/admin/groups/{id}", page(GroupPost));
}

}  // namespace entraide::http
