// Catalogs of UI strings (views/i18n/en.json, fr.json: flat objects of key -> text) and language
// negotiation. Immutable after loading; thread-safe.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "i18n/plural.h"

namespace entraide::i18n {

// The site's languages: the one list to change to add a language (with its catalog views/i18n/<lang>.json, its
// mail templates views/mail/*.<lang>.*.mustache and its content/<lang>/). Everything else derives from it.
inline const std::vector<std::string>& SupportedLangs() {
  static const std::vector<std::string> kLangs = {"en", "fr"};
  return kLangs;
}
bool IsSupportedLang(std::string_view lang);
// The language the switcher in the page header offers: the next one in SupportedLangs() ("en" <-> "fr").
std::string OtherLang(std::string_view lang);

// Every word people read comes from a catalog: a language is its catalog (and mail templates), never code.
// Besides the page texts a catalog holds "plural_rule" (see plural.h), "lang_name" (the language's own name),
// "month_1".."month_12", the date formats and the counted sentences ("<key>.one", "<key>.other"...).
class Catalog {
 public:
  // kInvalidArgument naming the file when it is not a flat JSON object of strings, when its plural_rule is
  // unknown, or when a counted sentence lacks a form its rule needs.
  static core::StatusOr<Catalog> LoadFile(const std::string& path, const std::string& lang);
  Catalog() = default;
  // The plural rule is the one strings["plural_rule"] names (the default rule when absent or unknown).
  Catalog(std::string lang, std::map<std::string, std::string> strings);

  const std::string& lang() const { return lang_; }
  // The text of `key`, or the key itself when missing (visible, never empty).
  const std::string& Get(const std::string& key) const;
  bool Has(const std::string& key) const { return strings_.count(key) > 0; }
  // The text of `key` with each {name} of `args` replaced by its value.
  std::string Format(const std::string& key, const core::MessageArgs& args) const;
  // The counted sentence `key` for `n`: the text of "<key>.<form>" (form as this language's plural rule picks
  // for n, else "<key>.other"), with {n} and each {name} of `args` replaced. Plural("ago_days", 1) is "il y a 1
  // jour" in French, "1 day ago" in English.
  std::string Plural(const std::string& key, int64_t n, const core::MessageArgs& args = {}) const;
  const PluralRule& plural_rule() const { return *rule_; }
  // A person's name as people read it: an erased person's (core::kErasedName) is "a former member" in this
  // language (key former_member); any other name is itself.
  std::string PersonName(std::string_view name) const;
  const std::map<std::string, std::string>& strings() const { return strings_; }

 private:
  std::string lang_;
  std::map<std::string, std::string> strings_;
  const PluralRule* rule_ = &DefaultPluralRule();
};

// All catalogs of views/i18n. Checks parity: a key in one language and not another is an error.
class Catalogs {
 public:
  // The catalogs <i18n_dir>/<lang>.json of `langs` (the site's languages unless given).
  static core::StatusOr<std::shared_ptr<const Catalogs>> Load(const std::string& i18n_dir,
                                                              const std::vector<std::string>& langs = SupportedLangs());
  const Catalog& For(std::string_view lang) const;  // an unknown lang gets the first language's catalog
  // A language's name in that language ("Français", "English"): its catalog's lang_name.
  const std::string& LangName(std::string_view lang) const { return For(lang).Get("lang_name"); }

 private:
  std::map<std::string, Catalog, std::less<>> by_lang_;
  std::string first_;
};

// Keys present in one catalog and missing from the other, as "fr: missing key x" lines. A counted sentence
// counts as one key ("ago_days.*"): each language has the forms of its own plural rule.
std::vector<std::string> ParityProblems(const Catalog& a, const Catalog& b);

// Picks the best supported language from an Accept-Language header (RFC 9110 section 12.5.4), honouring
// q-values and prefixes ("fr-CA" -> "fr"). nullopt when nothing matches.
std::optional<std::string> NegotiateLanguage(std::string_view accept_language);

}  // namespace entraide::i18n
