// The reading pages: home, article list, article, category, tag, Atom feed, /healthz, static files.
// Thin handlers: parse, call a service, present. Registered on a Router; they capture only `Services&`.
#pragma once

#include "http/router.h"
#include "http/services.h"

namespace entraide::http {

void RegisterPages(Router& router, const Services& services);

}  // namespace entraide::http
