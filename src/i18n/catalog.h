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

namespace entraide::i18n {

inline const std::vector<std::string>& SupportedLangs() {
  static const std::vector<std::string> kLangs = {"en", "fr"};
  return kLangs;
}
bool IsSupportedLang(std::string_view lang);
// The other language of a two-language site ("en" <-> "fr").
std::string OtherLang(std::string_view lang);

class Catalog {
 public:
  // kInvalidArgument naming the file when it is not a flat JSON object of strings.
  static core::StatusOr<Catalog> LoadFile(const std::string& path, const std::string& lang);
  Catalog() = default;
  Catalog(std::string lang, std::map<std::string, std::string> strings)
      : lang_(std::move(lang)), strings_(std::move(strings)) {}

  const std::string& lang() const { return lang_; }
  // The text of `key`, or the key itself when missing (visible, never empty).
  const std::string& Get(const std::string& key) const;
  bool Has(const std::string& key) const { return strings_.count(key) > 0; }
  // The text of `key` with each {name} of `args` replaced by its value.
  std::string Format(const std::string& key, const core::MessageArgs& args) const;
  // A person's name as people read it: an erased person's (core::kErasedName) is "a former member" in this
  // language (key former_member); any other name is itself.
  std::string PersonName(std::string_view name) const;
  const std::map<std::string, std::string>& strings() const { return strings_; }

 private:
  std::string lang_;
  std::map<std::string, std::string> strings_;
};

// All catalogs of views/i18n. Checks parity: a key in one language and not the other is an error.
class Catalogs {
 public:
  static core::StatusOr<std::shared_ptr<const Catalogs>> Load(const std::string& i18n_dir);
  const Catalog& For(std::string_view lang) const;  // lang must be supported

 private:
  std::map<std::string, Catalog, std::less<>> by_lang_;
};

// Keys present in one catalog and missing from the other, as "fr: missing key x" lines.
std::vector<std::string> ParityProblems(const Catalog& a, const Catalog& b);

// Picks the best supported language from an Accept-Language header (RFC 9110 section 12.5.4), honouring
// q-values and prefixes ("fr-CA" -> "fr"). nullopt when nothing matches.
std::optional<std::string> NegotiateLanguage(std::string_view accept_language);

}  // namespace entraide::i18n
