#include "kb/export.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "core/strings.h"
#include "i18n/catalog.h"
#include "store/article_repo.h"
#include "store/revision_repo.h"

namespace entraide::kb {

namespace fs = std::filesystem;

namespace {
// Writes `text` at `path` unless it is there already; through a temporary file and a rename, so a reader (git,
// an import) never sees half a file.
core::StatusOr<bool> WriteIfChanged(const fs::path& path, const std::string& text) {
  if (auto old = ReadTextFile(path.string()); old && *old == text) return false;
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  fs::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) return core::Unavailable(path.string() + ": cannot write");
  }
  fs::rename(tmp, path, ec);
  if (ec) return core::Unavailable(path.string() + ": " + ec.message());
  return true;
}

// An article's file path relative to the content folder: the one it was imported from, when that is a plain
// {lang}/name.md; otherwise {lang}/{slug}.md.
std::string PathOf(const store::StoredVersion& v) {
  const std::string& p = v.source_path;
  std::string prefix = v.lang + "/";
  if (p.rfind(prefix, 0) == 0 && p.size() > prefix.size() + 3 && p.find('/', prefix.size()) == std::string::npos &&
      p.find("..") == std::string::npos && p.substr(p.size() - 3) == ".md")
    return p;
  return prefix + v.slug + ".md";
}
}  // namespace

std::string ExportReport::Summary() const {
  std::ostringstream s;
  s << written << " written, " << unchanged << " unchanged";
  if (!extra.empty()) s << ", " << extra.size() << " not in the library";
  if (!problems.empty()) s << ", " << problems.size() << (problems.size() == 1 ? " error" : " errors");
  return s.str();
}

core::StatusOr<ExportReport> ExportContent(store::Database& db, const std::string& dir) {
  ExportReport report;
  store::ArticleRepository articles(db);
  store::RevisionRepository revisions(db);
  // One read transaction: the files written are one moment of the library.
  auto tx = store::Transaction::Begin(db);
  if (!tx.ok()) return tx.status();
  auto versions = articles.AllVersions();
  if (!versions.ok()) return versions.status();
  fs::path root(dir);
  std::set<std::string> written;
  auto count = [&](const core::StatusOr<bool>& done) -> core::Status {
    if (!done.ok()) return done.status();
    (*done ? report.written : report.unchanged)++;
    return core::Status::Ok();
  };
  for (const auto& [id, v] : *versions) {
    if (!v.published) continue;
    std::string path = PathOf(v);
    if (v.revision_id == 0) {
      report.problems.push_back({path, 0, "article " + id + " has no revision recorded yet: run import first", false});
      continue;
    }
    auto r = revisions.Find(v.revision_id);
    if (!r.ok()) return r.status();
    if (!*r) return core::Internal("revision " + std::to_string(v.revision_id) + " of " + id + " is missing");
    if (!written.insert(path).second) {
      report.problems.push_back({path, 0, "two articles would be written to this file; " + id + " was not", false});
      continue;
    }
    ENTRAIDE_RETURN_IF_ERROR(count(WriteIfChanged(root / path, (*r)->source)));
  }
  auto cats = articles.Meta("categories_yml");
  if (!cats.ok()) return cats.status();
  if (*cats && !(*cats)->empty()) ENTRAIDE_RETURN_IF_ERROR(count(WriteIfChanged(root / "categories.yml", **cats)));
  std::error_code ec;
  for (const auto& lang : i18n::SupportedLangs()) {
    if (!fs::is_directory(root / lang, ec)) continue;
    for (const auto& e : fs::directory_iterator(root / lang, ec)) {
      std::string rel = lang + "/" + e.path().filename().string();
      if (e.is_regular_file() && e.path().extension() == ".md" && !written.count(rel)) report.extra.push_back(rel);
    }
  }
  std::sort(report.extra.begin(), report.extra.end());
  return report;
}

}  // namespace entraide::kb
