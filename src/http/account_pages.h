// The account page of a signed-in person: their name and language, their password, and their own data as a ZIP.
// Every POST form checks its CSRF token. Sign-in and links: signin_pages.h; the session API: session_api.h; the
// administration pages: admin_pages.h.
#pragma once

#include "http/router.h"
#include "http/services.h"

namespace entraide::http {

void RegisterAccounts(Router& router, const Services& services);

}  // namespace entraide::http
