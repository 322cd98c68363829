#include "http/router.h"

#include "core/strings.h"

namespace entraide::http {

void Router::Add(const std::string& method, const std::string& pattern, Handler handler) {
  routes_.push_back({method, pattern, core::Split(pattern, '/', true), std::move(handler)});
}

Router::MatchResult Router::Match(Request& req, const Handler** out, std::string* allowed) const {
  auto segments = core::Split(req.path, '/', true);
  bool trailing_slash = req.path.size() > 1 && req.path.back() == '/';
  MatchResult result = MatchResult::kNotFound;
  std::vector<std::string> methods;
  for (const auto& r : routes_) {
    if (r.segments.size() != segments.size()) continue;
    std::map<std::string, std::string> params;
    bool ok = true;
    for (size_t i = 0; i < segments.size() && ok; ++i) {
      const auto& p = r.segments[i];
      if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
        params[p.substr(1, p.size() - 2)] = segments[i];
      } else if (p != segments[i]) {
        ok = false;
      }
    }
    if (!ok) continue;
    // "/en/" and "/en" both match "/{lang}/": trailing slashes are not significant, except that
    // file-like routes (feed.atom) never take one.
    if (trailing_slash && !r.segments.empty() && r.segments.back().find('.') != std::string::npos) continue;
    bool method_ok = r.method == req.method || (r.method == "GET" && req.method == "HEAD");
    if (!method_ok) {
      methods.push_back(r.method);
      result = MatchResult::kMethodNotAllowed;
      continue;
    }
    req.params = std::move(params);
    req.route_index = static_cast<int>(&r - routes_.data());
    *out = &r.handler;
    return MatchResult::kFound;
  }
  if (allowed) *allowed = core::Join(methods, ", ");
  return result;
}

std::vector<Router::RouteName> Router::Routes() const {
  std::vector<RouteName> out;
  out.reserve(routes_.size());
  for (const auto& r : routes_) out.push_back({r.method, r.pattern});
  return out;
}

}  // namespace entraide::http
