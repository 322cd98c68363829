#include "kb/article_lookup.h"

#include "core/strings.h"

namespace entraide::kb {
namespace {

std::string Other(const std::string& lang) { return lang == "en" ? "fr" : "en"; }

// The key of the served article lang/slug, or "".
std::string KeyOf(ArticleService& articles, const std::string& lang, const std::string& slug) {
  if (slug.empty() || (lang != "en" && lang != "fr")) return "";
  auto page = articles.Get(lang, slug);
  return page.ok() ? page->article.key : "";
}

}  // namespace

core::StatusOr<std::string> ResolveArticleKey(ArticleService& articles, std::string_view input,
                                              const std::string& lang) {
  std::string text(core::Trim(input));
  if (text.empty()) return core::InvalidField("article", "required").WithKey("error_article_required");
  if (text.size() > 2000)
    return core::InvalidField("article", "at most 2000 characters").WithKey("error_article_unknown");
  // An address: what follows "/articles/" in a path that has it after a language.
  if (size_t at = text.find("/articles/"); at != std::string::npos && at >= 3 && text[at - 3] == '/') {
    std::string page_lang = text.substr(at - 2, 2);
    std::string slug = text.substr(at + 10);
    slug = slug.substr(0, slug.find_first_of("?#/"));
    if (std::string key = KeyOf(articles, page_lang, slug); !key.empty()) return key;
  } else {
    auto versions = articles.Translations(text);
    if (versions.ok() && !versions->empty()) return text;
    for (const std::string& l : {lang, Other(lang)})
      if (std::string key = KeyOf(articles, l, text); !key.empty()) return key;
    for (const std::string& l : {lang, Other(lang)}) {
      model::ArticleFilter f;
      f.lang = l;
      f.limit = 100000;
      auto list = articles.List(f);
      if (!list.ok()) return list.status();
      for (const auto& a : *list)
        if (core::ToLowerAscii(a.title) == core::ToLowerAscii(text)) return a.key;
    }
  }
  return core::InvalidField("article", "no article with this address, slug, title or key")
      .WithKey("error_article_unknown");
}

std::optional<ArticleRef> ArticleForKey(ArticleService& articles, const std::string& key, const std::string& lang) {
  auto versions = articles.Translations(key);
  if (!versions.ok() || versions->empty()) return std::nullopt;
  const auto* best = &versions->front();
  for (const auto& a : *versions)
    if (a.lang == lang) best = &a;
  return ArticleRef{best->title, "/" + best->lang + "/articles/" + best->slug, best->lang};
}

}  // namespace entraide::kb
