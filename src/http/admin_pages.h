// The coordinators' administration pages, built for a network of hundreds of groups and thousands of people:
// every list is searched (accents and case folded) and paged, never written out whole.
//   GET  /{lang}/admin                        overview: links, help desk categories
//   GET  /{lang}/admin/people?q=&role=&page=  people, 50 a page; POST invites someone
//   GET  /{lang}/admin/people/{id}?group_q=   a person: role, active, groups (remove; search to add)
//   POST /{lang}/admin/people/{id}            role and active state
//   POST /{lang}/admin/people/{id}/groups     add=<group id> or remove=<group id>
//   GET  /{lang}/admin/groups?q=&page=        groups with their member counts, 50 a page; POST creates one
//   GET  /{lang}/admin/groups/{id}?page=      a group: name, language, active; its members, 50 a page
//   POST /{lang}/admin/groups/{id}            name, language and active state
//   POST /{lang}/admin/categories             a help desk category
// Anonymous visitors are sent to sign in; anyone but a coordinator gets 403 (auth::Directory and
// tickets::CategoryService decide, through auth::Policy). Every POST checks the form's CSRF token and answers 303 to
// the page it changed, or that page again with the error (422, 404, 409...).
#pragma once

#include "http/router.h"
#include "http/services.h"

namespace entraide::http {

void RegisterAdmin(Router& router, const Services& services);

}  // namespace entraide::http
