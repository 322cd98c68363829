#include "editorial/editorial_service.h"

#include <set>

#include "auth/policy.h"
#include "core/sha256.h"
#include "core/strings.h"
#include "editorial/word_diff.h"
#include "i18n/catalog.h"
#include "kb/article_file.h"
#include "kb/content.h"
#include "kb/importer.h"
#include "store/article_repo.h"
#include "store/pool.h"
#include "store/revision_repo.h"

namespace entraide::editorial {

namespace {

using model::RevisionState;

constexpr size_t kMaxChangeSummary = 300;
constexpr size_t kMaxReviewNote = 1000;

size_t CountChars(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

std::string Trimmed(const std::string& s) { return std::string(core::Trim(s)); }

// The file a revision's text is read as: its language's folder and its slug.
core::StatusOr<kb::ArticleSource> ParseSource(const std::string& source, const std::string& lang,
                                              const std::string& slug, const std::string& path = "") {
  kb::ArticleSource a;
  std::vector<kb::Problem> problems;
  if (!kb::ParseArticle(source, path.empty() ? lang + "/" + slug + ".md" : path, lang, a, problems)) {
    for (const auto& p : problems)
      if (!p.warning) return core::InvalidField("body", p.message);
    return core::InvalidField("body", "the article cannot be read");
  }
  return a;
}

core::StatusOr<kb::RenderedArticle> Render(const kb::ArticleSource& a) {
  auto r = kb::RenderArticle(a);
  if (!r.ok()) {
    if (r.status().code() == core::StatusCode::kDeadlineExceeded)
      return core::Status(core::StatusCode::kDeadlineExceeded, r.status().message())
          .For("body")
          .WithKey("error_article_render_slow");
    if (r.status().code() == core::StatusCode::kTooLarge)
      return core::TooLarge(r.status().message()).For("body").WithKey("error_article_body_large");
  }
  return r;
}

// Checks and completes the fields of a save; the catalog's key for each refusal.
core::Status CheckFields(store::ArticleRepository& articles, model::ArticleFields& f, bool is_new,
                         const std::string& today) {
  if (!i18n::IsSupportedLang(f.lang)) return core::InvalidField("lang", "must be en or fr");
  f.title = Trimmed(f.title);
  if (f.title.empty()) return core::InvalidField("title", "required").WithKey("error_article_title_required");
  if (CountChars(f.title) > 200)
    return core::InvalidField("title", "at most 200 characters").WithKey("error_article_title_long");
  if (is_new && f.slug.empty()) f.slug = core::Slugify(f.title);
  f.slug = Trimmed(f.slug);
  if (!core::IsSlug(f.slug))
    return core::InvalidField("slug", "lower-case letters, digits and single dashes").WithKey("error_article_slug");
  // Addresses of the editor's own pages (/{lang}/articles/new, .../preview).
  if (is_new && (f.slug == "new" || f.slug == "preview"))
    return core::AlreadyExists("this address is the editor's").For("slug").WithKey("error_article_slug_reserved");
  f.key = Trimmed(f.key);
  if (f.key.empty()) f.key = f.slug;
  if (!core::IsSlug(f.key))
    return core::InvalidField("key", "lower-case letters, digits and single dashes").WithKey("error_article_slug");
  f.summary = Trimmed(f.summary);
  if (CountChars(f.summary) > 600)
    return core::InvalidField("summary", "at most 600 characters").WithKey("error_article_summary_long");
  f.category = Trimmed(f.category);
  if (!f.category.empty()) {
    auto cats = articles.Categories();
    if (!cats.ok()) return cats.status();
    bool known = false;
    for (const auto& c : *cats) known = known || c.slug == f.category;
    if (!known)
      return core::InvalidField("category", "not a category of the library").WithKey("error_article_category");
  }
  std::vector<std::string> tags;
  std::set<std::string> seen;
  for (const auto& t : f.tags) {
    std::string tag = core::Slugify(t);
    if (core::Trim(t).empty()) continue;
    if (tag.empty() || tag.size() > 40)
      return core::InvalidField("tags", "each tag has 1 to 40 letters or digits").WithKey("error_article_tags");
    if (seen.insert(tag).second) tags.push_back(tag);
  }
  if (tags.size() > 12) return core::InvalidField("tags", "at most 12 tags").WithKey("error_article_tags");
  f.tags = std::move(tags);
  f.body = kb::NormalizeBody(f.body);
  if (core::Trim(f.body).empty()) return core::InvalidField("body", "required").WithKey("error_article_body_required");
  if (f.body.size() > kb::kMaxArticleBytes)
    return core::TooLarge("the text is over 512 KiB").For("body").WithKey("error_article_body_large");
  if (!core::IsValidUtf8(f.body) || !core::IsValidUtf8(f.title) || !core::IsValidUtf8(f.summary))
    return core::InvalidField("body", "not valid UTF-8");
  f.updated = today;
  f.draft = false;
  return core::Status::Ok();
}

// A revision of `a` (whose raw text is the revision's source) written by `who`.
model::Revision NewRevision(const kb::ArticleSource& a, const auth::Principal& who, int64_t now) {
  model::Revision r = kb::RevisionOf(a, core::Sha256Hex(a.raw), now);
  r.author_id = who.user_id;
  return r;
}

// Serves revision `r` (its text parsed and rendered), settles the pending revisions it was written on (they are
// part of it), bumps the library's generation. Inside the caller's transaction. kConflict when the article's
// served revision is not the one this revision's line of edits started from.
core::Status PublishLocked(store::Database& db, const model::Revision& r, const kb::ArticleSource& parsed,
                           kb::RenderedArticle rendered, const auth::Principal& who, int64_t now,
                           const std::string& note) {
  store::ArticleRepository articles(db);
  store::RevisionRepository revisions(db);
  auto stored = articles.VersionOf(r.lang, r.slug);
  if (!stored.ok()) return stored.status();
  const std::optional<store::StoredVersion>& v = *stored;
  int64_t served = v && v->published ? v->revision_id : 0;
  std::vector<int64_t> settled;
  int64_t at = r.parent_id;
  while (at != 0 && at != served) {
    auto parent = revisions.Find(at);
    if (!parent.ok()) return parent.status();
    if (!*parent || (*parent)->state != RevisionState::kPending) break;
    settled.push_back(at);
    at = (*parent)->parent_id;
  }
  if (at != served)
    return core::Conflict("the article changed since this version was written: open it in the editor")
        .WithKey("error_article_moved_on");
  kb::ArticleSource a = parsed;
  if (v && !v->source_path.empty()) a.path = v->source_path;
  ENTRAIDE_RETURN_IF_ERROR(kb::ServeArticle(articles, a, std::move(rendered), r.id, std::nullopt));
  ENTRAIDE_RETURN_IF_ERROR(revisions.SetState(r.id, RevisionState::kPublished, who.user_id, now, note));
  for (int64_t id : settled)
    ENTRAIDE_RETURN_IF_ERROR(revisions.SetState(id, RevisionState::kPublished, who.user_id, now, ""));
  return articles.BumpContentGeneration();
}

std::string Today(int64_t now) { return core::FormatIso8601Utc(now).substr(0, 10); }

}  // namespace

core::StatusOr<EditorState> EditorialService::Open(const auth::Principal* who, const std::string& lang,
                                                   const std::string& slug) {
  ENTRAIDE_RETURN_IF_ERROR(auth::Require(who, auth::Action::kWriteArticle));
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  auto head = store::RevisionRepository(**db).Head(lang, slug);
  if (!head.ok()) return head.status();
  if (!*head) return core::NotFound("no article " + lang + "/" + slug + " to edit");
  auto parsed = ParseSource((*head)->source, lang, slug);
  if (!parsed.ok()) return parsed.status();
  auto stored = store::ArticleRepository(**db).VersionOf(lang, slug);
  if (!stored.ok()) return stored.status();
  EditorState state;
  state.fields = kb::FieldsOf(*parsed);
  state.base_revision_id = (*head)->id;
  state.published = *stored && (*stored)->published && (*stored)->revision_id != 0;
  state.head = std::move(*head);
  return state;
}

core::StatusOr<SaveOutcome> EditorialService::Save(const auth::Principal* who, const SaveRequest& request) {
  ENTRAIDE_RETURN_IF_ERROR(auth::Require(who, auth::Action::kWriteArticle));
  if (request.publish) ENTRAIDE_RETURN_IF_ERROR(auth::Require(who, auth::Action::kPublishArticle));
  if (CountChars(request.change_summary) > kMaxChangeSummary)
    return core::InvalidField("change_summary", "at most 300 characters").WithKey("error_article_change_summary_long");
  int64_t now = clock_.NowSeconds();
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::ArticleRepository articles(**db);
  store::RevisionRepository revisions(**db);
  model::ArticleFields fields = request.fields;
  bool is_new = request.base_revision_id == 0;
  if (!is_new) {
    // The article's language and slug are the base revision's: a save never moves an article.
    auto base = revisions.Find(request.base_revision_id);
    if (!base.ok()) return base.status();
    if (!*base) return core::NotFound("no revision " + std::to_string(request.base_revision_id));
    fields.lang = (*base)->lang;
    fields.slug = (*base)->slug;
    if (fields.key.empty()) fields.key = (*base)->key;
  }
  ENTRAIDE_RETURN_IF_ERROR(CheckFields(articles, fields, is_new, Today(now)));
  std::string source = kb::WriteArticleFile(fields);
  auto parsed = ParseSource(source, fields.lang, fields.slug);
  if (!parsed.ok()) return parsed.status();
  // Rendered before anything is written: an article that cannot be served is never saved.
  auto rendered = Render(*parsed);
  if (!rendered.ok()) return rendered.status();

  SaveOutcome outcome;
  core::Status st = store::InTransaction(**db, [&]() -> core::Status {
    auto head = revisions.Head(fields.lang, fields.slug);
    if (!head.ok()) return head.status();
    if (is_new) {
      auto stored = articles.VersionOf(fields.lang, fields.slug);
      if (!stored.ok()) return stored.status();
      if (*head || *stored)
        return core::AlreadyExists("an article " + fields.lang + "/" + fields.slug + " exists")
            .For("slug")
            .WithKey("error_article_slug_taken");
    } else if (!*head || (*head)->id != request.base_revision_id) {
      outcome.conflict_with = *head ? std::move(*head) : std::nullopt;
      if (!outcome.conflict_with) return core::NotFound("no article to save on");
      return core::Status::Ok();
    }
    if (request.ticket_id) {
      auto ticket = (*db)->Prepare("SELECT 1 FROM tickets WHERE id = ?");
      if (!ticket.ok()) return ticket.status();
      (*ticket)->Bind(1, request.ticket_id);
      auto found = (*ticket)->Step();
      (*ticket)->Reset();
      if (!found.ok()) return found.status();
      if (!*found) return core::InvalidField("ticket_id", "no such ticket");
    }
    if (request.follows_id) {
      auto follows = revisions.Find(request.follows_id);
      if (!follows.ok()) return follows.status();
      if (!*follows || (*follows)->lang == fields.lang)
        return core::InvalidField("follows_id", "not a revision of the other language");
    }
    model::Revision r = NewRevision(*parsed, *who, now);
    r.parent_id = request.base_revision_id;
    r.state = RevisionState::kPending;
    r.origin = request.ticket_id ? model::RevisionOrigin::kTicket : model::RevisionOrigin::kWeb;
    r.change_summary = Trimmed(request.change_summary);
    r.needs_translation = request.needs_translation;
    r.follows_id = request.follows_id;
    r.ticket_id = request.ticket_id;
    auto id = revisions.Insert(r);
    if (!id.ok()) return id.status();
    r.id = *id;
    outcome.revision_id = *id;
    if (request.publish) {
      ENTRAIDE_RETURN_IF_ERROR(PublishLocked(**db, r, *parsed, std::move(*rendered), *who, now, ""));
      outcome.published = true;
    }
    return core::Status::Ok();
  });
  if (!st.ok()) return st;
  if (outcome.published && published_hook_) published_hook_();
  return outcome;
}

core::StatusOr<std::string> EditorialService::Preview(const auth::Principal* who, const std::string& markdown) {
  ENTRAIDE_RETURN_IF_ERROR(auth::Require(who, auth::Action::kWriteArticle));
  if (markdown.size() > kb::kMaxArticleBytes)
    return core::TooLarge("the text is over 512 KiB").For("body").WithKey("error_article_body_large");
  kb::ArticleSource a;
  a.body = kb::NormalizeBody(markdown);
  auto rendered = Render(a);
  if (!rendered.ok()) return rendered.status();
  return std::move(rendered->html);
}

core::Status EditorialService::Publish(const auth::Principal* who, int64_t revision_id) {
  ENTRAIDE_RETURN_IF_ERROR(auth::Require(who, auth::Action::kPublishArticle));
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::RevisionRepository revisions(**db);
  auto r = revisions.Find(revision_id);
  if (!r.ok()) return r.status();
  if (!*r) return core::NotFound("no revision " + std::to_string(revision_id));
  auto parsed = ParseSource((*r)->source, (*r)->lang, (*r)->slug);
  if (!parsed.ok()) return parsed.status();
  auto rendered = Render(*parsed);
  if (!rendered.ok()) return rendered.status();
  int64_t now = clock_.NowSeconds();
  ENTRAIDE_RETURN_IF_ERROR(store::InTransaction(**db, [&]() -> core::Status {
    auto again = revisions.Find(revision_id);  // it may have been settled meanwhile
    if (!again.ok()) return again.status();
    if ((*again)->state != RevisionState::kPending && (*again)->state != RevisionState::kConflict)
      return core::Conflict("this version no longer waits for review").WithKey("error_revision_not_waiting");
    return PublishLocked(**db, **again, *parsed, std::move(*rendered), *who, now, "");
  }));
  if (published_hook_) published_hook_();
  return core::Status::Ok();
}

core::Status EditorialService::Decline(const auth::Principal* who, int64_t revision_id, const std::string& note) {
  ENTRAIDE_RETURN_IF_ERROR(auth::Require(who, auth::Action::kPublishArticle));
  if (CountChars(note) > kMaxReviewNote)
    return core::InvalidField("note", "at most 1000 characters").WithKey("error_review_note_long");
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::RevisionRepository revisions(**db);
  return store::InTransaction(**db, [&]() -> core::Status {
    auto r = revisions.Find(revision_id);
    if (!r.ok()) return r.status();
    if (!*r) return core::NotFound("no revision " + std::to_string(revision_id));
    if ((*r)->state != RevisionState::kPending && (*r)->state != RevisionState::kConflict)
      return core::Conflict("this version no longer waits for review").WithKey("error_revision_not_waiting");
    return revisions.SetState(revision_id, RevisionState::kDeclined, who->user_id, clock_.NowSeconds(), Trimmed(note));
  });
}

core::StatusOr<int64_t> EditorialService::Restore(const auth::Principal* who, int64_t revision_id) {
  ENTRAIDE_RETURN_IF_ERROR(auth::Require(who, auth::Action::kWriteArticle));
  bool publish = auth::Allows(who, auth::Action::kPublishArticle);
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::RevisionRepository revisions(**db);
  auto old = revisions.Find(revision_id);
  if (!old.ok()) return old.status();
  if (!*old) return core::NotFound("no revision " + std::to_string(revision_id));
  auto parsed = ParseSource((*old)->source, (*old)->lang, (*old)->slug);
  if (!parsed.ok()) return parsed.status();
  auto rendered = Render(*parsed);
  if (!rendered.ok()) return rendered.status();
  int64_t now = clock_.NowSeconds();
  int64_t id = 0;
  ENTRAIDE_RETURN_IF_ERROR(store::InTransaction(**db, [&]() -> core::Status {
    // Written on the served version (not on a proposal that waits: the old text does not hold its changes, so
    // publishing the restore must not settle it).
    auto stored = store::ArticleRepository(**db).VersionOf((*old)->lang, (*old)->slug);
    if (!stored.ok()) return stored.status();
    model::Revision r = NewRevision(*parsed, *who, now);
    r.parent_id = *stored && (*stored)->published ? (*stored)->revision_id : 0;
    r.origin = model::RevisionOrigin::kRestore;
    r.restored_from = revision_id;
    r.state = RevisionState::kPending;
    auto inserted = revisions.Insert(r);
    if (!inserted.ok()) return inserted.status();
    r.id = id = *inserted;
    if (!publish) return core::Status::Ok();
    return PublishLocked(**db, r, *parsed, std::move(*rendered), *who, now, "");
  }));
  if (publish && published_hook_) published_hook_();
  return id;
}

core::StatusOr<std::vector<model::Revision>> EditorialService::History(const auth::Principal* who,
                                                                       const std::string& lang,
                                                                       const std::string& slug) {
  ENTRAIDE_RETURN_IF_ERROR(auth::Require(who, auth::Action::kWriteArticle));
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  auto list = store::RevisionRepository(**db).OfArticle(lang, slug);
  if (!list.ok()) return list.status();
  if (list->empty()) return core::NotFound("no article " + lang + "/" + slug);
  return list;
}

core::StatusOr<model::Revision> EditorialService::Get(const auth::Principal* who, int64_t revision_id) {
  ENTRAIDE_RETURN_IF_ERROR(auth::Require(who, auth::Action::kWriteArticle));
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  auto r = store::RevisionRepository(**db).Find(revision_id);
  if (!r.ok()) return r.status();
  if (!*r) return core::NotFound("no revision " + std::to_string(revision_id));
  return std::move(**r);
}

core::StatusOr<Comparison> EditorialService::Compare(const auth::Principal* who, int64_t from_id, int64_t to_id) {
  auto from = Get(who, from_id);
  if (!from.ok()) return from.status();
  auto to = Get(who, to_id);
  if (!to.ok()) return to.status();
  Comparison c{std::move(*from), std::move(*to), {}};
  c.pieces = WordDiff(c.from.source, c.to.source);
  return c;
}

core::StatusOr<std::vector<model::ReviewItem>> EditorialService::Waiting(const auth::Principal* who) {
  ENTRAIDE_RETURN_IF_ERROR(auth::Require(who, auth::Action::kWriteArticle));
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  return store::RevisionRepository(**db).Waiting();
}

core::StatusOr<std::vector<model::TranslationTodo>> EditorialService::Translations(const auth::Principal* who) {
  ENTRAIDE_RETURN_IF_ERROR(auth::Require(who, auth::Action::kWriteArticle));
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  return store::RevisionRepository(**db).Translations();
}

core::StatusOr<TicketDraft> EditorialService::DraftFromTicket(const auth::Principal* who, int64_t ticket_id,
                                                              const std::string& lang, const DraftWords& words) {
  return editorial::DraftFromTicket(pool_, who, ticket_id, lang, words);
}

}  // namespace entraide::editorial
