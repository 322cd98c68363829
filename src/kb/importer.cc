#include "kb/importer.h"

#include <filesystem>
#include <set>
#include <sstream>

#include "core/json_writer.h"
#include "core/sha256.h"
#include "core/strings.h"
#include "markdown/markdown.h"
#include "store/article_repo.h"

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

core::StatusOr<ImportReport> ImportContent(store::Database& db, const std::string& content_dir) {
  ImportReport report;
  std::error_code ec;
  if (!std::filesystem::is_directory(content_dir, ec))
    return core::InvalidArgument(content_dir + ": content folder not found");
  ContentScan scan = ScanContent(content_dir);
  report.problems = scan.problems;

  store::ArticleRepository repo(db);
  auto existing = repo.AllVersions();
  if (!existing.ok()) return existing.status();

  struct Pending {
    model::Article record;
    bool is_new;
  };
  std::vector<Pending> writes;
  std::vector<int64_t> republish;
  std::set<std::string> keep;  // "lang/slug" that stay published
  std::set<std::string> failed(scan.failed_paths.begin(), scan.failed_paths.end());

  std::vector<const ArticleSource*> changed;
  for (const auto& a : scan.articles) {
    std::string id = a.lang + "/" + a.slug;
    auto it = existing->find(id);
    if (it != existing->end() && it->second.content_hash == ContentHash(a)) {
      keep.insert(id);
      if (!it->second.published)
        republish.push_back(it->second.id);
      else
        ++report.unchanged;
      continue;
    }
    changed.push_back(&a);
  }
  auto renders = RenderArticles(changed);
  for (size_t i = 0; i < changed.size(); ++i) {
    const ArticleSource& a = *changed[i];
    std::string id = a.lang + "/" + a.slug;
    std::string hash = ContentHash(a);
    auto it = existing->find(id);
    auto& rendered = renders[i];
    if (!rendered.ok()) {
      report.problems.push_back({a.path, 0, rendered.status().message(), false});
      failed.insert(a.path);
      continue;
    }
    keep.insert(id);
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
    r.content_hash = hash;
    r.html = std::move(rendered->html);
    r.plain = std::move(rendered->plain);
    r.toc = std::move(rendered->toc);
    r.links_json = std::move(rendered->links_json);
    r.word_count = rendered->word_count;
    writes.push_back({std::move(r), it == existing->end()});
  }

  std::vector<int64_t> unpublish;
  for (const auto& [id, v] : *existing) {
    if (!v.published || keep.count(id)) continue;
    if (failed.count(v.source_path)) continue;  // the file is still there but broken: keep its last good version
    unpublish.push_back(v.id);
  }

  bool any_change = !writes.empty() || !republish.empty() || !unpublish.empty();
  auto tx = store::Transaction::Begin(db);
  if (!tx.ok()) return tx.status();
  std::vector<model::Category> cats;
  for (const auto& c : scan.categories)
    cats.push_back({c.slug, c.position, c.name_en, c.name_fr, c.description_en, c.description_fr, c.url_en, c.url_fr});
  ENTRAIDE_RETURN_IF_ERROR(repo.ReplaceCategories(cats));
  for (const auto& w : writes) {
    ENTRAIDE_RETURN_IF_ERROR(repo.Upsert(w.record));
    (w.is_new ? report.added : report.updated)++;
  }
  for (int64_t id : republish) {
    ENTRAIDE_RETURN_IF_ERROR(repo.SetPublished(id, true));
    ++report.updated;
  }
  for (int64_t id : unpublish) {
    ENTRAIDE_RETURN_IF_ERROR(repo.SetPublished(id, false));
    ++report.unpublished;
  }
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
