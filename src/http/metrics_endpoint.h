// GET /metrics: the Prometheus text format (0.0.4) of every MetricsSource in Services (the server's requests and
// connections, sign-in failures and refusals, the data's gauges). Not advertised: a client without access gets
// the ordinary 404 page, as for a path that does not exist.
//
// Access: with metrics.token set, only a request carrying "Authorization: Bearer <token>" (compared in
// constant time), wherever it comes from. Without a token, only the machine itself: the socket's peer is a
// loopback address or one of http.trusted_proxies, and the client is a loopback address too (behind a proxy,
// the address X-Forwarded-For names), so a proxy never hands /metrics to the world.
#pragma once

#include <string>

#include "http/message.h"
#include "http/router.h"
#include "http/services.h"

namespace entraide::http {

// Whether `req` may read /metrics under the rules above (`token`: metrics.token, empty when unset).
bool MetricsAllowed(const Request& req, const std::string& token);

void RegisterMetrics(Router& router, const Services& services, const std::string& token);

}  // namespace entraide::http
