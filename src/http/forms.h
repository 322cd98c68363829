// Helpers of the pages made of forms for signed-in people (account, administration): render a page with the
// form token, redirect after a POST, turn a service's Status into a message and an HTTP status. Defined in
// forms.cc; thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "core/status.h"
#include "http/message.h"
#include "http/presenter.h"
#include "http/services.h"
#include "http/session.h"
#include "view/value.h"

namespace entraide::http::forms {

// Renders pages/<name> with the layout (`nav` marked current), `extra`'s keys and form_csrf; `alt_path` is the
// page's path after /{lang} for the language switch. The one page helper of the signed-in pages (account,
// administration, email settings, tickets, saved replies).
Response Page(const Services& s, Visitor& v, const std::string& lang, const std::string& name, const std::string& title,
              view::Value extra, int status = 200, const std::string& alt_path = "",
              const std::string& nav = "account");
// 303 to `to`, with the visitor's cookies.
Response SeeOther(Visitor& v, const std::string& to);
// 303 to the sign-in page of `lang`, which sends the visitor back to the page asked for (a GET's target) once
// signed in. Every signed-in page answers a visitor who is not with this.
Response SignInFirst(Visitor& v, const std::string& lang);
// A page's error and notice.
view::Value Msg(const std::string& error, const std::string& notice = "");
view::Value Msg(const PeopleMessage& error, const std::string& notice = "");
// A status from a service as a message for people (in the page's language when the catalog has it), and the
// page's HTTP status (401, 403, 404, 409, 422, 429, 503).
std::pair<PeopleMessage, int> Explain(const Services& s, const std::string& lang, const core::Status& st);
// The page for a form whose CSRF token is missing or wrong (403).
Response CsrfFailure(const Services& s, Visitor& v, const std::string& lang);
// Retry-After on a refusal: the service's wait `retry` (429), or the hash gate's when it was busy (503).
void SetRetryAfter(const Services& s, Response& r, const core::Status& st, int64_t retry);

}  // namespace entraide::http::forms
