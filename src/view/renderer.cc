#include "view/renderer.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <kainjow/mustache.hpp>
#include <regex>
#include <sstream>

#include "core/escape.h"
#include "core/strings.h"

namespace entraide::view {
namespace fs = std::filesystem;
namespace mu = kainjow::mustache;

namespace {

// A Value as kainjow data. kainjow's set() and push_back() copy their argument (deeply), so building children
// first and then adding them copied each value once per level above it: a fifth of the queue page's CPU.
// Instead each child is added as Empty() (a leaf, or an empty list or object) and then filled by Fill() where
// it lives (const_cast: the map and vector own non-const elements; kainjow only hands out const pointers).
mu::data Empty(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNull:
      return mu::data(false);
    case Value::Kind::kBool:
      return mu::data(v.bool_value());
    case Value::Kind::kString:
      return mu::data(v.string_value());
    case Value::Kind::kList:
      return mu::data(mu::data::type::list);
    case Value::Kind::kObject:
      return mu::data(mu::data::type::object);
  }
  return mu::data(false);
}

void Fill(const Value& v, mu::data& out) {
  if (v.kind() == Value::Kind::kList) {
    for (const auto& item : v.list()) {
      out.push_back(Empty(item));
      Fill(item, const_cast<mu::data&>(out.list_value().back()));
    }
  } else if (v.kind() == Value::Kind::kObject) {
    for (const auto& [k, item] : v.object()) {
      out.set(k, Empty(item));
      Fill(item, *const_cast<mu::data*>(out.get(k)));
    }
  }
}

mu::data ToData(const Value& v) {
  mu::data out = Empty(v);
  Fill(v, out);
  return out;
}

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

core::Status CheckEscapingRule(const std::string& name, const std::string& text) {
  static const std::regex kTriple(R"(\{\{\{\s*([^}\s]+)\s*\}\}\})");
  static const std::regex kAmp(R"(\{\{&\s*([^}\s]+)\s*\}\})");
  for (const auto* re : {&kTriple, &kAmp}) {
    for (auto it = std::sregex_iterator(text.begin(), text.end(), *re); it != std::sregex_iterator(); ++it) {
      std::string key = (*it)[1];
      if (!core::EndsWith(key, "_html")) {
        size_t line = 1 + static_cast<size_t>(std::count(text.begin(), text.begin() + it->position(), '\n'));
        return core::InvalidArgument(name + ":" + std::to_string(line) + ": unescaped {{{" + key +
                                     "}}}: only keys ending in _html may be unescaped");
      }
    }
  }
  return core::Status::Ok();
}

struct Renderer::Impl {
  std::map<std::string, std::unique_ptr<mu::mustache>> templates;
  std::map<std::string, mu::data> globals;
};

Renderer::Renderer() : impl_(new Impl) {}
Renderer::~Renderer() = default;

core::StatusOr<std::unique_ptr<Renderer>> Renderer::Load(const std::string& views_dir) {
  std::map<std::string, std::string> partials, sources;
  for (const char* sub : {"pages", "partials", "mail"}) {
    fs::path dir = fs::path(views_dir) / sub;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) continue;
    for (const auto& e : fs::recursive_directory_iterator(dir, ec)) {
      if (!e.is_regular_file() || e.path().extension() != ".mustache") continue;
      std::string rel = fs::relative(e.path(), views_dir).string();
      std::string name = rel.substr(0, rel.size() - std::string(".mustache").size());
      std::string text = ReadFile(e.path());
      ENTRAIDE_RETURN_IF_ERROR(CheckEscapingRule(e.path().string(), text));
      if (std::string(sub) == "partials") partials[e.path().stem().string()] = text;
      sources[name] = std::move(text);
    }
  }
  if (sources.empty()) return core::InvalidArgument("no templates found under " + views_dir);

  static const std::regex kPartial(R"(\{\{>\s*([A-Za-z0-9_./-]+)\s*\}\})");
  std::unique_ptr<Renderer> r(new Renderer);
  for (auto& [name, text] : sources) {
    std::string expanded = text;
    for (int depth = 0;; ++depth) {
      std::smatch m;
      if (!std::regex_search(expanded, m, kPartial)) break;
      if (depth > 50) return core::InvalidArgument(name + ".mustache: partials nested too deep (a cycle?)");
      auto p = partials.find(m[1]);
      if (p == partials.end())
        return core::InvalidArgument(name + ".mustache: unknown partial '" + std::string(m[1]) + "'");
      expanded.replace(static_cast<size_t>(m.position(0)), static_cast<size_t>(m.length(0)), p->second);
    }
    auto tmpl = std::make_unique<mu::mustache>(expanded);
    if (core::EndsWith(name, ".txt"))
      tmpl->set_custom_escape([](const std::string& s) { return s; });  // plain-text mail: no HTML there
    else
      tmpl->set_custom_escape([](const std::string& s) { return core::HtmlEscape(s); });  // one escaper everywhere
    if (!tmpl->is_valid()) return core::InvalidArgument(views_dir + "/" + name + ".mustache: " + tmpl->error_message());
    r->impl_->templates[name] = std::move(tmpl);
  }
  return r;
}

void Renderer::SetGlobals(const std::string& scope, const Value& globals) { impl_->globals[scope] = ToData(globals); }

bool Renderer::Has(const std::string& name) const { return impl_->templates.count(name) > 0; }

std::vector<std::string> Renderer::Names() const {
  std::vector<std::string> out;
  for (const auto& [k, v] : impl_->templates) out.push_back(k);
  return out;
}

core::StatusOr<std::string> Renderer::Render(const std::string& name, const std::string& scope,
                                             const Value& data) const {
  auto t = impl_->templates.find(name);
  if (t == impl_->templates.end()) return core::NotFound("no template " + name);
  auto g = impl_->globals.find(scope);
  mu::data page = ToData(data);
  mu::context<std::string> ctx;
  if (g != impl_->globals.end()) ctx.push(&g->second);
  ctx.push(&page);
  // render() does not modify the parsed template when it has no partials or lambdas (we inline partials).
  // It takes any "stream" with operator<<: a string, appended to, instead of an ostringstream copied out.
  struct Sink {
    std::string text;
    Sink& operator<<(const std::string& piece) {
      text += piece;
      return *this;
    }
  } out;
  out.text.reserve(16 * 1024);
  t->second->render(ctx, out);
  if (!t->second->is_valid()) return core::Internal(name + ": " + t->second->error_message());
  return std::move(out.text);
}

}  // namespace entraide::view
