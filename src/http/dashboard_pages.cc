#include "http/dashboard_pages.h"

#include <functional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/escape.h"
#include "core/log.h"
#include "core/strings.h"
#include "http/charts.h"
#include "http/forms.h"
#include "http/presenter.h"
#include "http/session.h"
#include "http/status_map.h"
#include "i18n/catalog.h"
#include "insights/insights_service.h"

namespace entraide::http {
namespace {

constexpr int kDefaultWeeks = 12;

const char* const kOpenStatuses[] = {"new", "triaged", "in_progress", "waiting_on_group"};
const char* const kUrgencyOrder[] = {"blocking", "high", "normal", "low"};

// A table of the dashboard: its column headings and rows of cells, as the page shows it and as CSV.
struct Table {
  std::string name;  // in the CSV's URL and file name
  std::vector<std::string> head;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> links;  // per row, optional: the first cell links there on the page
};

std::string Hours(int64_t seconds, const std::string& lang) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", static_cast<double>(seconds) / 3600.0);
  std::string s(buf);
  if (lang == "fr") s = core::ReplaceAll(s, ".", ",");
  return s;
}

int64_t Percent(int64_t part, int64_t whole) { return whole ? (part * 100 + whole / 2) / whole : 0; }

std::string CategoryLabel(const model::OpenCount& c, const std::string& lang) {
  return lang == "fr" ? c.category_name_fr : c.category_name_en;
}

std::string ReasonKey(insights::RevisionReason r) {
  switch (r) {
    case insights::RevisionReason::kBoth:
      return "dashboard_revision_both";
    case insights::RevisionReason::kPoorScore:
      return "dashboard_revision_score";
    case insights::RevisionReason::kUnresolvedCitations:
      return "dashboard_revision_cited";
    case insights::RevisionReason::kNone:
      break;
  }
  return "";
}

// Every table of the dashboard, in the page's order, with the words of `lang`.
std::vector<Table> Tables(const insights::Dashboard& d, const i18n::Catalog& t, const std::string& lang) {
  std::vector<Table> out;
  Table weekly{"weekly", {t.Get("dashboard_week"), t.Get("dashboard_opened"), t.Get("dashboard_resolved")}, {}, {}};
  for (const auto& w : d.per_week)
    weekly.rows.push_back(
        {core::FormatIso8601Utc(w.start).substr(0, 10), std::to_string(w.opened), std::to_string(w.resolved)});
  out.push_back(std::move(weekly));

  Table targets{"targets",
                {t.Get("ticket_urgency"), t.Get("dashboard_target_hours"), t.Get("dashboard_due"),
                 t.Get("dashboard_in_time"), t.Get("dashboard_share")},
                {},
                {}};
  for (const auto& x : d.targets)
    targets.rows.push_back({t.Get("urgency_" + x.urgency), std::to_string(x.target_hours), std::to_string(x.due),
                            std::to_string(x.in_time), std::to_string(Percent(x.in_time, x.due)) + " %"});
  out.push_back(std::move(targets));

  auto open_by = [&](const std::string& name, const std::string& heading, const std::vector<std::string>& keys,
                     const std::function<std::string(const model::OpenCount&)>& key_of,
                     const std::function<std::string(const std::string&)>& label) {
    Table tb{name, {heading, t.Get("dashboard_count")}, {}, {}};
    for (const auto& k : keys) {
      int64_t n = 0;
      for (const auto& c : d.open)
        if (key_of(c) == k) n += c.count;
      tb.rows.push_back({label(k), std::to_string(n)});
    }
    out.push_back(std::move(tb));
  };
  open_by(
      "open-status", t.Get("ticket_status"), {std::begin(kOpenStatuses), std::end(kOpenStatuses)},
      [](const model::OpenCount& c) { return c.status; }, [&](const std::string& k) { return t.Get("status_" + k); });
  open_by(
      "open-urgency", t.Get("ticket_urgency"), {std::begin(kUrgencyOrder), std::end(kUrgencyOrder)},
      [](const model::OpenCount& c) { return c.urgency; }, [&](const std::string& k) { return t.Get("urgency_" + k); });
  std::vector<std::string> categories;
  std::map<std::string, std::string> category_names;
  for (const auto& c : d.open)
    if (!category_names.count(c.category)) {
      categories.push_back(c.category);
      category_names[c.category] = CategoryLabel(c, lang);
    }
  open_by(
      "open-category", t.Get("ticket_category"), categories, [](const model::OpenCount& c) { return c.category; },
      [&](const std::string& k) { return category_names[k]; });

  Table groups{"groups", {t.Get("ticket_group"), t.Get("dashboard_opened")}, {}, {}};
  for (const auto& g : d.groups) {
    groups.rows.push_back({g.name, std::to_string(g.count)});
    groups.links.push_back("/" + lang + "/queue?group=" + std::to_string(g.id));
  }
  out.push_back(std::move(groups));

  Table articles{"articles",
                 {t.Get("dashboard_article"), t.Get("dashboard_yes"), t.Get("dashboard_no"),
                  t.Get("dashboard_unresolved"), t.Get("dashboard_needs_revision")},
                 {},
                 {}};
  for (const auto& a : d.articles) {
    std::string reason = ReasonKey(a.revision);
    articles.rows.push_back({a.score.title, std::to_string(a.score.yes), std::to_string(a.score.no),
                             std::to_string(a.score.unresolved_citations), reason.empty() ? "" : t.Get(reason)});
    articles.links.push_back(a.score.slug.empty() ? "" : "/" + a.score.lang + "/articles/" + a.score.slug);
  }
  out.push_back(std::move(articles));

  for (const auto& [name, list] :
       {std::pair<const char*, const std::vector<model::QueryGap>*>{"no-result", &d.no_result},
        {"no-click", &d.no_click}}) {
    Table q{name,
            {t.Get("dashboard_query"), t.Get("field_language"), t.Get("dashboard_searches"),
             t.Get("dashboard_no_result_count")},
            {},
            {}};
    for (const auto& g : *list)
      q.rows.push_back({g.query, g.lang, std::to_string(g.searches), std::to_string(g.no_result)});
    out.push_back(std::move(q));
  }

  Table volunteers{"volunteers", {t.Get("dashboard_volunteer"), t.Get("dashboard_answered")}, {}, {}};
  for (const auto& v : d.volunteers) volunteers.rows.push_back({t.PersonName(v.name), std::to_string(v.count)});
  out.push_back(std::move(volunteers));
  return out;
}

const Table* FindTable(const std::vector<Table>& tables, const std::string& name) {
  for (const auto& tb : tables)
    if (tb.name == name) return &tb;
  return nullptr;
}

// A one-series bar chart of a table's first two columns.
std::string TableBars(const Table& tb, const std::string& id, const std::string& title, const std::string& desc,
                      const std::string& suffix = "") {
  Chart c{id, title, desc, {}, {{tb.head.size() > 1 ? tb.head[1] : "", {}}}, suffix};
  for (const auto& row : tb.rows) {
    c.labels.push_back(row[0]);
    c.series[0].values.push_back(std::stoll(row[1]));
  }
  return BarChartSvg(c);
}

view::Value TableValue(const Table& tb, const std::string& lang, int weeks) {
  view::Value v = view::Value::Object();
  view::Value head = view::Value::List();
  for (const auto& h : tb.head) head.Push(view::Value::Object().Set("text", h));
  view::Value rows = view::Value::List();
  for (size_t i = 0; i < tb.rows.size(); ++i) {
    view::Value cells = view::Value::List();
    for (size_t j = 0; j < tb.rows[i].size(); ++j) {
      view::Value cell = view::Value::Object().Set("text", tb.rows[i][j]).Set("first", j == 0);
      if (j == 0 && i < tb.links.size() && !tb.links[i].empty()) cell.Set("url", tb.links[i]);
      cells.Push(std::move(cell));
    }
    rows.Push(view::Value::Object().Set("cells", std::move(cells)));
  }
  v.Set("head", std::move(head)).Set("rows", std::move(rows)).Set("empty", tb.rows.empty());
  v.Set("csv_url", "/" + lang + "/admin/dashboard/csv/" + tb.name + "?weeks=" + std::to_string(weeks));
  return v;
}

int WeeksOf(const Request& req) {
  std::string w = req.Query("weeks");
  if (w.empty()) return kDefaultWeeks;
  int64_t n = PositiveId(w);
  return insights::IsDashboardPeriod(static_cast<int>(n)) ? static_cast<int>(n) : 0;
}

// Signed in (else to sign-in) and the dashboard (the service says 403 to anyone but a coordinator).
template <typename Fn>
Response WithDashboard(const Services& s, const Request& req, Fn fn) {
  std::string lang = req.Param("lang");
  Visitor v(s, req);
  if (!v.signed_in()) return forms::SignInFirst(v, lang);
  int weeks = WeeksOf(req);
  auto d = s.insights->GetDashboard(v.who(), weeks ? weeks : -1, lang);
  if (!d.ok()) {
    if (HttpStatusFor(d.status()) >= 500) LogServiceError(d.status());
    return ErrorPage(s, req, HttpStatusFor(d.status()));
  }
  return fn(v, *d);
}

Response DashboardPage(const Services& s, const Request& req) {
  return WithDashboard(s, req, [&](Visitor& v, const insights::Dashboard& d) {
    std::string lang = req.Param("lang");
    const auto& t = s.catalogs.For(lang);
    auto tables = Tables(d, t, lang);
    view::Value data =
        PageData(s, lang, t.Get("dashboard_title"),
                 "/" + i18n::OtherLang(lang) + "/admin/dashboard?weeks=" + std::to_string(d.weeks), "admin", &v);
    data.Set("nav_dashboard", true);
    view::Value periods = view::Value::List();
    for (int w : insights::kDashboardWeeks)
      periods.Push(view::Value::Object()
                       .Set("value", static_cast<int64_t>(w))
                       .Set("label", core::ReplaceAll(t.Get("dashboard_weeks"), "{n}", std::to_string(w)))
                       .Set("selected", w == d.weeks));
    data.Set("periods", std::move(periods));
    std::string from = core::FormatIso8601Utc(d.from).substr(0, 10), to = core::FormatIso8601Utc(d.to).substr(0, 10);
    data.Set("period_text",
             core::ReplaceAll(core::ReplaceAll(t.Get("dashboard_period_text"), "{from}", HumanDate(s, from, lang)),
                              "{to}", HumanDate(s, to, lang)));
    for (const auto& tb : tables)
      data.Set("table_" + core::ReplaceAll(tb.name, "-", "_"), TableValue(tb, lang, d.weeks));

    // Opened and resolved per week.
    const Table& weekly = *FindTable(tables, "weekly");
    Chart weeks_chart{"chart-weekly", t.Get("dashboard_weekly_title"), "", {}, {}, ""};
    weeks_chart.series = {{t.Get("dashboard_opened"), {}}, {t.Get("dashboard_resolved"), {}}};
    int64_t opened = 0, resolved = 0;
    for (const auto& w : d.per_week) {
      weeks_chart.labels.push_back(core::FormatIso8601Utc(w.start).substr(5, 5));
      weeks_chart.series[0].values.push_back(w.opened);
      weeks_chart.series[1].values.push_back(w.resolved);
      opened += w.opened, resolved += w.resolved;
    }
    weeks_chart.desc = core::ReplaceAll(
        core::ReplaceAll(core::ReplaceAll(t.Get("dashboard_weekly_desc"), "{weeks}", std::to_string(d.weeks)),
                         "{opened}", std::to_string(opened)),
        "{resolved}", std::to_string(resolved));
    (void)weekly;
    data.Set("weekly_chart_html", ColumnChartSvg(weeks_chart));

    // First answers and the share answered in time.
    data.Set("answered", d.answered).Set("opened", d.opened);
    if (d.median_first_answer_s) data.Set("median_hours", Hours(*d.median_first_answer_s, lang));
    Chart share{"chart-targets", t.Get("dashboard_targets_title"), "", {}, {{t.Get("dashboard_share"), {}}}, " %"};
    int64_t due = 0, in_time = 0;
    for (const auto& x : d.targets) {
      share.labels.push_back(t.Get("urgency_" + x.urgency) + " (" + std::to_string(x.target_hours) + " h)");
      share.series[0].values.push_back(Percent(x.in_time, x.due));
      due += x.due, in_time += x.in_time;
    }
    share.desc = core::ReplaceAll(
        core::ReplaceAll(t.Get("dashboard_targets_desc"), "{share}", std::to_string(Percent(in_time, due))), "{due}",
        std::to_string(due));
    data.Set("targets_chart_html", BarChartSvg(share));

    int64_t open_total = 0;
    for (const auto& c : d.open) open_total += c.count;
    std::string open_desc = core::ReplaceAll(t.Get("dashboard_open_desc"), "{n}", std::to_string(open_total));
    data.Set("status_chart_html",
             TableBars(*FindTable(tables, "open-status"), "chart-status", t.Get("dashboard_open_status"), open_desc));
    data.Set("urgency_chart_html", TableBars(*FindTable(tables, "open-urgency"), "chart-urgency",
                                             t.Get("dashboard_open_urgency"), open_desc));
    data.Set("category_chart_html", TableBars(*FindTable(tables, "open-category"), "chart-category",
                                              t.Get("dashboard_open_category"), open_desc));
    const Table& groups = *FindTable(tables, "groups");
    data.Set("has_groups", !groups.rows.empty());
    if (!groups.rows.empty())
      data.Set(
          "groups_chart_html",
          TableBars(groups, "chart-groups", t.Get("dashboard_groups_title"),
                    core::ReplaceAll(core::ReplaceAll(t.Get("dashboard_groups_desc"), "{group}", groups.rows[0][0]),
                                     "{n}", groups.rows[0][1])));
    const Table& volunteers = *FindTable(tables, "volunteers");
    data.Set("has_volunteers", !volunteers.rows.empty());
    if (!volunteers.rows.empty())
      data.Set("volunteers_chart_html", TableBars(volunteers, "chart-volunteers", t.Get("dashboard_volunteers_title"),
                                                  core::ReplaceAll(t.Get("dashboard_volunteers_desc"), "{n}",
                                                                   std::to_string(volunteers.rows.size()))));
    view::Value comments = view::Value::List();
    for (const auto& c : d.comments)
      comments.Push(
          view::Value::Object().Set("text", c.comment).Set("lang", c.lang).Set("day", c.day).Set("key", c.key));
    data.Set("has_comments", !d.comments.empty()).Set("comments", std::move(comments));
    Response r = RenderPage(s, "dashboard", lang, data);
    v.Apply(r);
    r.Header("Cache-Control", "no-store");
    return r;
  });
}

Response DashboardCsv(const Services& s, const Request& req) {
  return WithDashboard(s, req, [&](Visitor& v, const insights::Dashboard& d) {
    std::string lang = req.Param("lang");
    auto tables = Tables(d, s.catalogs.For(lang), lang);
    const Table* tb = FindTable(tables, req.Param("table"));
    if (!tb) return ErrorPage(s, req, 404);
    std::string csv;
    auto line = [&csv](const std::vector<std::string>& cells) {
      for (size_t i = 0; i < cells.size(); ++i) csv += (i ? "," : "") + CsvField(cells[i]);
      csv += "\r\n";
    };
    line(tb->head);
    for (const auto& row : tb->rows) line(row);
    Response r;
    r.content_type = "text/csv; charset=utf-8";
    r.body = std::move(csv);
    r.Header("Content-Disposition", "attachment; filename=\"entraide-" + tb->name + "-" + std::to_string(d.weeks) +
                                        "w-" + core::FormatIso8601Utc(d.to).substr(0, 10) + ".csv\"");
    r.Header("Cache-Control", "no-store");
    v.Apply(r);
    return r;
  });
}

// ---- article feedback ----

Response FeedbackPost(const Services& s, const Request& req) {
  std::string lang = req.Param("lang");
  Visitor v(s, req);
  const auto& t = s.catalogs.For(lang);
  // Visitors have no session, so no CSRF token: a form posted from another site says so in Origin or Referer.
  bool says_origin = !req.Header("origin").empty() || !req.Header("referer").empty();
  if (says_origin && !SameOrigin(req, s.site)) return ErrorPage(s, req, 403);
  auto page = s.articles.Get(lang, req.Param("slug"));
  if (!page.ok()) return ErrorPage(s, req, HttpStatusFor(page.status()));
  const auto& a = page->article;
  auto f = FormFields(req);
  view::Value data =
      PageData(s, lang, t.Get("feedback_title"), "/" + i18n::OtherLang(lang) + "/articles", "articles", &v);
  std::string article_url = "/" + lang + "/articles/" + a.slug;
  data.Set("article_title", a.title).Set("article_url", article_url);
  data.Set("action", article_url + "/feedback");
  std::string helpful = f["helpful"];
  int status = 200;
  if (helpful != "yes" && helpful != "no") {
    SetError(data, Said(t.Get("feedback_choose")));
    status = 422;
  } else {
    auto counted = s.insights->RecordFeedback(a.key, lang, req.remote_addr, helpful == "yes");
    if (!counted.ok()) {
      LogServiceError(counted.status());
      return ErrorPage(s, req, HttpStatusFor(counted.status()));
    }
    data.Set("already", !*counted);
    std::string comment = f["comment"];
    if (helpful == "no" && !core::Trim(comment).empty()) {
      auto added = s.insights->AddFeedbackComment(a.key, req.remote_addr, comment);
      if (!added.ok() && added.status().code() != core::StatusCode::kInvalidArgument) {
        LogServiceError(added.status());
        return ErrorPage(s, req, HttpStatusFor(added.status()));
      }
      if (!added.ok()) {
        SetError(data, ForPeople(t, added.status()));
        data.Set("ask_comment", true).Set("comment", comment);
        status = 422;
      } else {
        data.Set("comment_saved", *added);
      }
    } else if (helpful == "no") {
      data.Set("ask_comment", true);
    }
    data.Set("said_yes", helpful == "yes").Set("said_no", helpful == "no");
  }
  Response r = RenderPage(s, "feedback", lang, data, status);
  v.Apply(r);
  r.Header("Cache-Control", "no-store");
  return r;
}

// ---- search clicks ----

// "/fr/articles/some-slug" or "/en/questions/some-slug": a page of this site a search result may lead to.
bool IsResultPath(const std::string& path) {
  auto parts = core::Split(path, '/');
  return parts.size() == 4 && parts[0].empty() && i18n::IsSupportedLang(parts[1]) &&
         (parts[2] == "articles" || parts[2] == "questions") && core::IsSlug(parts[3]);
}

Response SearchClick(const Services& s, const Request& req) {
  std::string to = req.Query("to");
  if (!IsResultPath(to)) return ErrorPage(s, req, 404);
  std::string q = req.Query("q");
  if (!q.empty() && core::IsValidUtf8(q) && q.size() <= 500) s.insights->CountClick(req.Param("lang"), q);
  Response r = Response::Redirect(303, to);
  r.Header("Cache-Control", "no-store");
  return r;
}

}  // namespace

