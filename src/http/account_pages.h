// Sign-in (password or emailed link), sign-out, password reset, invitations, the account page, and the
// session API (/api/v1/session) (the administration pages are admin_pages.h). Every POST form checks its CSRF token;
// API writes need the session and the site's own Origin/Referer, or the token in X-CSRF-Token.
#pragma once

#include "http/router.h"
#include "http/services.h"

namespace entraide::http {

void RegisterAccounts(Router& router, const Services& services);

}  // namespace entraide::http
