#include "kb/content.h"

#include <dirent.h>
#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <unordered_map>

#include "core/clock.h"
#include "core/strings.h"
#include "i18n/catalog.h"

namespace entraide::kb {
namespace fs = std::filesystem;

std::string Problem::ToString() const {
  std::string s = path;
  if (line > 0) s += ":" + std::to_string(line);
  s += warning ? ": warning: " : ": error: ";
  s += message;
  return s;
}

bool ContentScan::has_errors() const {
  return std::any_of(problems.begin(), problems.end(), [](const Problem& p) { return !p.warning; });
}

namespace {

const std::set<std::string> kKnownKeys = {"title", "slug",    "lang",    "key",  "category",
                                          "tags",  "summary", "updated", "draft"};

std::optional<std::string> ScalarString(const YAML::Node& n) {
  if (!n.IsScalar()) return std::nullopt;
  return n.as<std::string>();
}

}  // namespace

bool ParseArticle(std::string_view text, const std::string& path, const std::string& folder_lang, ArticleSource& out,
                  std::vector<Problem>& problems) {
  size_t errors_before = std::count_if(problems.begin(), problems.end(), [](auto& p) { return !p.warning; });
  auto error = [&](int line, std::string msg) { problems.push_back({path, line, std::move(msg), false}); };
  auto warn = [&](int line, std::string msg) { problems.push_back({path, line, std::move(msg), true}); };

  if (text.size() > kMaxArticleBytes) {
    error(0, "file is " + std::to_string(text.size()) + " bytes; the limit is " + std::to_string(kMaxArticleBytes));
    return false;
  }
  if (!core::IsValidUtf8(text)) {
    error(0, "file is not valid UTF-8");
    return false;
  }
  if (core::StartsWith(text, "\xEF\xBB\xBF")) text.remove_prefix(3);  // BOM
  if (!(core::StartsWith(text, "---\n") || core::StartsWith(text, "---\r\n"))) {
    error(1, "front matter missing: the file must start with a line '---'");
    return false;
  }
  size_t fm_start = text.find('\n') + 1;
  // Find the closing '---' line.
  size_t pos = fm_start, fm_end = std::string_view::npos, body_start = text.size();
  int closing_line = 0, line_no = 2;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    if (core::Trim(line) == "---" && line.substr(0, 3) == "---") {
      fm_end = pos;
      body_start = nl == std::string_view::npos ? text.size() : nl + 1;
      closing_line = line_no;
      break;
    }
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
    ++line_no;
  }
  if (fm_end == std::string_view::npos) {
    error(1, "front matter not closed: add a line '---' after it");
    return false;
  }
  std::string fm(text.substr(fm_start, fm_end - fm_start));
  auto file_line = [](const YAML::Mark& m) { return m.line < 0 ? 0 : m.line + 2; };

  YAML::Node root;
  try {
    root = YAML::Load(fm);
  } catch (const YAML::Exception& e) {
    error(file_line(e.mark), "front matter is not valid YAML: " + e.msg);
    return false;
  }
  if (!root.IsMap()) {
    error(2, "front matter must be a set of 'key: value' lines");
    return false;
  }

  out = ArticleSource{};
  out.path = path;
  out.raw = std::string(text);
  out.body = std::string(text.substr(body_start));
  (void)closing_line;

  for (const auto& kv : root) {
    std::string k = kv.first.Scalar();
    if (!kKnownKeys.count(k)) warn(file_line(kv.first.Mark()), "unknown front matter key '" + k + "'");
  }

  auto str_field = [&](const char* name, std::string& dest) -> int {
    const YAML::Node n = root[name];
    if (!n || n.IsNull()) return 0;
    auto s = ScalarString(n);
    if (!s) {
      error(file_line(n.Mark()), std::string(name) + " must be text");
      return -1;
    }
    dest = std::string(core::Trim(*s));
    return file_line(n.Mark());
  };

  int title_line = str_field("title", out.title);
  if (out.title.empty() && title_line >= 0) error(2, "title is required");
  if (out.title.size() > 200) error(title_line, "title is longer than 200 characters");

