// PageCache: rendered library pages for visitors who are not signed in (the same bytes for everyone),
// with their gzip form, valid while the store's content generation is unchanged. An import, a publication or an
// erasure bumps the generation, so a changed article is never served stale (after a change by another process,
// for at most kb::ArticleService::kOtherProcessesMs). Bounded: cleared when full. Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "http/message.h"

namespace entraide::http {

class PageCache {
 public:
  explicit PageCache(size_t max_entries = 4000) : max_entries_(max_entries) {}
  std::optional<Response> Get(const std::string& key, int64_t generation);
  // Stores a 200 response (its gzip form is computed now, once).
  void Put(const std::string& key, int64_t generation, const Response& response);

 private:
  struct Entry {
    int64_t generation;
    Response response;
  };
  size_t max_entries_;
  std::mutex mu_;
  std::map<std::string, Entry> entries_;
};

}  // namespace entraide::http
