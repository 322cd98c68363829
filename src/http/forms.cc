#include "http/forms.h"

#include "http/return_to.h"
#include "i18n/catalog.h"

namespace entraide::http::forms {

Response Page(const Services& s, Visitor& v, const std::string& lang, const std::string& name, const std::string& title,
              view::Value extra, int status, const std::string& alt_path, const std::string& nav) {
  view::Value data = PageData(s, lang, title, "/" + i18n::OtherLang(lang) + alt_path, nav, &v);
  data.Set("form_csrf", v.FormToken());
  for (const auto& [k, val] : extra.object()) data.Set(k, val);
  Response r = RenderPage(s, name, lang, data, status);
  v.Apply(r);
  return r;
}

Response SeeOther(Visitor& v, const std::string& to) {
  Response r = Response::Redirect(303, to);
  v.Apply(r);
  return r;
}

Response SignInFirst(Visitor& v, const std::string& lang) { return SeeOther(v, SignInUrl(lang, v.target())); }

view::Value Msg(const std::string& error, const std::string& notice) {
  view::Value m = view::Value::Object();
  if (!error.empty()) m.Set("error", error);
  if (!notice.empty()) m.Set("notice", notice);
  return m;
}

view::Value Msg(const PeopleMessage& error, const std::string& notice) {
  view::Value m = Msg("", notice);
  if (!error.text.empty()) SetError(m, error);
  return m;
}

// A status from a service as a message for people (in the page's language when the catalog has it),
// and the page's HTTP status.
std::pair<PeopleMessage, int> Explain(const Services& s, const std::string& lang, const core::Status& st) {
  const auto& t = s.catalogs.For(lang);
  switch (st.code()) {
    case core::StatusCode::kUnauthenticated:
      return {ForPeople(t, st), 401};
    case core::StatusCode::kResourceExhausted:
      return {Said(t.Get("auth_rate_limited")), 429};
    case core::StatusCode::kInvalidArgument:
      return {ForPeople(t, st), 422};
    case core::StatusCode::kAlreadyExists:
      return {ForPeople(t, st), 409};
    case core::StatusCode::kPermissionDenied:
      return {Said(t.Get("auth_forbidden")), 403};
    case core::StatusCode::kNotFound:
      return {ForPeople(t, st), 404};
    case core::StatusCode::kUnavailable:
      if (st.key() == "auth_busy") return {Said(t.Get("auth_busy")), 503};  // the hash gate
      [[fallthrough]];
    default:
      return {ForPeople(t, st), 503};  // logged there, with the request id people see
  }
}

Response CsrfFailure(const Services& s, Visitor& v, const std::string& lang) {
  return Page(s, v, lang, "message", s.catalogs.For(lang).Get("auth_csrf_title"),
              Msg(s.catalogs.For(lang).Get("auth_csrf_text")), 403);
}

void SetRetryAfter(const Services& s, Response& r, const core::Status& st, int64_t retry) {
  if (retry <= 0 && st.code() == core::StatusCode::kUnavailable) retry = s.sessions.busy_retry_after_s();
  if (retry > 0) r.Header("Retry-After", std::to_string(retry));
}

}  // namespace entraide::http::forms
