#include "http/pages.h"

#include <map>
#include <optional>

#include "auth/policy.h"
#include "core/clock.h"
#include "core/escape.h"
#include "core/json_writer.h"
#include "core/log.h"
#include "http/presenter.h"
#include "http/prose.h"
#include "http/session.h"
#include "http/status_map.h"
#include "http/validators.h"
#include "i18n/catalog.h"

namespace entraide::http {
namespace {

constexpr int kRecentOnHome = 6;

// Pages under /{lang}/ remember the language for the next visit to "/": the cookie is sent when the
// language changes, not with every page (which also kept browsers from reusing the pages).
void RememberLang(const Request& req, Response& r, const std::string& lang) {
  if (req.Cookie("lang") == lang) return;
  r.Header("Set-Cookie", SetCookieHeader("lang", lang, {.max_age = 31536000, .http_only = false}));
}

Response ServiceError(const Services& s, const Request& req, const core::Status& st) {
  if (HttpStatusFor(st) >= 500) LogServiceError(st);
  return ErrorPage(s, req, HttpStatusFor(st));
}

Response Home(const Services& s, const Request& req) {
  std::string lang = req.Param("lang");
  Visitor visitor(s, req);
  const auto& t = s.catalogs.For(lang);
  auto cats = s.articles.Categories(lang);
  if (!cats.ok()) return ServiceError(s, req, cats.status());
  auto recent = s.articles.List({lang, "", "", kRecentOnHome});
  if (!recent.ok()) return ServiceError(s, req, recent.status());
  view::Value data = PageData(s, lang, t.Get("home_title"), "/" + i18n::OtherLang(lang) + "/", "home", &visitor);
  data.Set("is_home", true);
  view::Value categories = view::Value::List();
  for (const auto& c : *cats) {
    if (c.count == 0) continue;
    view::Value cv = view::Value::Object();
    cv.Set("name", c.name).Set("description", c.description).Set("count", c.count);
    cv.Set("url", "/" + lang + "/categories/" + c.url_slug);
    categories.Push(std::move(cv));
  }
  data.Set("has_categories", !categories.list().empty());
  data.Set("categories", std::move(categories));
  view::Value list = view::Value::List();
  for (const auto& a : *recent) list.Push(ArticleSummaryValue(s, a));
  data.Set("recent", std::move(list));
  data.Set("has_recent", !recent->empty());
  Response r = RenderPage(s, "home", lang, data);
  visitor.Apply(r);
  return r;
}

Response ArticleList(const Services& s, const Request& req) {
  std::string lang = req.Param("lang");
  Visitor visitor(s, req);
  const auto& t = s.catalogs.For(lang);
  auto cats = s.articles.Categories(lang);
  if (!cats.ok()) return ServiceError(s, req, cats.status());
  auto all = s.articles.List({lang, "", "", 100000});
  if (!all.ok()) return ServiceError(s, req, all.status());
  auto tags = s.articles.Tags(lang);
  if (!tags.ok()) return ServiceError(s, req, tags.status());

  view::Value data =
      PageData(s, lang, t.Get("articles_title"), "/" + i18n::OtherLang(lang) + "/articles", "articles", &visitor);
  view::Value groups = view::Value::List();
  std::map<std::string, bool> known;
  auto sorted = *all;
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.title < b.title; });
  for (const auto& c : *cats) {
    known[c.slug] = true;
    view::Value items = view::Value::List();
    for (const auto& a : sorted)
      if (a.category == c.slug) items.Push(ArticleSummaryValue(s, a));
    if (items.list().empty()) continue;
    view::Value g = view::Value::Object();
    g.Set("name", c.name).Set("description", c.description).Set("slug", c.slug);
    g.Set("url", "/" + lang + "/categories/" + c.url_slug);
    g.Set("articles", std::move(items));
    groups.Push(std::move(g));
  }
  view::Value others = view::Value::List();
  for (const auto& a : sorted)
    if (!known.count(a.category)) others.Push(ArticleSummaryValue(s, a));
  if (!others.list().empty()) {
    view::Value g = view::Value::Object();
    g.Set("name", t.Get("articles_other")).Set("slug", "other").Set("articles", std::move(others));
    groups.Push(std::move(g));
  }
  data.Set("has_groups", !groups.list().empty());
  data.Set("groups", std::move(groups));
  data.Set("empty", all->empty());
  view::Value tag_list = view::Value::List();
  for (const auto& [tag, count] : *tags) {
    view::Value tv = view::Value::Object();
    tv.Set("name", tag).Set("count", count).Set("url", "/" + lang + "/tags/" + tag);
    tag_list.Push(std::move(tv));
  }
  data.Set("tags", std::move(tag_list));
  data.Set("has_tags", !tags->empty());
  Response r = RenderPage(s, "articles", lang, data);
  visitor.Apply(r);
  return r;
}

