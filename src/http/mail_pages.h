// Email pages: the preferences page /{lang}/account/email (signed in, CSRF-checked form) and unsubscribe
// links /{lang}/unsubscribe/{token}, which work without signing in: GET shows a confirmation page, and a POST
// whose body holds List-Unsubscribe=One-Click (RFC 8058, also what the page's button sends) unsubscribes from
// that kind of email and answers 200. The signed token is the authority there, so no CSRF token is asked:
// mail providers post it without cookies. And the coordinators' page of failed messages /{lang}/admin/mail, with
// a CSRF-checked POST /{lang}/admin/mail/{id}/retry (sign-in first; 403 for anyone but a coordinator).
#pragma once

#include "http/router.h"
#include "http/services.h"

namespace entraide::http {

void RegisterMail(Router& router, const Services& services);

}  // namespace entraide::http
