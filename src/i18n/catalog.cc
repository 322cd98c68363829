#include "i18n/catalog.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "core/strings.h"

namespace entraide::i18n {

bool IsSupportedLang(std::string_view lang) {
  const auto& langs = SupportedLangs();
  return std::find(langs.begin(), langs.end(), lang) != langs.end();
}

std::string OtherLang(std::string_view lang) {
  const auto& langs = SupportedLangs();
  auto it = std::find(langs.begin(), langs.end(), lang);
  return it == langs.end() || it + 1 == langs.end() ? langs.front() : *(it + 1);
}

Catalog::Catalog(std::string lang, std::map<std::string, std::string> strings)
    : lang_(std::move(lang)), strings_(std::move(strings)) {
  auto it = strings_.find("plural_rule");
  if (it == strings_.end()) return;
  if (const PluralRule* rule = FindPluralRule(it->second)) rule_ = rule;
}

core::StatusOr<Catalog> Catalog::LoadFile(const std::string& path, const std::string& lang) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::InvalidArgument("cannot read catalog " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::map<std::string, std::string> strings;
  try {
    Poco::JSON::Parser parser;
    auto result = parser.parse(ss.str());
    auto obj = result.extract<Poco::JSON::Object::Ptr>();
    for (const auto& [k, v] : *obj) {
      if (!v.isString()) return core::InvalidArgument(path + ": key '" + k + "' must be a string");
      strings[k] = v.convert<std::string>();
    }
  } catch (const Poco::Exception& e) {
    return core::InvalidArgument(path + ": invalid JSON: " + e.displayText());
  } catch (const std::exception& e) {
    return core::InvalidArgument(path + ": invalid catalog: " + e.what());
  }
  auto rule = strings.find("plural_rule");
  if (rule != strings.end() && !FindPluralRule(rule->second))
    return core::InvalidArgument(path + ": unknown plural_rule '" + rule->second +
                                 "' (known: " + core::Join(PluralRuleNames(), ", ") + ")");
  Catalog catalog(lang, std::move(strings));
  for (const auto& [k, v] : catalog.strings()) {
    std::string_view base = PluralBase(k);
    if (base.empty()) continue;
    for (std::string_view form : catalog.plural_rule().forms)
      if (!catalog.Has(std::string(base) + "." + std::string(form)))
        return core::InvalidArgument(path + ": counted sentence '" + std::string(base) + "' has no form '" +
                                     std::string(form) + "' (plural_rule " + std::string(catalog.plural_rule().name) +
                                     ")");
  }
  return catalog;
}

const std::string& Catalog::Get(const std::string& key) const {
  auto it = strings_.find(key);
  return it == strings_.end() ? key : it->second;
}

std::string Catalog::Format(const std::string& key, const core::MessageArgs& args) const {
  std::string text = Get(key);
  for (const auto& [name, value] : args) text = core::ReplaceAll(text, "{" + name + "}", value);
  return text;
}

std::string Catalog::Plural(const std::string& key, int64_t n, const core::MessageArgs& args) const {
  std::string form_key = key + "." + std::string(rule_->form(n < 0 ? -n : n));
  if (!Has(form_key)) form_key = key + ".other";
  core::MessageArgs all = args;
  all.emplace_back("n", std::to_string(n));
  return Format(form_key, all);
}

std::string Catalog::PersonName(std::string_view name) const {
  return name == core::kErasedName ? Get("former_member") : std::string(name);
}

namespace {

// A catalog's keys, each counted sentence once as "<base>.*".
std::set<std::string> ParityKeys(const Catalog& c) {
  std::set<std::string> out;
  for (const auto& [k, v] : c.strings()) {
    std::string_view base = PluralBase(k);
    out.insert(base.empty() ? k : std::string(base) + ".*");
  }
  return out;
}

}  // namespace

std::vector<std::string> ParityProblems(const Catalog& a, const Catalog& b) {
  std::vector<std::string> out;
  std::set<std::string> ka = ParityKeys(a), kb = ParityKeys(b);
  for (const auto& k : ka)
    if (!kb.count(k)) out.push_back(b.lang() + ": missing key " + k + " (present in " + a.lang() + ")");
  for (const auto& k : kb)
    if (!ka.count(k)) out.push_back(a.lang() + ": missing key " + k + " (present in " + b.lang() + ")");
  return out;
}

core::StatusOr<std::shared_ptr<const Catalogs>> Catalogs::Load(const std::string& dir,
                                                               const std::vector<std::string>& langs) {
  if (langs.empty()) return core::InvalidArgument(dir + ": no language to load");
  auto c = std::make_shared<Catalogs>();
  std::vector<std::string> problems;
  for (const auto& lang : langs) {
    auto cat = Catalog::LoadFile(dir + "/" + lang + ".json", lang);
    if (!cat.ok()) return cat.status();
    if (!c->by_lang_.empty()) {
      auto p = ParityProblems(c->by_lang_.at(langs.front()), *cat);
      problems.insert(problems.end(), p.begin(), p.end());
    }
    c->by_lang_.emplace(lang, std::move(cat).value());
  }
  if (!problems.empty()) return core::InvalidArgument(dir + ": catalogs differ: " + core::Join(problems, "; "));
  c->first_ = langs.front();
  return std::shared_ptr<const Catalogs>(std::move(c));
}

const Catalog& Catalogs::For(std::string_view lang) const {
  auto it = by_lang_.find(lang);
  return it == by_lang_.end() ? by_lang_.at(first_) : it->second;
}

std::optional<std::string> NegotiateLanguage(std::string_view header) {
  std::optional<std::string> best;
  double best_q = 0.0;
  for (const auto& [tag, q] : core::ParseQualityList(header)) {
    if (q <= 0.0 || q > 1.0) continue;
    std::string primary = tag.substr(0, tag.find('-'));
    if (!IsSupportedLang(primary)) continue;
    if (q > best_q) {
      best_q = q;
      best = primary;
    }
  }
  return best;
}

}  // namespace entraide::i18n
