#include "kb/importer.h"

#include <deque>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <unordered_set>

#include "core/json_writer.h"
#include "core/sha256.h"
#include "core/strings.h"
#include "markdown/markdown.h"
#include "store/article_repo.h"
#include "store/revision_repo.h"

namespace entraide::kb {

namespace {
// Bump when rendering changes in a way that should refresh stored HTML.
// v2: task list checkboxes are labelled; v3: the plain text has no Markdown syntax (table rows, list markers)
constexpr const char* kRenderVersion = "render-v3";

int64_t CountWords(const std::string& text) {
  int64_t n = 0;
  bool in_word = false;
  for (char c : text) {
    bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (!space && !in_word) ++n;
    in_word = !space;
  }
  return n;
}
}  // namespace

bool ImportReport::has_errors() const {
  for (const auto& p : problems)
    if (!p.warning) return true;
  return false;
}

std::string ImportReport::Summary() const {
  int errors = 0, warnings = 0;
  for (const auto& p : problems) (p.warning ? warnings : errors)++;
  std::ostringstream s;
  s << added << " added, " << updated << " updated, " << unchanged << " unchanged, " << unpublished << " unpublished, "
    << errors << (errors == 1 ? " error, " : " errors, ") << warnings << (warnings == 1 ? " warning" : " warnings");
  if (conflicts) s << ", " << conflicts << (conflicts == 1 ? " conflict" : " conflicts");
  if (not_read) s << "; " << not_read << " unchanged since the last import, not read";
  return s.str();
}

std::string ContentHash(const ArticleSource& a) { return core::Sha256Hex(std::string(kRenderVersion) + "\n" + a.raw); }

namespace {
core::StatusOr<RenderedArticle> ToArticle(core::StatusOr<markdown::Rendered> r);
}  // namespace

std::vector<core::StatusOr<RenderedArticle>> RenderArticles(const std::vector<const ArticleSource*>& sources) {
  markdown::Limits limits;
  limits.max_bytes = kMaxArticleBytes;
  limits.budget_ms = 2000;
  markdown::Options options;
  options.min_heading_level = 2;  // the page title is the only h1
  std::vector<std::string_view> bodies;
  for (const auto* a : sources) bodies.push_back(a->body);
  // One render worker for the whole batch: importing 10,000 articles must not wait for one 10,000 times.
  auto rendered = markdown::RenderBoundedMany(bodies, limits, options);
  std::vector<core::StatusOr<RenderedArticle>> out;
  for (auto& r : rendered) out.push_back(ToArticle(std::move(r)));
  return out;
}

core::StatusOr<RenderedArticle> RenderArticle(const ArticleSource& a) {
  auto all = RenderArticles({&a});
  return std::move(all.front());
}

namespace {
core::StatusOr<RenderedArticle> ToArticle(core::StatusOr<markdown::Rendered> r) {
  if (!r.ok()) return r.status();
  if (r->fell_back) return core::DeadlineExceeded("rendering took longer than 2 s; simplify the Markdown");
  RenderedArticle out;
  out.html = std::move(r->html);
  out.plain = std::move(r->plain);
  out.links = r->links;
  out.word_count = CountWords(out.plain);
  for (const auto& h : r->headings) {
    if (h.level > 3) continue;
    out.toc += std::to_string(h.level) + "\t" + h.id + "\t" + core::ReplaceAll(h.text, "\t", " ") + "\n";
  }
  core::JsonWriter links;
  links.BeginArray();
  for (const auto& l : r->links) links.String(l);
  links.EndArray();
  out.links_json = links.Take();
  return out;
}
}  // namespace

core::Status ServeArticle(store::ArticleRepository& repo, const ArticleSource& a, RenderedArticle rendered,
                          int64_t revision_id, const std::optional<std::string>& file_hash) {
  model::Article r;
  r.lang = a.lang;
  r.slug = a.slug;
  r.key = a.key;
  r.title = a.title;
  r.category = a.category;
  r.summary = a.summary;
  r.updated = a.updated;
  r.draft = a.draft;
  r.tags = a.tags;
  r.source_path = a.path;
  r.content_hash = ContentHash(a);
  r.html = std::move(rendered.html);
  r.plain = std::move(rendered.plain);
  r.toc = std::move(rendered.toc);
  r.links_json = std::move(rendered.links_json);
  r.word_count = rendered.word_count;
  r.revision_id = revision_id;
  r.file_hash = file_hash;
  return repo.Upsert(r);
}

model::Revision RevisionOf(const ArticleSource& a, const std::string& source_hash, int64_t created_at) {
  model::Revision r;
  r.lang = a.lang;
  r.slug = a.slug;
  r.key = a.key;
  r.title = a.title;
  r.source = a.raw;
  r.source_hash = source_hash;
  r.created_at = created_at;
  return r;
}

namespace {
model::Revision ImportedRevision(const ArticleSource& a, const std::string& file_hash, model::RevisionState state,
                                 int64_t parent, int64_t now) {
  model::Revision r = RevisionOf(a, file_hash, now);
  r.parent_id = parent;
  r.state = state;
  r.origin = model::RevisionOrigin::kImport;
  r.reviewed_at = state == model::RevisionState::kPublished ? now : 0;
  return r;
}

// What import does with one file, given what the store has for its language and slug.
enum class FileAction {
  kUnchanged,  // the file is what the article serves, or the file did not change since it was last read
  kAdopt,      // an article stored before revisions existed (0018): its file becomes its first revision
  kRevise,     // the file changed, and nobody edited the article online since: a new revision, published
  kInSync,     // the file changed to the text the article serves (an online edit exported): only the hash
  kConflict,   // the file changed and so did the article online: kept as a revision to compare, not served
};

// Published, and from a file (an article written online and never a file is not import's to remove): what
// ArticleRepository::CountPublishedFromFiles counts.
bool FromFile(const store::StoredVersion& v) { return v.published && (v.revision_id == 0 || v.file_hash); }

FileAction Decide(const std::string& file_hash, const store::StoredVersion* v) {
  if (!v) return FileAction::kRevise;
  if (v->revision_id == 0) return FileAction::kAdopt;
  if (v->file_hash && *v->file_hash == file_hash) return FileAction::kUnchanged;
  if (v->revision_source_hash == file_hash) return FileAction::kInSync;
  // Nobody edited it online since the file was last read: the served revision is that file's.
  if (v->file_hash && *v->file_hash == v->revision_source_hash) return FileAction::kRevise;
  return FileAction::kConflict;
}
}  // namespace

namespace {
// meta: the renderer the stored HTML came from. Another one renders every file again, so every file is read.
constexpr const char* kRenderVersionMeta = "render_version";
// A file changed less than this before an import may change again within the clock's step and keep its stamp:
// it is not recorded, so the next import reads it again (what git calls a racy file).
constexpr int64_t kSettledSeconds = 2;

// The files the last import recorded that need not be read again: their article still serves that very file
// (store::ArticleRepository::ForEachServedContentFile) and neither the renderer nor categories.yml changed.
core::StatusOr<ScanCache> CacheOf(store::ArticleRepository& repo) {
  ScanCache cache;
  auto version = repo.Meta(kRenderVersionMeta);
  if (!version.ok()) return version.status();
  if (!*version || **version != kRenderVersion) return cache;
  auto categories = repo.Meta("categories_yml");
  if (!categories.ok()) return categories.status();
  cache.categories_text = categories->value_or("");
  ENTRAIDE_RETURN_IF_ERROR(repo.ForEachServedContentFile([&](store::ContentFile&& f) {
    cache.files.emplace(
        std::move(f.path),
        KnownFile{std::move(f.lang), std::move(f.slug), std::move(f.key), {f.size, f.mtime_ns, f.ctime_ns, f.inode}});
  }));
  return cache;
}

// Records what import read of `a` (its article now serves that file), unless the file changed too recently.
core::Status Record(store::ArticleRepository& repo, const ArticleSource& a, const std::string& file_hash, int64_t now) {
  int64_t settled_ns = (now - kSettledSeconds) * 1000000000;
  if (a.stamp.size == 0 && a.stamp.inode == 0) return core::Status::Ok();  // no stamp taken
  if (a.stamp.mtime_ns >= settled_ns || a.stamp.ctime_ns >= settled_ns) return core::Status::Ok();
  return repo.RecordContentFile(
      {a.path, a.lang, a.slug, a.key, file_hash, a.stamp.size, a.stamp.mtime_ns, a.stamp.ctime_ns, a.stamp.inode});
}
}  // namespace

core::StatusOr<ImportReport> ImportContent(store::Database& db, const std::string& content_dir, int64_t now) {
  ImportReport report;
  std::error_code ec;
  if (!std::filesystem::is_directory(content_dir, ec))
    return core::InvalidArgument(content_dir + ": content folder not found");
  store::ArticleRepository repo(db);
  store::RevisionRepository revisions(db);
  // Only the files read are looked up one by one: an import with nothing to do reads no article row (at 100,000
  // articles, every stored version in memory was half a second and 100 MB at each start of serve).
  auto cache = CacheOf(repo);
  if (!cache.ok()) return cache.status();
  ContentScan scan = ScanContent(content_dir, &*cache);
  report.problems = scan.problems;
  report.not_read = static_cast<int>(scan.unchanged.size());

  std::set<std::string> failed(scan.failed_paths.begin(), scan.failed_paths.end());
  std::deque<store::StoredVersion> read_versions;                         // the stored versions of the files read
  int64_t kept_from_files = static_cast<int64_t>(scan.unchanged.size());  // of keep, stored and published from a file

  // Decide first (reads only), render what must be rendered, then write everything in one transaction.
  struct Step {
    const ArticleSource* source;
    const store::StoredVersion* stored;
    std::string file_hash;  // SHA-256 of the file
    FileAction action;
    const ArticleSource* render;  // what to render and serve, when the served rendering must change
  };
  std::vector<Step> steps;
  std::vector<const ArticleSource*> to_render;
  std::deque<ArticleSource> online;  // online edits served while their file did not change (re-rendered)
  for (const auto& a : scan.articles) {
    auto found = repo.VersionOf(a.lang, a.slug);
    if (!found.ok()) return found.status();
    const store::StoredVersion* v = nullptr;
    if (*found) {
      read_versions.push_back(std::move(**found));
      v = &read_versions.back();
      if (FromFile(*v)) ++kept_from_files;
    }
    std::string file_hash = core::Sha256Hex(a.raw);
    FileAction action = Decide(file_hash, v);
    // Render when the served text changes, or when the served text's rendering is out of date (a new renderer:
    // the content hash covers the renderer's version). An unchanged file whose article was edited online keeps
    // the online text (rendered again from its revision when the renderer changed); a conflict renders nothing.
    const ArticleSource* render = nullptr;
    if (action == FileAction::kRevise) {
      render = &a;
    } else if (action == FileAction::kAdopt || action == FileAction::kInSync ||
               (action == FileAction::kUnchanged && v->revision_source_hash == file_hash)) {
      if (v->content_hash != ContentHash(a)) render = &a;
    } else if (action == FileAction::kUnchanged) {
      auto served = revisions.Find(v->revision_id);
      if (!served.ok()) return served.status();
      ArticleSource parsed;
      std::vector<Problem> ignored;
      if (*served && ParseArticle((*served)->source, v->source_path, a.lang, parsed, ignored) &&
          ContentHash(parsed) != v->content_hash) {
        online.push_back(std::move(parsed));
        render = &online.back();
      }
    }
    steps.push_back({&a, v, std::move(file_hash), action, render});
    if (render) to_render.push_back(render);
  }
  auto renders = RenderArticles(to_render);
  std::map<const ArticleSource*, core::StatusOr<RenderedArticle>*> rendered_of;
  for (size_t i = 0; i < to_render.size(); ++i) rendered_of[to_render[i]] = &renders[i];

  // Articles that came from files and were not kept: their file is gone. When every one of them is kept, there is
  // none to look for (the usual start of serve).
  auto from_files = repo.CountPublishedFromFiles();
  if (!from_files.ok()) return from_files.status();
  std::map<std::string, store::StoredVersion> all;
  std::unordered_set<std::string> keep;  // "lang/slug" of every file, read or not
  if (*from_files != kept_from_files) {
    auto loaded = repo.AllVersions();
    if (!loaded.ok()) return loaded.status();
    all = std::move(loaded).value();
    for (const auto& a : scan.articles) keep.insert(a.lang + "/" + a.slug);
    for (const auto& u : scan.unchanged) keep.insert(std::string(u.lang) + "/" + std::string(u.slug));
  }
  std::vector<int64_t> unpublish;
  for (const auto& [id, v] : all) {
    if (!FromFile(v) || keep.count(id)) continue;
    if (failed.count(v.source_path)) continue;  // the file is still there but broken: keep its last good version
    // Edited online since its file was read: a conflict.
    if (v.revision_id != 0 && v.file_hash && *v.file_hash != v.revision_source_hash) {
      report.problems.push_back({v.source_path, 0,
                                 "conflict: the file was removed, but article " + id +
                                     " was edited online since it was last imported (revision " +
                                     std::to_string(v.revision_id) +
                                     "); it stays published: export-content writes it back, or unpublish it",
                                 false});
      ++report.conflicts;
      continue;
    }
    unpublish.push_back(v.id);
  }

  auto tx = store::Transaction::Begin(db);
  if (!tx.ok()) return tx.status();
  std::vector<model::Category> cats;
  for (const auto& c : scan.categories)
    cats.push_back({c.slug, c.position, c.name_en, c.name_fr, c.description_en, c.description_fr, c.url_en, c.url_fr});
  ENTRAIDE_RETURN_IF_ERROR(repo.ReplaceCategories(cats));
  ENTRAIDE_RETURN_IF_ERROR(repo.SetMeta("categories_yml", scan.categories_text));
  bool any_change = false;
  for (const auto& step : steps) {
    const ArticleSource& a = *step.source;
    const store::StoredVersion* v = step.stored;
    const std::string& file_hash = step.file_hash;
    if (step.render && !rendered_of[step.render]->ok()) {
      report.problems.push_back({a.path, 0, rendered_of[step.render]->status().message(), false});
      continue;  // its last good version stays served
    }
    switch (step.action) {
      case FileAction::kConflict: {
        // The file's text is kept once as a revision in conflict, waiting in review; declined there (the online
        // version kept), it is not added again, and the report says to write the served version back.
        auto kept = revisions.KeptFileText(a.lang, a.slug, file_hash);
        if (!kept.ok()) return kept.status();
        int64_t file_revision = *kept ? (*kept)->id : 0;
        bool declined = *kept && (*kept)->state == model::RevisionState::kDeclined;
        if (!*kept) {
          auto id =
              revisions.Insert(ImportedRevision(a, file_hash, model::RevisionState::kConflict, v->revision_id, now));
          if (!id.ok()) return id.status();
          file_revision = *id;
        }
        report.problems.push_back({a.path, 0,
                                   "conflict: article " + a.lang + "/" + a.slug + " was edited online (revision " +
                                       std::to_string(v->revision_id) +
                                       ") and its file changed since the last import (the file is kept as "
                                       "revision " +
                                       std::to_string(file_revision) + (declined ? ", declined" : "") +
                                       "); nothing was replaced: " +
                                       (declined ? "export-content writes the published version back to the file"
                                                 : "compare them in /" + a.lang + "/articles/" + a.slug +
                                                       "/history, publish the one to keep, then export-content"),
                                   false});
        ++report.conflicts;
        continue;
      }
      case FileAction::kInSync:
        ENTRAIDE_RETURN_IF_ERROR(Record(repo, a, file_hash, now));
        if (step.render) {
          ENTRAIDE_RETURN_IF_ERROR(
              ServeArticle(repo, a, std::move(**rendered_of[step.render]), v->revision_id, file_hash));
          ++report.updated;
          any_change = true;
          continue;
        }
        ENTRAIDE_RETURN_IF_ERROR(repo.SetRevision(v->id, v->revision_id, file_hash));
        break;
      case FileAction::kAdopt:
      case FileAction::kRevise: {
        auto id = revisions.Insert(
            ImportedRevision(a, file_hash, model::RevisionState::kPublished, v ? v->revision_id : 0, now));
        if (!id.ok()) return id.status();
        ENTRAIDE_RETURN_IF_ERROR(Record(repo, a, file_hash, now));
        if (step.render) {
          ENTRAIDE_RETURN_IF_ERROR(ServeArticle(repo, a, std::move(**rendered_of[step.render]), *id, file_hash));
          (v ? report.updated : report.added)++;
          any_change = true;
          continue;
        }
        ENTRAIDE_RETURN_IF_ERROR(repo.SetRevision(v->id, *id, file_hash));
        break;
      }
      case FileAction::kUnchanged:
        ENTRAIDE_RETURN_IF_ERROR(Record(repo, a, file_hash, now));
        if (step.render) {
          ENTRAIDE_RETURN_IF_ERROR(
              ServeArticle(repo, *step.render, std::move(**rendered_of[step.render]), v->revision_id, std::nullopt));
          ++report.updated;
          any_change = true;
          continue;
        }
        break;
    }
    if (v && !v->published) {
      ENTRAIDE_RETURN_IF_ERROR(repo.SetPublished(v->id, true));
      ++report.updated;
      any_change = true;
    } else {
      ++report.unchanged;
    }
  }
  report.unchanged += report.not_read;
  ENTRAIDE_RETURN_IF_ERROR(repo.SetMeta(kRenderVersionMeta, kRenderVersion));
  for (int64_t id : unpublish) {
    ENTRAIDE_RETURN_IF_ERROR(repo.SetPublished(id, false));
    ++report.unpublished;
    any_change = true;
  }
  // What was recorded of files whose article no longer serves them (removed files) goes.
  if (!unpublish.empty()) ENTRAIDE_RETURN_IF_ERROR(repo.ForgetUnservedContentFiles());
  if (any_change) ENTRAIDE_RETURN_IF_ERROR(repo.BumpContentGeneration());
  ENTRAIDE_RETURN_IF_ERROR((*tx)->Commit());
  return report;
}

std::vector<Problem> CheckContent(const std::string& content_dir) {
  ContentScan scan = ScanContent(content_dir);
  std::vector<Problem> problems = scan.problems;
  std::vector<const ArticleSource*> all;
  for (const auto& a : scan.articles) all.push_back(&a);
  auto renders = RenderArticles(all);
  for (size_t i = 0; i < all.size(); ++i) {
    if (!renders[i].ok()) {
      problems.push_back({all[i]->path, 0, renders[i].status().message(), false});
      continue;
    }
    for (auto& p : CheckArticleLinks(*all[i], renders[i]->links, scan)) problems.push_back(std::move(p));
  }
  // Articles with no translation are worth a warning: the library promises both languages.
  std::set<std::string> keys_by_lang;
  for (const auto& a : scan.articles) keys_by_lang.insert(a.lang + "/" + a.key);
  for (const auto& a : scan.articles) {
    std::string other = (a.lang == "en" ? "fr/" : "en/") + a.key;
    if (!a.draft && !keys_by_lang.count(other))
      problems.push_back({a.path, 0, "no translation with key '" + a.key + "' in the other language", true});
  }
  return problems;
}

}  // namespace entraide::kb
