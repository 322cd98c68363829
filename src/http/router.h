// Router: maps (method, path pattern) to a handler. Patterns are literal segments and {name} captures
// ("/{lang}/articles/{slug}"); captures match one non-empty segment. Built once at start, then read-only
// and thread-safe. Each route has an index (the order it was added in), which a match records in the Request
// (req.route_index) so that the server can count requests by route pattern without a lookup.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "http/message.h"

namespace entraide::http {

using Handler = std::function<Response(Request&)>;

class Router {
 public:
  void Add(const std::string& method, const std::string& pattern, Handler handler);

  enum class MatchResult { kFound, kNotFound, kMethodNotAllowed };
  // On kFound fills req.params and req.route_index and returns the handler in *out. On kMethodNotAllowed,
  // *allowed lists methods.
  MatchResult Match(Request& req, const Handler** out, std::string* allowed) const;

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
  };
  std::vector<Route> routes_;
};

}  // namespace entraide::http
