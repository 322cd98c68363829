#include "http/return_to.h"

#include "core/escape.h"
#include "core/strings.h"

namespace entraide::http {

std::string SafeReturnPath(std::string_view next) {
  if (next.size() > 2000) return "";
  if (!core::StartsWith(next, "/en/") && !core::StartsWith(next, "/fr/")) return "";
  for (char c : next) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || c == '\\') return "";
  }
  std::string_view path = next.substr(0, next.find_first_of("?#"));
  // "/fr//evil.example" is still a path here, but keep paths plain: no empty segment, no dot segment.
  if (path.find("//") != std::string_view::npos || path.find("/./") != std::string_view::npos ||
      path.find("/../") != std::string_view::npos || core::EndsWith(path, "/..") || core::EndsWith(path, "/."))
    return "";
  std::string_view rest = path.substr(3);  // after "/xx"
  if (core::StartsWith(rest, "/signin") || core::StartsWith(rest, "/signout")) return "";
  return std::string(next);
}

std::string SignInUrl(const std::string& lang, std::string_view target) {
  std::string next = SafeReturnPath(target);
  std::string url = "/" + lang + "/signin";
  if (!next.empty()) url += "?next=" + core::UrlEncodeComponent(next);
  return url;
}

std::string AfterSignIn(const std::string& lang, std::string_view next, const auth::Principal& who) {
  std::string safe = SafeReturnPath(next);
  if (!safe.empty()) return safe;
  return "/" + lang + (who.IsVolunteer() ? "/queue" : "/tickets");
}

void SetAccountContact(view::Value& data, const SiteInfo& site) {
  const std::string& c = site.account_contact;
  if (c.empty()) return;
  bool email = c.find('@') != std::string::npos && c.find_first_of(" <>\"'") == std::string::npos;
  data.Set(email ? "contact_email" : "contact_text", c);
}

}  // namespace entraide::http
