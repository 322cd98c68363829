#include "i18n/catalog.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <fstream>
#include <sstream>

#include "core/strings.h"

namespace entraide::i18n {

bool IsSupportedLang(std::string_view lang) { return lang == "en" || lang == "fr"; }
std::string OtherLang(std::string_view lang) { return lang == "fr" ? "en" : "fr"; }

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
  return Catalog(lang, std::move(strings));
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

std::string Catalog::PersonName(std::string_view name) const {
  return name == core::kErasedName ? Get("former_member") : std::string(name);
}

std::vector<std::string> ParityProblems(const Catalog& a, const Catalog& b) {
  std::vector<std::string> out;
  for (const auto& [k, v] : a.strings())
    if (!b.strings().count(k)) out.push_back(b.lang() + ": missing key " + k + " (present in " + a.lang() + ")");
  for (const auto& [k, v] : b.strings())
    if (!a.strings().count(k)) out.push_back(a.lang() + ": missing key " + k + " (present in " + b.lang() + ")");
  return out;
}

core::StatusOr<std::shared_ptr<const Catalogs>> Catalogs::Load(const std::string& dir) {
  auto c = std::make_shared<Catalogs>();
  for (const auto& lang : SupportedLangs()) {
    auto cat = Catalog::LoadFile(dir + "/" + lang + ".json", lang);
    if (!cat.ok()) return cat.status();
    c->by_lang_.emplace(lang, std::move(cat).value());
  }
  auto problems = ParityProblems(c->by_lang_.at("en"), c->by_lang_.at("fr"));
  if (!problems.empty()) return core::InvalidArgument(dir + ": catalogs differ: " + core::Join(problems, "; "));
  return std::shared_ptr<const Catalogs>(std::move(c));
}

const Catalog& Catalogs::For(std::string_view lang) const {
  auto it = by_lang_.find(lang);
  return it == by_lang_.end() ? by_lang_.begin()->second : it->second;
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
