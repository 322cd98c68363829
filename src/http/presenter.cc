#include "http/presenter.h"

#include "core/log.h"
#include "core/status.h"
#include "core/strings.h"
#include "http/session.h"
#include "http/status_map.h"
#include "i18n/catalog.h"
#include "i18n/wording.h"

namespace entraide::http {

std::string PreferredLang(const Request& req, const SiteInfo& site) {
  std::string cookie = req.Cookie("lang");
  if (i18n::IsSupportedLang(cookie)) return cookie;
  if (auto negotiated = i18n::NegotiateLanguage(req.Header("accept-language"))) return *negotiated;
  return site.default_lang;
}

std::string HumanDate(const Services& s, const std::string& iso, const std::string& lang) {
  return i18n::LongDateIso(s.catalogs.For(lang), iso);
}

std::string LangName(const Services& s, const std::string& lang) { return s.catalogs.LangName(lang); }

view::Value PageData(const Services& s, const std::string& lang, const std::string& title, const std::string& alt_url,
                     const std::string& nav, Visitor* visitor) {
  std::string other = i18n::OtherLang(lang);
  view::Value v = view::Value::Object();
  v.Set("lang", lang);
  v.Set("title", title);
  v.Set("alt_url", alt_url);
  v.Set("alt_lang", other);
  v.Set("alt_lang_name", LangName(s, other));
  v.Set("home_url", "/" + lang + "/");
  v.Set("articles_url", "/" + lang + "/articles");
  v.Set("feed_url", "/" + lang + "/feed.atom");
  v.Set("nav_" + nav, true);
  v.Set("site_name", s.site.name);
  v.Set("signin_url", "/" + lang + "/signin");
  if (visitor && visitor->signed_in()) {
    const auth::Principal* p = visitor->who();
    view::Value u = view::Value::Object();
    u.Set("name", p->name).Set("email", p->email).Set("coordinator", p->IsCoordinator());
    u.Set("volunteer", p->IsVolunteer());
    v.Set("user", std::move(u));
    v.Set("csrf", visitor->FormToken());
  }
  return v;
}

view::Value ArticleSummaryValue(const Services& s, const kb::ArticleSummary& a) {
  view::Value v = view::Value::Object();
  v.Set("title", a.title);
  v.Set("url", "/" + a.lang + "/articles/" + a.slug);
  v.Set("summary", a.summary);
  v.Set("updated", a.updated);
  v.Set("updated_human", HumanDate(s, a.updated, a.lang));
  v.Set("lang", a.lang);
  view::Value tags = view::Value::List();
  for (const auto& t : a.tags) {
    view::Value tv = view::Value::Object();
    tv.Set("name", t);
    tv.Set("url", "/" + a.lang + "/tags/" + t);
    tags.Push(std::move(tv));
  }
  v.Set("tags", std::move(tags));
  v.Set("has_tags", !a.tags.empty());
  return v;
}

int64_t PositiveId(const std::string& s) {
  try {
    size_t used = 0;
    long long v = std::stoll(s, &used);
    return used == s.size() && v > 0 ? v : 0;
  } catch (...) {
    return 0;
  }
}

PeopleMessage ForPeople(const i18n::Catalog& t, const core::Status& status) {
  switch (status.code()) {
    case core::StatusCode::kUnavailable:
    case core::StatusCode::kDeadlineExceeded:
    case core::StatusCode::kInternal: {
      LogServiceError(status);
      PeopleMessage m;
      m.text = t.Get("error_unavailable_text");
      if (!core::CurrentRequestId().empty())
        m.text += " " + t.Get("error_reference") + " " + std::string(core::CurrentRequestId());
      return m;
    }
    default:
      break;
  }
  PeopleMessage m;
  m.field = status.field();
  if (!status.key().empty() && t.Has(status.key())) {
    m.text = t.Format(status.key(), status.args());
    if (const std::string* detail = status.Arg("detail")) m.detail = *detail;
    return m;
  }
  m.text = status.message();
  if (t.lang() != "en") m.lang = "en";
  return m;
}

PeopleMessage Said(std::string text) {
  PeopleMessage m;
  m.text = std::move(text);
  return m;
}

void SetError(view::Value& data, const PeopleMessage& m) {
  data.Set("error", m.text);
  if (!m.lang.empty()) data.Set("error_lang", m.lang);
  if (!m.detail.empty()) data.Set("error_detail", m.detail);
  if (!m.field.empty()) data.Set("invalid_" + m.field, true);
}

Response RenderPage(const Services& s, const std::string& name, const std::string& lang, const view::Value& data,
                    int status) {
  auto html = s.views.Render("pages/" + name, lang, data);
  if (!html.ok()) {
    core::LogError("template failed", {{"template", "pages/" + name}, {"detail", html.status().message()}});
    return Response::Text(500, "Internal error\n");
  }
  Response r = Response::Html(status, std::move(html).value());
  return r;
}

Response ErrorPage(const Services& s, const Request& req, int status) {
  if (core::StartsWith(req.path, "/api/")) {
    switch (status) {
      case 401:
        return JsonError(401, "unauthenticated", "sign in first");
      case 403:
        return JsonError(403, "forbidden", "not allowed");
      case 408:
        return JsonError(408, "timeout", "the request did not arrive in time");
      case 411:
        return JsonError(411, "length_required", "send the body with a Content-Length");
      case 415:
        return JsonError(415, "unsupported_media_type", "this content type is not accepted here");
      case 503:
        return JsonError(503, "unavailable", "try again in a moment");
      case 400:
        return JsonError(400, "bad_request", "the request is malformed");
      case 404:
        return JsonError(404, "not_found", "no such resource");
      case 405:
        return JsonError(405, "method_not_allowed", "this method is not allowed here");
      case 413:
        return JsonError(413, "too_large", "the request body is over the limit");
      case 414:
        return JsonError(414, "uri_too_long", "the address is too long");
      case 417:
        return JsonError(417, "bad_request", "unsupported Expect header");
      case 429:
        return JsonError(429, "resource_exhausted", "too many requests; try again later");
      case 431:
        return JsonError(431, "too_large", "the request headers are too large");
      default:
        return JsonError(status, "internal", "the server could not answer; try again later");
    }
  }
  // The language from the path when it names one, else the visitor's preference.
  std::string lang;
  auto segs = core::Split(req.path, '/', true);
  if (!segs.empty() && i18n::IsSupportedLang(segs[0]))
    lang = segs[0];
  else
    lang = PreferredLang(req, s.site);
  const auto& t = s.catalogs.For(lang);
  std::string key;
  switch (status) {
    case 404:
    case 400:
    case 405:
    case 413:
    case 403:
    case 429:
    case 503:
      key = "error_" + std::to_string(status);
      break;
    case 414:
    case 431:
      key = "error_413";
      break;
    case 401:
      key = "error_403";
      break;
    default:
      key = status < 500 ? "error_400" : "error_500";
  }
  view::Value data = PageData(s, lang, t.Get(key + "_title"), "/" + i18n::OtherLang(lang) + "/", "");
  data.Set("status", std::to_string(status));
  data.Set("heading", t.Get(key + "_title"));
  data.Set("message", t.Get(key + "_text"));
  // A server error carries the request's id: the person can quote it, and the log has the detail under it.
  if (status >= 500 && !req.id.empty()) data.Set("reference", req.id);
  return RenderPage(s, "error", lang, data, status);
}

Handler LangPage(const Services& s, Response (*fn)(const Services&, const Request&)) {
  const Services* services = &s;
  return [services, fn](Request& req) {
    return i18n::IsSupportedLang(req.Param("lang")) ? fn(*services, req) : ErrorPage(*services, req, 404);
  };
}

}  // namespace entraide::http
