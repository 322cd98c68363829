// Insights pages (issue #19):
//  - the coordinators' dashboard /{lang}/admin/dashboard?weeks=4|12|26|52 (sign-in first; 403 for anyone but a
//    coordinator, decided by auth::Policy in the service), its charts (http/charts.h) each with a table of the
//    same data, and each table as CSV at /{lang}/admin/dashboard/csv/{table}?weeks=;
//  - article feedback, POST /{lang}/articles/{slug}/feedback (helpful=yes|no, comment=...): anyone, no
//    JavaScript, no CSRF token (visitors have no session; a POST naming another site in Origin or Referer is
//    refused), counted once per address, article and day by the insights service;
//  - the search page's result links, GET /{lang}/search/go?q=&to=: counts a click for the query and redirects
//    (303) to `to`, which must be an article or question page of this site (anything else: 404).
#pragma once

#include "http/router.h"
#include "http/services.h"

namespace entraide::http {

void RegisterDashboard(Router& router, const Services& services);

// A handler of an insights page (here and http/saved_reply_pages.h): 404 when {lang} is not a language of the site
// or the insights service is not set up, else `fn`.
Handler InsightsPage(const Services& services, Response (*fn)(const Services&, const Request&));

// The link of a search result through /{lang}/search/go, which counts the click.
std::string SearchClickUrl(const std::string& lang, const std::string& query, const std::string& target);

// A CSV field: quoted when it holds a comma, a quote or a line break, and a text a spreadsheet would take for a
// formula (starting with = + - @ or a tab) kept as text with a leading apostrophe (OWASP's CSV injection advice).
std::string CsvField(const std::string& value);

}  // namespace entraide::http