  std::string file_stem = fs::path(path).stem().string();
  int slug_line = str_field("slug", out.slug);
  if (out.slug.empty()) out.slug = file_stem;
  if (!core::IsSlug(out.slug))
    error(slug_line ? slug_line : 1, "slug '" + out.slug + "' must be lower-case letters, digits and single dashes");

  int lang_line = str_field("lang", out.lang);
  if (out.lang.empty()) out.lang = folder_lang;
  if (!i18n::IsSupportedLang(out.lang))
    error(lang_line ? lang_line : 1, "lang '" + out.lang + "' must be en or fr");
  else if (out.lang != folder_lang)
    error(lang_line, "lang '" + out.lang + "' does not match the folder '" + folder_lang + "'");

  int key_line = str_field("key", out.key);
  if (out.key.empty()) out.key = out.slug;
  if (!core::IsSlug(out.key)) error(key_line ? key_line : 1, "key '" + out.key + "' must be a slug");

  int cat_line = str_field("category", out.category);
  if (!out.category.empty() && !core::IsSlug(out.category))
    error(cat_line, "category '" + out.category + "' must be a slug");

  int summary_line = str_field("summary", out.summary);
  if (out.summary.size() > 600) error(summary_line, "summary is longer than 600 characters");

  int updated_line = str_field("updated", out.updated);
  if (!out.updated.empty() && !core::IsIsoDate(out.updated))
    error(updated_line, "updated '" + out.updated + "' must be a date written YYYY-MM-DD");

  if (const YAML::Node d = root["draft"]; d && !d.IsNull()) {
    bool value = false;
    if (!d.IsScalar() || !YAML::convert<bool>::decode(d, value))
      error(file_line(d.Mark()), "draft must be true or false");
    out.draft = value;
  }

  if (const YAML::Node t = root["tags"]; t && !t.IsNull()) {
    std::vector<YAML::Node> items;
    if (t.IsSequence()) {
      for (const auto& item : t) items.push_back(item);
    } else if (t.IsScalar()) {
      items.push_back(t);
    } else {
      error(file_line(t.Mark()), "tags must be a list, e.g. [passwords, backups]");
    }
    std::set<std::string> seen;
    for (const auto& item : items) {
      auto s = ScalarString(item);
      if (!s) {
        error(file_line(item.Mark()), "each tag must be text");
        continue;
      }
      std::string tag = core::Slugify(*s);
      if (tag.empty() || tag.size() > 40) {
        error(file_line(item.Mark()), "tag '" + *s + "' must have 1 to 40 letters or digits");
        continue;
      }
      if (seen.insert(tag).second) out.tags.push_back(tag);
    }
    if (out.tags.size() > 12) error(file_line(t.Mark()), "at most 12 tags");
  }

  size_t errors_after = std::count_if(problems.begin(), problems.end(), [](auto& p) { return !p.warning; });
  return errors_after == errors_before;
}

