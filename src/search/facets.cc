#include "search/facets.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "core/strings.h"
#include "search/document.h"

namespace entraide::search {

int64_t Scaled(int64_t count, double scale) {
  if (scale <= 1.0) return count;
  double v = static_cast<double>(count) * scale;
  double unit = 1;
  while (v / unit >= 100) unit *= 10;
  return std::max<int64_t>(1, static_cast<int64_t>(std::llround(v / unit) * unit));
}

std::shared_ptr<const FacetTable> FacetTable::Read(const Xapian::Database& db) {
  auto t = std::make_shared<FacetTable>();
  size_t size = static_cast<size_t>(db.get_lastdocid()) + 1;
  auto column = [&](Xapian::valueno slot, std::vector<uint32_t>& ids, std::vector<std::string>& names) {
    ids.assign(size, 0);
    names.assign(1, "");
    std::unordered_map<std::string, uint32_t> seen;
    for (auto v = db.valuestream_begin(slot); v != db.valuestream_end(slot); ++v) {
      auto [it, added] = seen.emplace(*v, static_cast<uint32_t>(names.size()));
      if (added) names.push_back(*v);
      if (v.get_docid() < size) ids[v.get_docid()] = it->second;
    }
  };
  column(kSlotKey, t->key, t->key_names);
  column(kSlotCategory, t->category, t->category_names);
  column(kSlotLang, t->lang, t->lang_names);
  column(kSlotKind, t->kind, t->kind_names);
  t->docs_of_key.resize(t->key_names.size());
  for (size_t d = 1; d < size; ++d)
    if (t->key[d] != 0) t->docs_of_key[t->key[d]].push_back(static_cast<Xapian::docid>(d));
  std::vector<std::vector<uint32_t>> by_doc(size);
  std::unordered_map<std::string, uint32_t> seen;
  t->tag_names.assign(1, "");
  for (auto v = db.valuestream_begin(kSlotTags); v != db.valuestream_end(kSlotTags); ++v) {
    if (v.get_docid() >= size) continue;
    for (const auto& tag : core::Split(*v, '\x1f', true)) {
      auto [it, added] = seen.emplace(tag, static_cast<uint32_t>(t->tag_names.size()));
      if (added) t->tag_names.push_back(tag);
      by_doc[v.get_docid()].push_back(it->second);
    }
  }
  t->tags_begin.reserve(size + 1);
  for (const auto& ids : by_doc) {
    t->tags_begin.push_back(static_cast<uint32_t>(t->tags.size()));
    t->tags.insert(t->tags.end(), ids.begin(), ids.end());
  }
  t->tags_begin.push_back(static_cast<uint32_t>(t->tags.size()));
  return t;
}

// The visitor's version of the item (see facets.h).
Xapian::docid VisitorVersion(const FacetTable& t, Xapian::docid hit, const std::string& visitor) {
  if (hit >= t.key.size() || t.key[hit] == 0 || t.lang_names[t.lang[hit]] == visitor) return hit;
  for (Xapian::docid d : t.docs_of_key[t.key[hit]])
    if (d != hit && t.lang_names[t.lang[d]] == visitor) return d;
  return hit;
}

}  // namespace entraide::search
