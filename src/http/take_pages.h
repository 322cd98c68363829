// "I'll take it" links from the volunteer digest: /{lang}/take/{token}. Mail scanners open links in emails, so
// a GET claims only when the browser is signed in as the link's own volunteer (one click for them); anyone
// else (a scanner, another browser) gets a small page with one button that POSTs to the same URL. The token
// is the authority for that POST (like an unsubscribe link), so it needs no session or CSRF cookie: a forger
// would need the token, which only the volunteer's mailbox holds. Taking lands on the ticket (303); every
// other outcome (someone else took it first, already yours, used, expired, forged) is a page that says so.
#pragma once

#include "http/router.h"
#include "http/services.h"

namespace entraide::http {

void RegisterTakeLinks(Router& router, const Services& services);

}  // namespace entraide::http
