#include "http/metrics_endpoint.h"

#include "core/metrics.h"
#include "core/sha256.h"
#include "core/strings.h"
#include "http/client_address.h"
#include "http/presenter.h"

namespace entraide::http {

bool MetricsAllowed(const Request& req, const std::string& token) {
  if (!token.empty()) {
    const std::string header = req.Header("authorization");
    std::string_view h = core::Trim(header);
    if (h.size() < 7 || core::ToLowerAscii(h.substr(0, 7)) != "bearer ") return false;
    std::string_view given = core::Trim(h.substr(7));
    // Digests of equal length, compared in constant time: neither the token nor its length leaks.
    auto a = core::Sha256Hex(given), b = core::Sha256Hex(token);
    return core::ConstantTimeEquals(a, b);
  }
  return (req.peer_trusted || IsLoopback(req.peer_addr)) && IsLoopback(req.remote_addr);
}

void RegisterMetrics(Router& router, const Services& services, const std::string& token) {
  const Services* s = &services;
  router.Add("GET", "/metrics", [s, token](Request& req) {
    if (!MetricsAllowed(req, token)) return ErrorPage(*s, req, 404);
    core::MetricsText out;
    for (const core::MetricsSource* source : s->metrics_sources) source->Collect(out);
    Response r = Response::Text(200, out.Take());
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.Header("Cache-Control", "no-store");
    return r;
  });
}

}  // namespace entraide::http
