// Presenters: turn service results into view::Value trees for the templates, and render pages.
// Pure functions of their inputs; thread-safe.
#pragma once

#include <string>

#include "http/message.h"
#include "http/services.h"
#include "i18n/catalog.h"
#include "kb/article_service.h"
#include "view/value.h"

namespace entraide::http {

// The language for a request whose path has none: the `lang` cookie, then Accept-Language, then the default.
std::string PreferredLang(const Request& req, const SiteInfo& site);

// "2026-11-27" -> "27 novembre 2026" / "November 27, 2026". Returns the input when it is not a date.
std::string HumanDate(const std::string& iso_date, const std::string& lang);

std::string LangName(const std::string& lang);  // "English", "Français"

// The data every page's layout needs: lang, t (through globals), title, the language switch, nav state.
class Visitor;
view::Value PageData(const Services& s, const std::string& lang, const std::string& title,
                     const std::string& alt_url, const std::string& nav, Visitor* visitor = nullptr);

view::Value ArticleSummaryValue(const kb::ArticleSummary& a);

// A service's message ("subject: required", "the email or the password is not right"...) for people:
// the catalog's sentence (an error_* key) when there is one; otherwise the message itself, which is
// English, with `lang` "en" so that the page marks it (empty when the text is in the catalog's language).
// `field` is the form field the message names first ("subject"), or empty.
struct PeopleMessage {
  std::string text;
  std::string lang;
  std::string field;
};
PeopleMessage ForPeople(const i18n::Catalog& t, const std::string& message);

// Sets error, error_lang and invalid_<field> (for aria-invalid) in a page's data.
void SetError(view::Value& data, const PeopleMessage& m);

// Renders pages/<name> in `lang`; a template failure is logged and becomes a plain 500.
Response RenderPage(const Services& s, const std::string& name, const std::string& lang, const view::Value& data,
                    int status = 200);

// The HTML error page (404, 400, 405, 413, 500...) in the visitor's language; JSON for /api/ paths.
Response ErrorPage(const Services& s, const Request& req, int status);

}  // namespace entraide::http