std::string SearchClickUrl(const std::string& lang, const std::string& query, const std::string& target) {
  return core::UrlWithQuery("/" + lang + "/search/go", {{"q", query}, {"to", target}});
}

std::string CsvField(const std::string& value) {
  std::string v = value;
  if (!v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t' || v[0] == '\r'))
    v = "'" + v;
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  return "\"" + core::ReplaceAll(v, "\"", "\"\"") + "\"";
}

Handler InsightsPage(const Services& services, Response (*fn)(const Services&, const Request&)) {
  const Services* s = &services;
  return [s, fn](Request& req) {
    if (!i18n::IsSupportedLang(req.Param("lang")) || !s->insights) return ErrorPage(*s, req, 404);
    return fn(*s, req);
  };
}

void RegisterDashboard(Router& router, const Services& services) {
  auto page = [&](Response (*fn)(const Services&, const Request&)) { return InsightsPage(services, fn); };
  router.Add("GET", "/{lang}/admin/dashboard", page(DashboardPage));
  router.Add("GET", "/{lang}/admin/dashboard/csv/{table}", page(DashboardCsv));
  router.Add("POST", "/{lang}/articles/{slug}/feedback", page(FeedbackPost));
  router.Add("GET", "/{lang}/search/go", page(SearchClick));
}

}  // namespace entraide::http
