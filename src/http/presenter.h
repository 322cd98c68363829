// Presenters: turn service results into view::Value trees for the templates, and render pages.
// Pure functions of their inputs; thread-safe.
#pragma once

#include <string>

#include "http/message.h"
#include "http/router.h"
#include "http/services.h"
#include "i18n/catalog.h"
#include "kb/article_service.h"
#include "view/value.h"

namespace entraide::http {

// The language for a request whose path has none: the `lang` cookie, then Accept-Language, then the default.
std::string PreferredLang(const Request& req, const SiteInfo& site);

// "2026-11-27" -> "27 novembre 2026" / "November 27, 2026" (i18n::LongDateIso with the catalog of `lang`).
// Returns the input when it is not a date.
std::string HumanDate(const Services& s, const std::string& iso_date, const std::string& lang);

// A language's own name, from its catalog: "English", "Français".
std::string LangName(const Services& s, const std::string& lang);

// A positive whole number written in decimal (an id in a path or a form), else 0.
int64_t PositiveId(const std::string& s);

// The data every page's layout needs: lang, t (through globals), title, the language switch, nav state.
class Visitor;
view::Value PageData(const Services& s, const std::string& lang, const std::string& title, const std::string& alt_url,
                     const std::string& nav, Visitor* visitor = nullptr);

view::Value ArticleSummaryValue(const Services& s, const kb::ArticleSummary& a);

// A service's refusal for people: the catalog's sentence for status.key() (its {placeholders} filled from
// status.args()) when there is one; otherwise the English message itself, with `lang` "en" so that the page
// marks it (empty when the text is in the catalog's language). `field` is status.field() ("subject"), or empty;
// `detail` an English precision kept next to the translated sentence (the argument "detail": libpwquality's
// reason for refusing a password). The message's wording is never read.
struct PeopleMessage {
  std::string text;
  std::string lang;
  std::string field;
  std::string detail;
};
// An unavailable service, a deadline or an internal error never shows its message (SQLite's text, a path):
// the detail goes to the log under the request id, and people read a plain sentence with that id as a reference.
PeopleMessage ForPeople(const i18n::Catalog& t, const core::Status& status);

// A sentence that is already in the page's language (from the catalog).
PeopleMessage Said(std::string text);

// Sets error, error_lang, error_detail and invalid_<field> (for aria-invalid) in a page's data.
void SetError(view::Value& data, const PeopleMessage& m);

// Renders pages/<name> in `lang`; a template failure is logged and becomes a plain 500.
Response RenderPage(const Services& s, const std::string& name, const std::string& lang, const view::Value& data,
                    int status = 200);

// The HTML error page (404, 400, 405, 413, 500...) in the visitor's language; JSON for /api/ paths.
Response ErrorPage(const Services& s, const Request& req, int status);
// The handler of a page under /{lang}/: `fn`, or the 404 page for a language the site does not have.
Handler LangPage(const Services& s, Response (*fn)(const Services&, const Request&));

}  // namespace entraide::http
