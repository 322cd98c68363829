// Search: the results page (/{lang}/search), the search API (/api/v1/search) and as-you-type suggestions
// (/api/v1/suggest). Thin handlers over kb::SearchService.
#pragma once

#include "http/router.h"
#include "http/services.h"

namespace entraide::http {

void RegisterSearch(Router& router, const Services& services);

}  // namespace entraide::http
