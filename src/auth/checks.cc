#include "auth/checks.h"

#include "core/strings.h"
#include "i18n/catalog.h"

namespace entraide::auth {

core::StatusOr<std::string> NormalizeEmail(const std::string& email) {
  std::string e = core::ToLowerAscii(core::Trim(email));
  size_t at = e.find('@');
  if (e.empty()) return core::InvalidField("email", "required").WithKey("error_email_required");
  if (e.size() > 254 || at == std::string::npos || at == 0 || at != e.rfind('@') || at + 1 >= e.size() ||
      e.find_first_of(" \t\r\n<>\",;") != std::string::npos || e.find('.', at) == std::string::npos)
    return core::InvalidField("email", "not a valid address").WithKey("error_email_invalid");
  return e;
}

core::Status CheckName(const std::string& name) {
  if (core::Trim(name).empty()) return core::InvalidField("name", "required").WithKey("error_name_required");
  if (name.size() > 120) return core::InvalidField("name", "at most 120 characters");
  if (!core::IsValidUtf8(name)) return core::InvalidField("name", "not valid UTF-8");
  for (char c : name)
    if (static_cast<unsigned char>(c) < 0x20) return core::InvalidField("name", "control characters are not allowed");
  return core::Status::Ok();
}

core::Status CheckLang(const std::string& lang) {
  return i18n::IsSupportedLang(lang) ? core::Status::Ok() : core::InvalidField("lang", "must be en or fr");
}

core::Status CheckSlug(const std::string& slug) {
  return core::IsSlug(slug) ? core::Status::Ok()
                            : core::InvalidField("slug", "lower-case letters, digits and single dashes");
}

}  // namespace entraide::auth
