// Finding the article someone means (issue #21): volunteers link an article to a ticket by what they have at
// hand, its address, its slug or its title, not only by the key no page shows. Thread-safe (reads only).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "kb/article_service.h"

namespace entraide::kb {

// The key of the served article that `input` names, tried in this order: an address (absolute, with any host,
// or a path: ".../{lang}/articles/{slug}", query and fragment ignored), a key, a slug (in `lang` first, then
// the other language), a title (case and accents as written, surrounding spaces ignored; `lang` first).
// kInvalidArgument for field "article": empty (error_article_required) or naming no article
// (error_article_unknown).
core::StatusOr<std::string> ResolveArticleKey(ArticleService& articles, std::string_view input,
                                              const std::string& lang);

// The article of `key` as `lang` reads it: that version's title and path when it exists, else the first
// version's; nullopt when no version is served.
struct ArticleRef {
  std::string title, path, lang;
};
std::optional<ArticleRef> ArticleForKey(ArticleService& articles, const std::string& key, const std::string& lang);

}  // namespace entraide::kb
