#include "search/codec.h"

#include <cstdint>
#include <cstring>

#include "core/strings.h"

namespace entraide::search {
namespace {
void Put(std::string& out, const std::string& s) {
  uint32_t n = static_cast<uint32_t>(s.size());
  out.append(reinterpret_cast<const char*>(&n), 4);
  out.append(s);
}
bool Get(std::string_view& in, std::string& out) {
  if (in.size() < 4) return false;
  uint32_t n;
  std::memcpy(&n, in.data(), 4);
  in.remove_prefix(4);
  if (in.size() < n) return false;
  out.assign(in.substr(0, n));
  in.remove_prefix(n);
  return true;
}
}  // namespace

std::string EncodeDocument(const Document& d) {
  std::string out;
  for (const std::string* f : {&d.id, &d.kind, &d.lang, &d.key, &d.slug, &d.title, &d.summary, &d.body,
                               &d.category, &d.url, &d.updated})
    Put(out, *f);
  Put(out, core::Join(d.tags, "\x1f"));
  return out;
}

std::optional<Document> DecodeDocument(const std::string& data) {
  Document d;
  std::string_view in(data);
  std::string tags;
  for (std::string* f : {&d.id, &d.kind, &d.lang, &d.key, &d.slug, &d.title, &d.summary, &d.body, &d.category,
                         &d.url, &d.updated})
    if (!Get(in, *f)) return std::nullopt;
  if (!Get(in, tags)) return std::nullopt;
  if (!tags.empty()) d.tags = core::Split(tags, '\x1f');
  return d;
}

}  // namespace entraide::search
