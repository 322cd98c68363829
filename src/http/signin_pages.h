// Sign-in (password or emailed link), sign-out, the forgotten-password and reset pages, and accepting an
// invitation: the pages of someone not (yet) signed in. Every POST form checks its CSRF token; a GET never uses a
// link (mail scanners open links). The account page is account_pages.h, the session API session_api.h.
#pragma once

#include "http/router.h"
#include "http/services.h"

namespace entraide::http {

void RegisterSignIn(Router& router, const Services& services);

}  // namespace entraide::http