std::vector<Category> ParseCategories(std::string_view text, std::vector<Problem>& problems) {
  const std::string path = "categories.yml";
  std::vector<Category> out;
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    problems.push_back({path, e.mark.line + 1, "not valid YAML: " + e.msg, false});
    return out;
  }
  if (root.IsNull()) return out;
  if (!root.IsSequence()) {
    problems.push_back({path, 1, "must be a list of categories (- slug: ...)", false});
    return out;
  }
  std::set<std::string> seen;
  int index = 0;
  for (const auto& n : root) {
    ++index;
    int line = n.Mark().line + 1;
    if (!n.IsMap()) {
      problems.push_back({path, line, "each category must have slug, name and description", false});
      continue;
    }
    Category c;
    c.position = index;
    try {
      c.slug = n["slug"] ? n["slug"].as<std::string>() : "";
      if (n["order"]) c.position = n["order"].as<int>();
      c.name_en = n["name"]["en"] ? n["name"]["en"].as<std::string>() : "";
      c.name_fr = n["name"]["fr"] ? n["name"]["fr"].as<std::string>() : "";
      if (n["url"]) {
        c.url_en = n["url"]["en"] ? n["url"]["en"].as<std::string>() : "";
        c.url_fr = n["url"]["fr"] ? n["url"]["fr"].as<std::string>() : "";
      }
      if (n["description"]) {
        c.description_en = n["description"]["en"] ? n["description"]["en"].as<std::string>() : "";
        c.description_fr = n["description"]["fr"] ? n["description"]["fr"].as<std::string>() : "";
      }
    } catch (const YAML::Exception& e) {
      problems.push_back({path, line, "category " + std::to_string(index) + ": " + e.msg, false});
      continue;
    }
    if (!core::IsSlug(c.slug)) {
      problems.push_back({path, line, "category slug '" + c.slug + "' must be a slug", false});
      continue;
    }
    if (c.url_en.empty()) c.url_en = c.slug;
    if (c.url_fr.empty()) c.url_fr = c.slug;
    if (!core::IsSlug(c.url_en) || !core::IsSlug(c.url_fr)) {
      problems.push_back({path, line, "category '" + c.slug + "': url.en and url.fr must be slugs", false});
      continue;
    }
    if (c.name_en.empty() || c.name_fr.empty()) {
      problems.push_back({path, line, "category '" + c.slug + "' needs name.en and name.fr", false});
      continue;
    }
    if (c.description_en.empty() || c.description_fr.empty())
      problems.push_back({path, line, "category '" + c.slug + "' has no description in both languages", true});
    if (!seen.insert(c.slug).second) {
      problems.push_back({path, line, "category '" + c.slug + "' is listed twice", false});
      continue;
    }
    bool clash = false;  // two categories at one address in a language
    for (const auto& other : out) clash = clash || other.url_en == c.url_en || other.url_fr == c.url_fr;
    if (clash) {
      problems.push_back({path, line, "category '" + c.slug + "' has the address of another category", false});
      continue;
    }
    out.push_back(std::move(c));
  }
  return out;
}

std::optional<std::string> ReadTextFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

namespace {
FileStamp StampOf(const struct stat& st) {
  auto ns = [](const struct timespec& t) { return int64_t{t.tv_sec} * 1000000000 + t.tv_nsec; };
  return FileStamp{static_cast<int64_t>(st.st_size), ns(st.st_mtim), ns(st.st_ctim), static_cast<int64_t>(st.st_ino)};
}
}  // namespace

