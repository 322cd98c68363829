#include "http/search_pages.h"

#include <map>

#include "core/escape.h"
#include "core/json_writer.h"
#include "core/log.h"
#include "core/strings.h"
#include "http/dashboard_pages.h"
#include "http/presenter.h"
#include "http/session.h"
#include "http/status_map.h"
#include "i18n/catalog.h"

namespace entraide::http {
namespace {

constexpr int kPageSize = 10;

// Parses the filters shared by the page and the API. Returns "" or a message naming the bad parameter.
std::string ReadRequest(const Request& req, kb::SearchRequest& out) {
  out.q = req.Query("q");
  out.lang = req.Query("lang");
  out.category = req.Query("category");
  out.tag = req.Query("tag");
  out.kind = req.Query("kind");
  out.page_size = kPageSize;
  if (!out.lang.empty() && !i18n::IsSupportedLang(out.lang)) return "lang must be en or fr";
  if (!out.kind.empty() && out.kind != "article" && out.kind != "question") return "kind must be article or question";
  for (const std::string* f : {&out.category, &out.tag})
    if (!f->empty() && !core::IsSlug(*f)) return "category and tag are lower-case words joined by '-'";
  std::string page = req.Query("page");
  if (!page.empty()) {
    int64_t p = PositiveId(page);  // 0 when not a number
    if (p < 1 || p > model::kMaxSearchPage)
      return "page must be a number from 1 to " + std::to_string(model::kMaxSearchPage);
    out.page = static_cast<int>(p);
  }
  return "";
}

// The URL of the search page with the current parameters, one of them changed ("" removes it).
std::string SearchUrl(const std::string& lang, const kb::SearchRequest& r, const std::string& key,
                      const std::string& value) {
  std::vector<std::pair<std::string, std::string>> p = {
      {"category", r.category}, {"kind", r.kind}, {"lang", r.lang}, {"page", ""}, {"q", r.q}, {"tag", r.tag}};
  for (auto& [k, v] : p)
    if (k == key) v = value;
  return core::UrlWithQuery("/" + lang + "/search", p);
}

std::string CategoryName(const std::vector<kb::CategoryInfo>& cats, const std::string& slug) {
  for (const auto& c : cats)
    if (c.slug == slug) return c.name;
  return slug;
}

Response SearchPage(const Services& s, const Request& req) {
  std::string lang = req.Param("lang");
  Visitor visitor(s, req);
  if (!i18n::IsSupportedLang(lang)) return ErrorPage(s, req, 404);
  const auto& t = s.catalogs.For(lang);
  kb::SearchRequest sr;
  std::string problem = ReadRequest(req, sr);
  sr.visitor_lang = lang;
  auto cats = s.articles.Categories(lang);
  if (!cats.ok()) return ErrorPage(s, req, 503);

  std::string title = sr.q.empty() ? t.Get("search_title") : t.Get("search_title") + " — " + sr.q;
  view::Value data = PageData(s, lang, title, SearchUrl(i18n::OtherLang(lang), sr, "lang", ""), "search", &visitor);
  data.Set("q", sr.q);
  data.Set("has_query", !sr.q.empty());
  int status = 200;
  kb::SearchResult result;
  if (problem.empty()) {
    auto r = s.search.Search(sr);
    if (r.ok()) {
      result = std::move(r).value();
    } else if (r.status().code() == core::StatusCode::kInvalidArgument) {
      problem = r.status().message();
    } else {
      core::LogError("search failed", {{"detail", r.status().message()}});
      problem = t.Get("search_unavailable");
      status = 503;
    }
  }
  if (!problem.empty()) {
    data.Set("error", problem);
    if (status == 200) status = 400;
  }
  data.Set("total", result.total).Set("estimated", result.estimated);
  data.Set("has_results", !result.hits.empty());
  data.Set("no_results", problem.empty() && !sr.q.empty() && result.hits.empty());
  // Search gaps (insights): a first page without filters is one search; its results' links count clicks.
  bool unfiltered = sr.lang.empty() && sr.category.empty() && sr.tag.empty() && sr.kind.empty();
  if (s.insights && problem.empty() && !sr.q.empty() && sr.page == 1 && unfiltered)
    s.insights->CountSearch(lang, sr.q, result.hits.empty());
  data.Set("used_or", result.used_or);
  if (!result.suggestion.empty()) {
    view::Value sug = view::Value::Object();
    sug.Set("text", result.suggestion).Set("url", SearchUrl(lang, sr, "q", result.suggestion));
    data.Set("suggestion", std::move(sug));
  }
  view::Value hits = view::Value::List();
  for (const auto& h : result.hits) {
    view::Value hv = view::Value::Object();
    hv.Set("title", h.title).Set("snippet_html", h.snippet_html);
    hv.Set("url", s.insights ? SearchClickUrl(lang, sr.q, h.url) : h.url);
    hv.Set("lang", h.lang).Set("lang_name", LangName(s, h.lang)).Set("other_lang", h.lang != lang);
    hv.Set("category_name", CategoryName(*cats, h.category)).Set("kind", t.Get("kind_" + h.kind));
    hits.Push(std::move(hv));
  }
  data.Set("hits", std::move(hits));

  // Facets: each value is a link that adds (or, when active, removes) the filter.
  view::Value facets = view::Value::List();
  auto facet = [&](const std::string& key, const std::string& label,
                   const std::function<std::string(const std::string&)>& name, const std::string& active) {
    auto it = result.facets.find(key);
    if (it == result.facets.end() || it->second.empty()) return;
    view::Value f = view::Value::Object();
    f.Set("label", label);
    view::Value values = view::Value::List();
    for (const auto& [value, count] : it->second) {
      view::Value v = view::Value::Object();
      bool on = value == active;
      v.Set("name", name(value)).Set("count", count).Set("active", on);
      v.Set("url", SearchUrl(lang, sr, key, on ? "" : value));
      values.Push(std::move(v));
    }
    f.Set("values", std::move(values));
    facets.Push(std::move(f));
  };
  facet(
      "category", t.Get("facet_category"), [&](const std::string& v) { return CategoryName(*cats, v); }, sr.category);
  facet(
      "lang", t.Get("facet_lang"), [&s](const std::string& v) { return LangName(s, v); }, sr.lang);
  facet(
      "kind", t.Get("facet_kind"), [&](const std::string& v) { return t.Get("kind_" + v); }, sr.kind);
  facet(
      "tag", t.Get("facet_tag"), [](const std::string& v) { return "#" + v; }, sr.tag);
  data.Set("has_facets", !facets.list().empty());
  data.Set("facets", std::move(facets));

  if (result.pages > 1) {
    if (result.page > 1) data.Set("prev_url", SearchUrl(lang, sr, "page", std::to_string(result.page - 1)));
    if (result.page < result.pages) data.Set("next_url", SearchUrl(lang, sr, "page", std::to_string(result.page + 1)));
    data.Set("page_info", std::to_string(result.page) + " / " + std::to_string(result.pages));
  }
  // No result: suggest categories and offer to ask the help desk with the question prefilled.
  view::Value cat_list = view::Value::List();
  for (const auto& c : *cats) {
    if (c.count == 0) continue;
    view::Value cv = view::Value::Object();
    cv.Set("name", c.name).Set("url", "/" + lang + "/categories/" + c.url_slug);
    cat_list.Push(std::move(cv));
  }
  data.Set("categories", std::move(cat_list));
  data.Set("ticket_url", "/" + lang + "/tickets/new?subject=" + core::UrlEncodeComponent(sr.q));
  Response r = RenderPage(s, "search", lang, data, status);
  visitor.Apply(r);
  r.Header("Cache-Control", "no-store");
  return r;
}

Response SearchApi(const Services& s, const Request& req) {
  kb::SearchRequest sr;
  std::string problem = ReadRequest(req, sr);
  if (!problem.empty()) return JsonError(400, "invalid_argument", problem);
  sr.visitor_lang = sr.lang.empty() ? PreferredLang(req, s.site) : sr.lang;
  auto r = s.search.Search(sr);
  if (!r.ok()) {
    if (r.status().code() == core::StatusCode::kInvalidArgument)
      return JsonError(400, "invalid_argument", r.status().message());
    return JsonError(r.status());
  }
  core::JsonWriter w;
  w.BeginObject()
      .Field("query", r->query)
      .Field("total", r->total)
      .Field("estimated", r->estimated)
      .Field("suggestion", r->suggestion);
  w.Field("page", r->page).Field("pages", r->pages);
  w.Key("facets").BeginObject();
  for (const char* name : {"category", "tag", "lang", "kind"}) {
    w.Key(name).BeginObject();
    auto it = r->facets.find(name);
    if (it != r->facets.end())
      for (const auto& [k, v] : it->second) w.Field(k, v);
    w.EndObject();
  }
  w.EndObject();
  w.Key("results").BeginArray();
  for (const auto& h : r->hits) {
    w.BeginObject().Field("kind", h.kind).Field("lang", h.lang).Field("slug", h.slug).Field("title", h.title);
    w.Field("snippet", h.snippet_html).Field("url", s.site.base_url + h.url).Field("score", h.score);
    w.Field("category", h.category).EndObject();
  }
  w.EndArray().EndObject();
  return Response::Json(200, w.Take());
}

Response SuggestApi(const Services& s, const Request& req) {
  std::string lang = req.Query("lang");
  if (lang.empty()) lang = PreferredLang(req, s.site);
  if (!i18n::IsSupportedLang(lang)) return JsonError(400, "invalid_argument", "lang must be en or fr");
  auto r = s.search.Suggest(req.Query("q"), lang, 8);
  if (!r.ok()) {
    if (r.status().code() == core::StatusCode::kInvalidArgument)
      return JsonError(400, "invalid_argument", r.status().message());
    return JsonError(r.status());
  }
  core::JsonWriter w;
  w.BeginObject().Key("suggestions").BeginArray();
  for (const auto& h : *r) {
    w.BeginObject().Field("title", h.title).Field("url", h.url).Field("lang", h.lang).Field("slug", h.slug);
    w.EndObject();
  }
  w.EndArray().EndObject();
  return Response::Json(200, w.Take());
}

}  // namespace

void RegisterSearch(Router& router, const Services& services) {
  const Services* s = &services;
  router.Add("GET", "/api/v1/search", [s](Request& req) { return SearchApi(*s, req); });
  router.Add("GET", "/api/v1/suggest", [s](Request& req) { return SuggestApi(*s, req); });
  router.Add("GET", "/{lang}/search", [s](Request& req) { return SearchPage(*s, req); });
}

}  // namespace entraide::http
