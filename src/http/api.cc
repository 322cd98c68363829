#include "http/api.h"

#include "core/json_writer.h"
#include "core/log.h"
#include "core/strings.h"
#include "http/status_map.h"
#include "i18n/catalog.h"

namespace entraide::http {
namespace {

void WriteTags(core::JsonWriter& w, const std::vector<std::string>& tags) {
  w.Key("tags").BeginArray();
  for (const auto& t : tags) w.String(t);
  w.EndArray();
}

Response ListArticles(const Services& s, const Request& req) {
  std::string lang = req.Query("lang");
  if (!lang.empty() && !i18n::IsSupportedLang(lang)) return JsonError(422, "invalid_argument", "lang must be en or fr");
  std::string category = req.Query("category"), tag = req.Query("tag");
  if (category.size() > 120 || tag.size() > 120) return JsonError(422, "invalid_argument", "filter too long");
  core::JsonWriter w;
  w.BeginObject().Key("articles").BeginArray();
  int total = 0;
  for (const auto& l : i18n::SupportedLangs()) {
    if (!lang.empty() && l != lang) continue;
    auto list = s.articles.List({l, category, tag, 100000});
    if (!list.ok()) return JsonError(list.status());
    for (const auto& a : *list) {
      w.BeginObject();
      w.Field("title", a.title).Field("slug", a.slug).Field("lang", a.lang).Field("key", a.key);
      w.Field("category", a.category);
      WriteTags(w, a.tags);
      w.Field("summary", a.summary).Field("updated", a.updated);
      w.Field("url", s.site.base_url + "/" + a.lang + "/articles/" + a.slug);
      w.EndObject();
      ++total;
    }
  }
  w.EndArray().Field("total", total).EndObject();
  return Response::Json(200, w.Take());
}

Response GetArticle(const Services& s, const Request& req) {
  std::string lang = req.Param("lang");
  if (!i18n::IsSupportedLang(lang)) return JsonError(404, "not_found", "no such article");
  auto page = s.articles.Get(lang, req.Param("slug"));
  if (!page.ok()) {
    if (page.status().code() == core::StatusCode::kNotFound) return JsonError(404, "not_found", "no such article");
    return JsonError(page.status());
  }
  const auto& a = page->article;
  core::JsonWriter w;
  w.BeginObject().Key("article").BeginObject();
  w.Field("title", a.title).Field("slug", a.slug).Field("lang", a.lang).Field("key", a.key);
  w.Field("category", a.category);
  WriteTags(w, a.tags);
  w.Field("summary", a.summary).Field("updated", a.updated).Field("html", a.html);
  w.Field("url", s.site.base_url + "/" + a.lang + "/articles/" + a.slug);
  w.Key("translations").BeginArray();
  for (const auto& t : page->translations) {
    w.BeginObject().Field("lang", t.lang).Field("slug", t.slug);
    w.Field("url", s.site.base_url + "/" + t.lang + "/articles/" + t.slug).EndObject();
  }
  w.EndArray();
  w.EndObject().EndObject();
  return Response::Json(200, w.Take());
}

}  // namespace

void RegisterApi(Router& router, const Services& services) {
  const Services* s = &services;
  router.Add("GET", "/api/v1/articles", [s](Request& req) { return ListArticles(*s, req); });
  router.Add("GET", "/api/v1/articles/{lang}/{slug}", [s](Request& req) { return GetArticle(*s, req); });
}

}  // namespace entraide::http
