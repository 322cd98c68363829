// Saved replies, for volunteers and coordinators (auth::Policy's kTriage, checked by the insights service):
// /{lang}/replies lists them with a form to add one (a title and a text in French and in English); each is edited
// at /{lang}/replies/{id} and removed by POST /{lang}/replies/{id}/delete (CSRF-checked forms, 422 with the field
// for a bad value). The ticket page's reply form offers them through AddSavedReplies: a select in a GET form
// that reloads the ticket with ?saved_reply=ID and the reply's text in the ticket's language in the text box
// (no JavaScript), which app.js does at once instead.
#pragma once

#include <string>

#include "auth/principal.h"
#include "http/message.h"
#include "http/router.h"
#include "http/services.h"
#include "view/value.h"

namespace entraide::http {

void RegisterSavedReplies(Router& router, const Services& services);

// Sets `saved_replies` (id, title and body in `ticket_lang`, selected) and `has_saved_replies` in a ticket page's
// data for `who`, and `reply_body` to the chosen reply (?saved_reply=ID) unless `body_kept` (a refused reply's
// text is never replaced).
void AddSavedReplies(const Services& s, const Request& req, const auth::Principal* who, const std::string& ticket_lang,
                     bool body_kept, view::Value& data);

}  // namespace entraide::http