Response Article(const Services& s, const Request& req) {
  std::string lang = req.Param("lang");
  Visitor visitor(s, req);
  const auto& t = s.catalogs.For(lang);
  auto page = s.articles.Get(lang, req.Param("slug"));
  if (!page.ok()) return ServiceError(s, req, page.status());
  const auto& a = page->article;
  std::string alt_url = "/" + i18n::OtherLang(lang) + "/articles";
  view::Value translations = view::Value::List();
  for (const auto& tr : page->translations) {
    std::string url = "/" + tr.lang + "/articles/" + tr.slug;
    if (tr.lang == i18n::OtherLang(lang)) alt_url = url;
    view::Value tv = view::Value::Object();
    tv.Set("lang", tr.lang).Set("lang_name", LangName(s, tr.lang)).Set("url", url).Set("title", tr.title);
    tv.Set("absolute_url", s.site.base_url + url);
    translations.Push(std::move(tv));
  }
  view::Value data = PageData(s, lang, a.title, alt_url, "articles", &visitor);
  data.Set("article_title", a.title);
  data.Set("slug", a.slug);
  data.Set("summary", a.summary);
  data.Set("body_html", WrapTables(a.html, t.Get("table_scroll_label")));
  if (!a.summary.empty()) data.Set("meta_description", a.summary);  // else the site's tagline
  data.Set("updated", a.updated);
  data.Set("updated_human", HumanDate(s, a.updated, lang));
  data.Set("canonical_url", s.site.base_url + "/" + lang + "/articles/" + a.slug);
  data.Set("has_translations", !page->translations.empty());
  data.Set("translations", std::move(translations));
  if (page->newer_translation) {
    const auto& n = *page->newer_translation;
    view::Value nv = view::Value::Object();
    nv.Set("url", "/" + n.lang + "/articles/" + n.slug).Set("lang", n.lang).Set("lang_name", LangName(s, n.lang));
    nv.Set("updated_human", HumanDate(s, n.updated, lang));
    data.Set("newer", std::move(nv));
  }
  if (!a.category.empty()) {
    data.Set("category_name", page->category_name);
    data.Set("category_url", "/" + lang + "/categories/" + page->category_url_slug);
  }
  view::Value tags = view::Value::List();
  for (const auto& tag : a.tags) {
    view::Value tv = view::Value::Object();
    tv.Set("name", tag).Set("url", "/" + lang + "/tags/" + tag);
    tags.Push(std::move(tv));
  }
  data.Set("tags", std::move(tags));
  data.Set("has_tags", !a.tags.empty());
  // A table of contents for long articles.
  if (page->toc.size() >= 3 || (a.word_count > 700 && page->toc.size() >= 2)) {
    data.Set("toc", NestedToc(page->toc));
    data.Set("has_toc", true);
  }
  // Volunteers' tools; never in the cached page (only visitors who are not signed in are served from the cache).
  if (auth::Allows(visitor.who(), auth::Action::kWriteArticle)) {
    data.Set("edit_url", "/" + lang + "/articles/" + a.slug + "/edit");
    data.Set("history_url", "/" + lang + "/articles/" + a.slug + "/history");
  }
  Response r = RenderPage(s, "article", lang, data);
  visitor.Apply(r);
  return r;
}

