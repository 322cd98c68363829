// Plural rules: which form of a counted sentence a number takes in a language. A catalog names its rule with
// the key "plural_rule"; counted sentences are keys "<name>.<form>" ("ago_days.one", "ago_days.other"), and
// Catalog::Plural picks one. Adding a language whose rule is already here needs only its catalog; a language
// with another rule (Polish, Arabic...) adds one line to the table in plural.cc. Forms and rules follow CLDR
// (https://cldr.unicode.org/index/cldr-spec/plural-rules), for whole numbers only.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace entraide::i18n {

// CLDR's plural forms, as the suffixes of catalog keys.
inline constexpr std::string_view kPluralForms[] = {"zero", "one", "two", "few", "many", "other"};

struct PluralRule {
  std::string_view name;                // the value of "plural_rule" in a catalog
  std::vector<std::string_view> forms;  // the forms it picks: a catalog has each for every counted sentence
  std::string_view (*form)(int64_t n);  // the form of n (n >= 0)
};

// The rule called `name`, or nullptr for an unknown name.
const PluralRule* FindPluralRule(std::string_view name);
// The rule of a catalog without "plural_rule": "one_is_1" (English).
const PluralRule& DefaultPluralRule();
// The names of every rule, for an error message.
std::vector<std::string> PluralRuleNames();

// "ago_days" for "ago_days.one" (a key ending in one of kPluralForms after a dot); empty for any other key.
std::string_view PluralBase(std::string_view key);

}  // namespace entraide::i18n
