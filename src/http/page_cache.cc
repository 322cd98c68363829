#include "http/page_cache.h"

#include "http/compress.h"

namespace entraide::http {

std::optional<Response> PageCache::Get(const std::string& key, int64_t generation) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end() || it->second.generation != generation) return std::nullopt;
  return it->second.response;
}

void PageCache::Put(const std::string& key, int64_t generation, const Response& response) {
  if (response.status != 200) return;
  Response copy = response;
  if (copy.body.size() > 512) copy.gzip_body = GzipCompress(copy.body);
  std::lock_guard<std::mutex> lock(mu_);
  if (entries_.size() >= max_entries_) entries_.clear();
  entries_[key] = Entry{generation, std::move(copy)};
}

}  // namespace entraide::http
