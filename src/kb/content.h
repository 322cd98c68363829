// The how-to library as files: content/{en,fr}/*.md with YAML front matter, and content/categories.yml.
// Parsing and validation only (no database). Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/status.h"

namespace entraide::kb {

// One finding about a file: an error stops that file from being imported; a warning does not.
struct Problem {
  std::string path;  // relative to content.dir, e.g. "fr/sauvegardes.md"
  int line = 0;      // 1-based; 0 when the whole file is concerned
  std::string message;
  bool warning = false;
  std::string ToString() const;  // "fr/sauvegardes.md:3: error: ..."
};

// A file's stat as import compares it: the same size, modification and change times and inode mean the same file
// (as git's index decides; see ScanContent for the clock's step).
struct FileStamp {
  int64_t size = 0, mtime_ns = 0, ctime_ns = 0, inode = 0;
  bool operator==(const FileStamp&) const = default;
};

struct ArticleSource {
  std::string path;  // relative to content.dir
  std::string lang, slug, key, title, category, summary, updated;
  bool draft = false;
  std::vector<std::string> tags;
  std::string body;
  std::string raw;  // the whole file, for the content hash
  FileStamp stamp;  // the file's, taken before it was read
};

inline constexpr size_t kMaxArticleBytes = 512 * 1024;

// A file's whole content; nullopt when it cannot be opened.
std::optional<std::string> ReadTextFile(const std::string& path);

// Parses one file's text. `path` is relative (used in problems and for the default slug);
// `folder_lang` is the folder the file sits in. Appends problems; returns false when the file has errors.
bool ParseArticle(std::string_view text, const std::string& path, const std::string& folder_lang, ArticleSource& out,
                  std::vector<Problem>& problems);

struct Category {
  std::string slug;
  int position = 0;
  std::string name_en, name_fr, description_en, description_fr;
  std::string url_en, url_fr;  // its address in each language (`url: {en: ..., fr: ...}`); default: slug
};

// Parses categories.yml text. Appends problems (path "categories.yml").
std::vector<Category> ParseCategories(std::string_view text, std::vector<Problem>& problems);

// What an earlier import read of the files, for ScanContent to skip those that did not change since.
struct KnownFile {
  std::string lang, slug, key;
  FileStamp stamp;
};
struct ScanCache {
  std::unordered_map<std::string, KnownFile> files;  // by path relative to content.dir
  std::string categories_text;  // categories.yml when they were read: the cache holds only while it does
};
// A file the scan did not read because its stamp is the one in the cache: views of the cache's strings, valid
// while it lives.
struct UnchangedFile {
  std::string_view path, lang, slug;
};

struct ContentScan {
  std::vector<ArticleSource> articles;   // the files that parsed, in path order, duplicates removed
  std::vector<UnchangedFile> unchanged;  // files not read (ScanCache): in no other list
  std::vector<Category> categories;
  std::string categories_text;            // categories.yml as read (kept for export-content)
  std::vector<std::string> failed_paths;  // files with errors (their last good import stays served)
  std::vector<Problem> problems;
  bool has_errors() const;
};

// Reads content_dir: categories.yml (optional), en/*.md and fr/*.md. Checks duplicate slugs per language,
// duplicate keys per language, unknown categories, files over kMaxArticleBytes, invalid UTF-8.
// With `cache` (and categories.yml as the cache read it), a file whose stamp is the cached one is not read: it
// goes to `unchanged` with the cache's language, slug and key, which the duplicate checks still see.
ContentScan ScanContent(const std::string& content_dir, const ScanCache* cache = nullptr);

// Links in an article body that point to another article ("/en/articles/slug" or "/fr/articles/slug",
// with an optional #fragment): returns problems for the ones whose target does not exist in `scan`.
std::vector<Problem> CheckArticleLinks(const ArticleSource& article, const std::vector<std::string>& links,
                                       const ContentScan& scan);

}  // namespace entraide::kb
