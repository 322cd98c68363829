#include "http/router.h"

#include "core/strings.h"

namespace entraide::http {
namespace {

bool IsCapture(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

void Router::Add(const std::string& method, const std::string& pattern, Handler handler, FastHandler fast) {
  routes_.push_back({method, pattern, core::Split(pattern, '/', true), std::move(handler), std::move(fast)});
}

Router::MatchResult Router::Match(Request& req, const Handler** out, std::string* allowed,
                                  const FastHandler** fast) const {
  auto segments = core::Split(req.path, '/', true);
  bool trailing_slash = req.path.size() > 1 && req.path.back() == '/';
  MatchResult result = MatchResult::kNotFound;
  std::vector<std::string> methods;
  for (const auto& r : routes_) {
    if (r.segments.size() != segments.size()) continue;
    bool ok = true;
    for (size_t i = 0; i < segments.size() && ok; ++i) {
      const auto& p = r.segments[i];
      ok = IsCapture(p) || p == segments[i];
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
    req.params.clear();
    for (size_t i = 0; i < segments.size(); ++i)
      if (IsCapture(r.segments[i])) req.params[r.segments[i].substr(1, r.segments[i].size() - 2)] = segments[i];
    req.route_index = static_cast<int>(&r - routes_.data());
    *out = &r.handler;
    if (fast) *fast = r.fast ? &r.fast : nullptr;
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
