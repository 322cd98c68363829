// EditorialService: the library edited online. Volunteers write drafts and propose changes; coordinators and the
// volunteers they named editors publish (auth::Policy: kWriteArticle, kPublishArticle). Every save is a new
// revision (model::Revision, the whole file's text); nothing reaches `articles` (what pages, the API, search,
// the feed and digests read) until a revision is published, and publishing writes the index queue in the same
// transaction and calls the published hook after the commit (serve pokes the index worker: search follows
// within a second). Thread-safe: each call takes its own connection from the pool.
//
// Statuses: kUnauthenticated (nobody signed in); kPermissionDenied (a member, or publishing without being an
// editor); kNotFound (no such article or revision); kInvalidArgument naming the field (`title`, `slug`, `body`,
// `category`, `tags`, `summary`, `change_summary`, `lang`) with its catalog key; kTooLarge for a body over
// kb::kMaxArticleBytes; kDeadlineExceeded when the Markdown takes longer than the renderer's budget;
// kAlreadyExists for a new article whose slug is taken in its language; kConflict for publishing or declining
// a revision that no longer waits.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "auth/principal.h"
#include "core/clock.h"
#include "core/status.h"
#include "editorial/ticket_draft.h"
#include "model/editorial.h"

namespace entraide::store {
class Pool;
}  // namespace entraide::store

namespace entraide::editorial {

// What the editor opens: the fields of the latest revision (the head: the newest that is published or waits),
// and that revision's id, which the form sends back (a save on another head is a conflict).
struct EditorState {
  model::ArticleFields fields;
  int64_t base_revision_id = 0;         // 0: a new article
  bool published = false;               // the article has a published version
  std::optional<model::Revision> head;  // with source
};

struct SaveRequest {
  model::ArticleFields fields;     // lang and slug name the article; a new article's slug is checked (a-z, 0-9, -)
  int64_t base_revision_id = 0;    // the head the editor was opened on; 0: a new article
  std::string change_summary;      // short; up to 300 characters
  bool publish = false;            // publish at once (editors only: kPermissionDenied otherwise)
  bool needs_translation = false;  // the other language must follow this change (TranslationTodo kStale)
  int64_t follows_id = 0;          // a translation: the source's revision it was written beside (0: none)
  int64_t ticket_id = 0;  // drafted from this solved ticket (origin kTicket; counted in the coordinator summary)
};

struct SaveOutcome {
  int64_t revision_id = 0;  // 0 when not saved (conflict)
  bool published = false;
  // Set when base_revision_id is not the head any more: nothing was saved; the handler answers 409 with both
  // versions (this head, with its source, and what was sent).
  std::optional<model::Revision> conflict_with;
};

// Two revisions (with their sources) and the word-level comparison of their texts.
struct Comparison {
  model::Revision from, to;
  std::vector<model::DiffPiece> pieces;
};

// What publishing and restoring report to serve (the index worker's poke).
using PublishedHook = std::function<void()>;

class EditorialService {
 public:
  EditorialService(store::Pool& pool, const core::Clock& clock) : pool_(pool), clock_(clock) {}
  void SetPublishedHook(PublishedHook hook) { published_hook_ = std::move(hook); }

  // The editor for the article `lang`/`slug` (kWriteArticle). kNotFound when it has no revision.
  core::StatusOr<EditorState> Open(const auth::Principal* who, const std::string& lang, const std::string& slug);
  // Checks and saves a new revision: pending, or published when `publish` (editors). Renders the body through
  // the bounded renderer before anything is written (an article that cannot be served is never saved).
  core::StatusOr<SaveOutcome> Save(const auth::Principal* who, const SaveRequest& request);
  // The server's preview: the body rendered as the article page would show it (bounded: size, 2 s budget).
  // Any volunteer (kWriteArticle). Returns safe HTML.
  core::StatusOr<std::string> Preview(const auth::Principal* who, const std::string& markdown);

  // Publishes a waiting revision (kPublishArticle): the article serves it, search and the feed follow.
  core::Status Publish(const auth::Principal* who, int64_t revision_id);
  // Declines a waiting revision with an optional note (kPublishArticle).
  core::Status Decline(const auth::Principal* who, int64_t revision_id, const std::string& note);
  // A new revision with the text of `revision_id` (an older one): published at once for editors, waiting for
  // review otherwise. Returns the new revision's id.
  core::StatusOr<int64_t> Restore(const auth::Principal* who, int64_t revision_id);

  // Every revision of `lang`/`slug`, newest first, without source (kWriteArticle).
  core::StatusOr<std::vector<model::Revision>> History(const auth::Principal* who, const std::string& lang,
                                                       const std::string& slug);
  // One revision with its source (kWriteArticle).
  core::StatusOr<model::Revision> Get(const auth::Principal* who, int64_t revision_id);
  // The word-level comparison of two revisions' texts (any two, of any article), old first, with the two
  // revisions it read (kWriteArticle).
  core::StatusOr<Comparison> Compare(const auth::Principal* who, int64_t from_id, int64_t to_id);

  // What waits for an editor, oldest first (kWriteArticle: volunteers see what waits too).
  core::StatusOr<std::vector<model::ReviewItem>> Waiting(const auth::Principal* who);
  // Translations missing or behind, oldest first, both directions (kWriteArticle).
  core::StatusOr<std::vector<model::TranslationTodo>> Translations(const auth::Principal* who);

  // The editor's first text for a draft from a solved ticket (ticket_draft.h, with this service's pool).
  core::StatusOr<TicketDraft> DraftFromTicket(const auth::Principal* who, int64_t ticket_id, const std::string& lang,
                                              const DraftWords& words);

 private:
  store::Pool& pool_;
  const core::Clock& clock_;
  PublishedHook published_hook_;
};

}  // namespace entraide::editorial
