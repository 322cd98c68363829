#include "search/codec.h"

#include <cstdint>
#include <cstring>

#include "core/strings.h"
#include "core/wire.h"

namespace entraide::search {
std::string EncodeDocument(const Document& d) {
  std::string out;
  for (const std::string* f :
       {&d.id, &d.kind, &d.lang, &d.key, &d.slug, &d.title, &d.summary, &d.body, &d.category, &d.url, &d.updated})
    core::PutField(out, *f);
  core::PutField(out, core::Join(d.tags, "\x1f"));
  return out;
}

std::optional<Document> DecodeDocument(const std::string& data) {
  Document d;
  std::string_view in(data);
  std::string tags;
  for (std::string* f :
       {&d.id, &d.kind, &d.lang, &d.key, &d.slug, &d.title, &d.summary, &d.body, &d.category, &d.url, &d.updated})
    if (!core::GetField(in, *f)) return std::nullopt;
  if (!core::GetField(in, tags)) return std::nullopt;
  if (!tags.empty()) d.tags = core::Split(tags, '\x1f');
  return d;
}

}  // namespace entraide::search