Response Category(const Services& s, const Request& req) {
  std::string lang = req.Param("lang");
  Visitor visitor(s, req);
  std::string slug = req.Param("slug");
  auto cats = s.articles.Categories(lang);
  if (!cats.ok()) return ServiceError(s, req, cats.status());
  const kb::CategoryInfo* cat = nullptr;
  for (const auto& c : *cats)
    if (c.url_slug == slug) cat = &c;
  if (!cat) {
    // An old address (the slug, or the other language's): moved for good to this language's.
    for (const auto& c : *cats)
      if (c.slug == slug || c.alt_url_slug == slug)
        return Response::Redirect(301, "/" + lang + "/categories/" + c.url_slug);
    return ErrorPage(s, req, 404);
  }
  slug = cat->slug;
  auto list = s.articles.List({lang, slug, "", 100000});
  if (!list.ok()) return ServiceError(s, req, list.status());
  view::Value data = PageData(s, lang, cat->name, "/" + i18n::OtherLang(lang) + "/categories/" + cat->alt_url_slug,
                              "articles", &visitor);
  data.Set("name", cat->name).Set("description", cat->description);
  if (!cat->description.empty()) data.Set("meta_description", cat->description);
  view::Value items = view::Value::List();
  for (const auto& a : *list) items.Push(ArticleSummaryValue(s, a));
  data.Set("articles", std::move(items));
  data.Set("empty", list->empty());
  Response r = RenderPage(s, "category", lang, data);
  visitor.Apply(r);
  return r;
}

Response Tag(const Services& s, const Request& req) {
  std::string lang = req.Param("lang");
  Visitor visitor(s, req);
  std::string tag = req.Param("tag");
  const auto& t = s.catalogs.For(lang);
  auto list = s.articles.List({lang, "", tag, 100000});
  if (!list.ok()) return ServiceError(s, req, list.status());
  if (list->empty()) return ErrorPage(s, req, 404);
  view::Value data = PageData(s, lang, t.Get("tag_title") + " " + tag, "/" + i18n::OtherLang(lang) + "/articles",
                              "articles", &visitor);
  data.Set("tag", tag);
  view::Value items = view::Value::List();
  for (const auto& a : *list) items.Push(ArticleSummaryValue(s, a));
  data.Set("articles", std::move(items));
  Response r = RenderPage(s, "tag", lang, data);
  visitor.Apply(r);
  return r;
}

std::string AtomDate(const std::string& iso_date) {
  return iso_date.size() == 10 ? iso_date + "T00:00:00Z" : "1970-01-01T00:00:00Z";
}

Response Feed(const Services& s, const Request& req) {
  std::string lang = req.Param("lang");
  const auto& t = s.catalogs.For(lang);
  auto items = s.articles.Feed(lang, 30);
  if (!items.ok()) return ServiceError(s, req, items.status());
  std::string base = s.site.base_url;
  std::string updated = items->empty() ? "1970-01-01" : items->front().updated;
  std::string x =
      "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"" + lang +
      "\">\n";
  x += "  <id>" + core::XmlEscape(base + "/" + lang + "/") + "</id>\n";
  x += "  <title>" + core::XmlEscape(s.site.name + " — " + t.Get("feed_title")) + "</title>\n";
  x += "  <updated>" + AtomDate(updated) + "</updated>\n";
  x += "  <link rel=\"self\" type=\"application/atom+xml\" href=\"" +
       core::XmlEscape(base + "/" + lang + "/feed.atom") + "\"/>\n";
  x += "  <link rel=\"alternate\" type=\"text/html\" href=\"" + core::XmlEscape(base + "/" + lang + "/") + "\"/>\n";
  x += "  <author><name>" + core::XmlEscape(s.site.name) + "</name></author>\n";
  for (const auto& a : *items) {
    std::string url = base + "/" + lang + "/articles/" + a.slug;
    x += "  <entry>\n";
    x += "    <id>" + core::XmlEscape(url) + "</id>\n";
    x += "    <title>" + core::XmlEscape(a.title) + "</title>\n";
    x += "    <link rel=\"alternate\" type=\"text/html\" href=\"" + core::XmlEscape(url) + "\"/>\n";
    x += "    <updated>" + AtomDate(a.updated) + "</updated>\n";
    if (!a.summary.empty()) x += "    <summary>" + core::XmlEscape(a.summary) + "</summary>\n";
    x += "    <content type=\"html\">" + core::XmlEscape(a.html) + "</content>\n";
    x += "  </entry>\n";
  }
  x += "</feed>\n";
  Response r;
  r.content_type = "application/atom+xml; charset=utf-8";
  r.body = std::move(x);
  return r;
}

}  // namespace

