// Router: maps (method, path pattern) to a handler. Patterns are literal segments and {name} captures
// ("/{lang}/articles/{slug}"); captures match one non-empty segment. Built once at start, then read-only
// and thread-safe. Each route has an index (the order it was added in), which a match records in the Request
// (req.route_index) so that the server can count requests by route pattern without a lookup.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "http/message.h"

namespace entraide::http {

using Handler = std::function<Response(Request&)>;
// An answer from memory, given by the server's event-loop thread before any worker sees the request (a cached
// library page for a visitor): it must never block, and returns nullopt to leave the request to the handler.
using FastHandler = std::function<std::optional<Response>(Request&)>;

class Router {
 public:
  void Add(const std::string& method, const std::string& pattern, Handler handler, FastHandler fast = nullptr);

  enum class MatchResult { kFound, kNotFound, kMethodNotAllowed };
  // On kFound fills req.params and req.route_index and returns the handler in *out. On kMethodNotAllowed,
  // *allowed lists methods.
  // With `fast`, also the route's FastHandler (nullptr when it has none).
  MatchResult Match(Request& req, const Handler** out, std::string* allowed, const FastHandler** fast = nullptr) const;

  // The routes' methods and patterns, by index.
  struct RouteName {
    std::string method, pattern;
  };
  std::vector<RouteName> Routes() const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    Handler handler;
    FastHandler fast;
  };
  std::vector<Route> routes_;
};

}  // namespace entraide::http
