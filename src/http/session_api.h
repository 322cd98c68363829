// The session API (/api/v1/session): sign in with JSON (POST), who is signed in (GET), sign out (DELETE).
// Sign-in refuses another site's Origin (login CSRF); sign-out needs the session and the site's own
// Origin/Referer, or the token in X-CSRF-Token.
#pragma once

#include "http/router.h"
#include "http/services.h"

namespace entraide::http {

void RegisterSessionApi(Router& router, const Services& services);

}  // namespace entraide::http
