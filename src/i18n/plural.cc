#include "i18n/plural.h"

namespace entraide::i18n {
namespace {

// The one table of plural rules: one line per rule, named by what it does.
const std::vector<PluralRule>& Rules() {
  static const std::vector<PluralRule> kRules = {
      // English, German, Spanish, Italian, Dutch...: 1 is singular, 0 is plural ("0 days").
      {"one_is_1", {"one", "other"}, [](int64_t n) -> std::string_view { return n == 1 ? "one" : "other"; }},
      // French, Brazilian Portuguese: 0 and 1 are singular ("0 jour", "1 jour", "2 jours").
      {"one_is_0_or_1",
       {"one", "other"},
       [](int64_t n) -> std::string_view { return n == 0 || n == 1 ? "one" : "other"; }},
      // Chinese, Japanese, Vietnamese...: one form.
      {"other_only", {"other"}, [](int64_t) -> std::string_view { return "other"; }},
      // Russian, Ukrainian: 1, 21, 31... / 2-4, 22-24... / the rest.
      {"east_slavic",
       {"one", "few", "many"},
       [](int64_t n) -> std::string_view {
         int64_t m10 = n % 10, m100 = n % 100;
         if (m10 == 1 && m100 != 11) return "one";
         if (m10 >= 2 && m10 <= 4 && (m100 < 12 || m100 > 14)) return "few";
         return "many";
       }},
  };
  return kRules;
}

}  // namespace

const PluralRule* FindPluralRule(std::string_view name) {
  for (const auto& r : Rules())
    if (r.name == name) return &r;
  return nullptr;
}

const PluralRule& DefaultPluralRule() { return Rules().front(); }

std::vector<std::string> PluralRuleNames() {
  std::vector<std::string> out;
  for (const auto& r : Rules()) out.emplace_back(r.name);
  return out;
}

std::string_view PluralBase(std::string_view key) {
  size_t dot = key.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return {};
  for (std::string_view form : kPluralForms)
    if (key.substr(dot + 1) == form) return key.substr(0, dot);
  return {};
}

}  // namespace entraide::i18n
