#include "mail/addresses.h"

#include "core/random.h"
#include "core/strings.h"

namespace entraide::mail {

std::string PlusAddress(std::string_view base, std::string_view tag) {
  size_t at = base.rfind('@');
  if (at == std::string_view::npos) return std::string(base);
  return std::string(base.substr(0, at)) + "+" + std::string(tag) + std::string(base.substr(at));
}

std::optional<std::string> PlusTag(std::string_view base, std::string_view address) {
  size_t base_at = base.rfind('@'), at = address.rfind('@');
  if (base.empty() || base_at == std::string_view::npos || at == std::string_view::npos) return std::nullopt;
  std::string local = core::ToLowerAscii(address.substr(0, at));
  std::string base_local = core::ToLowerAscii(base.substr(0, base_at));
  if (core::ToLowerAscii(address.substr(at + 1)) != core::ToLowerAscii(base.substr(base_at + 1))) return std::nullopt;
  std::string prefix = base_local + "+";
  if (local.size() <= prefix.size() || local.compare(0, prefix.size(), prefix) != 0) return std::nullopt;
  std::string tag = local.substr(prefix.size());
  for (char c : tag) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    if (!ok) return std::nullopt;
  }
  return tag;
}

std::string NewReplyToken() { return core::RandomHex(16); }

}  // namespace entraide::mail
