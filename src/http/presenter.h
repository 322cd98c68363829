// Presenters: turn service results into view::Value trees for the templates, and render pages.
// Pure functions of their inputs; thread-safe.
#pragma once

#include <string>

#include "http/message.h"
#include "http/services.h"
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

// Renders pages/<name> in `lang`; a template failure is logged and becomes a plain 500.
Response RenderPage(const Services& s, const std::string& name, const std::string& lang, const view::Value& data,
                    int status = 200);

// The HTML error page (404, 400, 405, 413, 500...) in the visitor's language; JSON for /api/ paths.
Response ErrorPage(const Services& s, const Request& req, int status);

}  // namespace entraide::http
