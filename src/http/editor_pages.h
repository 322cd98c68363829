// The library edited online (issue #18), for volunteers (auth::Policy kWriteArticle; publishing kPublishArticle,
// every check in editorial::EditorialService): the editor (/{lang}/articles/new, /{lang}/articles/{slug}/edit:
// a plain form, a server preview by a submit button, made live by editor.js through POST
// /{lang}/articles/preview; a save on a stale revision answers 409 with both versions), an article's history,
// the comparison of two revisions, one revision's text and its restore, the review queue (publish, decline) and
// the translations to do. Every page works without JavaScript; every POST carries the form's CSRF token.
#pragma once

#include "http/router.h"
#include "http/services.h"

namespace entraide::http {

// Registers the editor's routes; before RegisterPages, whose /{lang}/articles/{slug} would take .../new.
void RegisterEditorPages(Router& router, const Services& services);

}  // namespace entraide::http
