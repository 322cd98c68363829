// Where sign-in sends people (issue #21): back to the page they asked for, when that is a page of this site,
// else to where their role works (volunteers: the queue; members: their help requests). Pure functions;
// thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "auth/principal.h"
#include "http/services.h"
#include "view/value.h"

namespace entraide::http {

// `next` when it is a path of this site that sign-in may send people to: starts with "/en/" or "/fr/", not
// "//" or "/\" (another host to a browser), no backslash, no control character or space, no scheme or
// authority, not the sign-in pages themselves, at most 2,000 bytes; else "".
std::string SafeReturnPath(std::string_view next);

// The sign-in page in `lang`, with ?next=<target> when `target` (a request's path and query) is a safe return.
std::string SignInUrl(const std::string& lang, std::string_view target);

// Where to go after signing in: `next` when safe, else the queue for volunteers, their help requests for the
// others.
std::string AfterSignIn(const std::string& lang, std::string_view next, const auth::Principal& who);

// Who to ask for an account, for the sign-in page: contact_email (a mailto link) or contact_text when
// site.account_contact is set, else neither (the page says to ask the group's coordinator).
void SetAccountContact(view::Value& data, const SiteInfo& site);

}  // namespace entraide::http