void RegisterPages(Router& router, const Services& services) {
  const Services* s = &services;
  router.Add("GET", "/", [s](Request& req) {
    Response r = Response::Redirect(302, "/" + PreferredLang(req, s->site) + "/");
    r.Header("Vary", "Cookie, Accept-Language");
    r.Header("Cache-Control", "no-store");
    return r;
  });
  router.Add("GET", "/healthz", [s](Request&) {
    core::Status st = s->articles.Ping();
    core::JsonWriter w;
    w.BeginObject().Field("status", st.ok() ? "ok" : "unavailable").Field("store", st.ok());
    w.Field("search", s->search.State());
    w.Field("content", s->content_importing && s->content_importing->load() ? "importing" : "ready").EndObject();
    Response r = Response::Json(st.ok() ? 200 : 503, w.Take());
    r.Header("Cache-Control", "no-store");
    return r;
  });
  router.Add("GET", "/static/{file}", [s](Request& req) { return s->static_files.Serve(req, req.Param("file")); });
  router.Add("GET", "/favicon.ico", [s](Request& req) { return s->static_files.Serve(req, "favicon.svg"); });
  router.Add("GET", "/robots.txt", [s](Request& req) { return s->static_files.Serve(req, "robots.txt"); });

  // Language-prefixed pages: a {lang} that is not en or fr is a 404.
  auto with_lang = [s](Response (*fn)(const Services&, const Request&)) {
    return [s, fn](Request& req) {
      if (!i18n::IsSupportedLang(req.Param("lang"))) return ErrorPage(*s, req, 404);
      return fn(*s, req);
    };
  };
  // Library pages look the same to every visitor who is not signed in: serve those from the cache.
  // They carry an ETag (a 304 answers an If-None-Match that names it) and the lang cookie when it changes,
  // both added after the cache, which keeps the page as every visitor gets it. A hit is answered by the
  // server's event loop (the FastHandler); a miss, a signed-in reader or an unknown language goes to a worker.
  using PageFn = Response (*)(const Services&, const Request&);
  auto finish = [](Request& req, Response r, bool anonymous) {
    if (anonymous) AnswerConditionally(req, r);
    if (r.status < 400) RememberLang(req, r, req.Param("lang"));
    return r;
  };
  auto from_cache = [s, finish](Request& req) -> std::optional<Response> {
    if (!s->page_cache || !i18n::IsSupportedLang(req.Param("lang")) || !req.Cookie(kSessionCookie).empty())
      return std::nullopt;
    auto generation = s->articles.Generation();
    if (!generation.ok()) return std::nullopt;
    auto hit = s->page_cache->Get(req.path, *generation);
    if (!hit) return std::nullopt;
    return finish(req, std::move(*hit), true);
  };
  auto cached = [s, finish, from_cache](PageFn fn) {
    return [s, fn, finish, from_cache](Request& req) {
      if (!i18n::IsSupportedLang(req.Param("lang"))) return ErrorPage(*s, req, 404);
      if (auto hit = from_cache(req)) return std::move(*hit);  // filled since the loop looked, or pipelined
      bool anonymous = req.Cookie(kSessionCookie).empty();
      if (!s->page_cache || !anonymous) return finish(req, fn(*s, req), anonymous);
      auto generation = s->articles.Generation();
      if (!generation.ok()) return finish(req, fn(*s, req), anonymous);
      Response r = fn(*s, req);
      if (r.FindHeader("Cache-Control").find("no-store") == std::string::npos &&
          r.FindHeader("Set-Cookie").find(kCsrfCookie) == std::string::npos) {
        if (r.status == 200) r.Header("ETag", BodyETag(r.body));  // computed once per cached page
        s->page_cache->Put(req.path, *generation, r);
      }
      return finish(req, std::move(r), true);
    };
  };
  router.Add("GET", "/{lang}", cached(Home), from_cache);
  router.Add("GET", "/{lang}/articles", cached(ArticleList), from_cache);
  router.Add("GET", "/{lang}/articles/{slug}", cached(Article), from_cache);
  router.Add("GET", "/{lang}/categories/{slug}", cached(Category), from_cache);
  router.Add("GET", "/{lang}/tags/{tag}", cached(Tag), from_cache);
  router.Add("GET", "/{lang}/feed.atom", with_lang([](const Services& s, const Request& req) {
               Response r = Feed(s, req);
               AnswerConditionally(req, r);
               return r;
             }));
}

}  // namespace entraide::http