ContentScan ScanContent(const std::string& content_dir, const ScanCache* cache) {
  ContentScan scan;
  std::error_code ec;
  fs::path root(content_dir);
  if (!fs::is_directory(root, ec)) {
    scan.problems.push_back({content_dir, 0, "content folder not found", false});
    return scan;
  }
  fs::path cats = root / "categories.yml";
  bool have_categories = fs::exists(cats, ec);
  if (have_categories) {
    scan.categories_text = ReadTextFile(cats.string()).value_or("");
    scan.categories = ParseCategories(scan.categories_text, scan.problems);
  }
  std::set<std::string> category_slugs;
  for (const auto& c : scan.categories) category_slugs.insert(c.slug);
  // An unchanged file was checked against the categories it was read with.
  if (cache && cache->categories_text != scan.categories_text) cache = nullptr;

  // Each file's stat is taken as the folder is listed (relative to the folder: no path walked again), before
  // it is read: at 100,000 unchanged files, listing and stat are most of an import.
  struct Listed {
    std::string rel, lang;
    FileStamp stamp;
    bool operator<(const Listed& o) const { return rel < o.rel; }
  };
  std::vector<Listed> files;
  for (const auto& lang : i18n::SupportedLangs()) {
    std::string dir = (root / lang).string();
    DIR* d = ::opendir(dir.c_str());
    if (!d) continue;
    while (const dirent* e = ::readdir(d)) {
      std::string_view name(e->d_name);
      if (name.size() < 4 || name.substr(name.size() - 3) != ".md") continue;
      struct stat st {};
      if (::fstatat(::dirfd(d), e->d_name, &st, 0) != 0 || !S_ISREG(st.st_mode)) continue;
      files.push_back({lang + "/" + e->d_name, lang, StampOf(st)});
    }
    ::closedir(d);
  }
  std::sort(files.begin(), files.end());

  // The files the cache vouches for: their stamp is the one recorded when they were last read.
  std::vector<const std::pair<const std::string, KnownFile>*> known(files.size(), nullptr);
  bool all_known = cache != nullptr;
  for (size_t i = 0; cache && i < files.size(); ++i) {
    auto it = cache->files.find(files[i].rel);
    if (it != cache->files.end() && it->second.stamp == files[i].stamp && it->second.lang == files[i].lang)
      known[i] = &*it;
    else
      all_known = false;
  }
  if (all_known) {
    // Nothing to read (the usual start of serve): these are the files the last imports checked against each other.
    for (const auto* k : known) scan.unchanged.push_back({k->first, k->second.lang, k->second.slug});
    return scan;
  }

  std::unordered_map<std::string, std::string> slug_owner, key_owner;  // "lang/slug" -> path
  slug_owner.reserve(files.size());
  key_owner.reserve(files.size());
  for (size_t i = 0; i < files.size(); ++i) {
    const auto& [rel, lang, stamp] = files[i];
    if (known[i]) {
      const KnownFile& k = known[i]->second;
      std::string id = lang + "/" + k.slug, key_id = lang + "/" + k.key;
      // Not read, but it still holds its slug and key: a new file that takes them is the duplicate.
      if (!slug_owner.count(id) && !key_owner.count(key_id)) {
        slug_owner[id] = rel;
        key_owner[key_id] = rel;
        scan.unchanged.push_back({known[i]->first, k.lang, k.slug});
        continue;
      }
    }
    auto text = ReadTextFile((root / rel).string());
    if (!text) {
      scan.problems.push_back({rel, 0, "cannot read file", false});
      scan.failed_paths.push_back(rel);
      continue;
    }
    ArticleSource a;
    if (!ParseArticle(*text, rel, lang, a, scan.problems)) {
      scan.failed_paths.push_back(rel);
      continue;
    }
    a.stamp = stamp;
    if (!a.category.empty() && have_categories && !category_slugs.count(a.category)) {
      scan.problems.push_back({rel, 0, "category '" + a.category + "' is not in categories.yml", false});
      scan.failed_paths.push_back(rel);
      continue;
    }
    std::string id = a.lang + "/" + a.slug;
    if (auto it = slug_owner.find(id); it != slug_owner.end()) {
      scan.problems.push_back({rel, 0, "slug '" + a.slug + "' is already used by " + it->second, false});
      scan.failed_paths.push_back(rel);
      continue;
    }
    std::string key_id = a.lang + "/" + a.key;
    if (auto it = key_owner.find(key_id); it != key_owner.end()) {
      scan.problems.push_back({rel, 0,
                               "key '" + a.key + "' is already used in " + a.lang + " by " + it->second +
                                   " (one article per key and language)",
                               false});
      scan.failed_paths.push_back(rel);
      continue;
    }
    slug_owner[id] = rel;
    key_owner[key_id] = rel;
    scan.articles.push_back(std::move(a));
  }
  return scan;
}

std::vector<Problem> CheckArticleLinks(const ArticleSource& article, const std::vector<std::string>& links,
                                       const ContentScan& scan) {
  std::set<std::string> known;
  for (const auto& a : scan.articles) known.insert("/" + a.lang + "/articles/" + a.slug);
  std::vector<Problem> out;
  for (const auto& link : links) {
    std::string target = link.substr(0, link.find_first_of("#?"));
    bool internal = false;
    for (const auto& lang : i18n::SupportedLangs())
      if (core::StartsWith(target, "/" + lang + "/articles/")) internal = true;
    if (!internal) continue;
    if (!known.count(target)) {
      // Find the line of the link for a precise message.
      int line = 0;
      size_t at = article.raw.find("(" + link);
      if (at != std::string::npos)
        line = 1 + static_cast<int>(std::count(article.raw.begin(), article.raw.begin() + static_cast<long>(at), '\n'));
      out.push_back({article.path, line, "link to " + link + " points to no article", false});
    }
  }
  return out;
}

}  // namespace entraide::kb
