// The JSON API (/api/v1/...). Errors are {"error": {"code", "message"}} with the mapped status.
#pragma once

#include "http/router.h"
#include "http/services.h"

namespace entraide::http {

void RegisterApi(Router& router, const Services& services);

}  // namespace entraide::http
