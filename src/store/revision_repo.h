// RevisionRepository: the SQL of the library's revisions (article_revisions, migration 0018): every saved,
// imported or restored version of an article, the review queue and the translations to do. Borrows a Database;
// not thread-safe (one per thread, like its Database).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/editorial.h"
#include "store/database.h"

namespace entraide::store {

class RevisionRepository {
 public:
  explicit RevisionRepository(Database& db) : db_(db) {}

  // Writes `r` (its id, names and `current` are ignored) and returns its id.
  StatusOr<int64_t> Insert(const model::Revision& r);
  // One revision with its source and the names of its author and reviewer.
  StatusOr<std::optional<model::Revision>> Find(int64_t id);
  // The newest revision of lang/slug that is published or waits (what the editor opens), with its source.
  StatusOr<std::optional<model::Revision>> Head(const std::string& lang, const std::string& slug);
  // Every revision of lang/slug, newest first, without source; `current` marks the one the article serves.
  StatusOr<std::vector<model::Revision>> OfArticle(const std::string& lang, const std::string& slug);
  // The newest revision of lang/slug whose source_hash is `hash` and that is in conflict or was declined (a
  // file's text import kept once), without source; nullopt when there is none.
  StatusOr<std::optional<model::Revision>> KeptFileText(const std::string& lang, const std::string& slug,
                                                        const std::string& hash);
  Status SetState(int64_t id, model::RevisionState state, int64_t reviewer, int64_t at, const std::string& note);
  // Pending and conflict revisions, oldest first, without source.
  StatusOr<std::vector<model::ReviewItem>> Waiting();
  // Served articles whose other language is missing or behind (a published revision marked needs_translation
  // newer than the one the translation follows), oldest first.
  StatusOr<std::vector<model::TranslationTodo>> Translations();
  // The served article in another language that lang/slug is behind, if any: {lang, slug}.
  StatusOr<std::optional<std::pair<std::string, std::string>>> AheadOf(const std::string& lang,
                                                                       const std::string& slug);
  // The origin of the revision lang/slug serves (nullopt: none recorded, or not served).
  StatusOr<std::optional<model::RevisionOrigin>> ServedOrigin(const std::string& lang, const std::string& slug);

 private:
  Database& db_;
};

}  // namespace entraide::store
