// Renderer: the Mustache templates of views/ (pages/, partials/, mail/), loaded and parsed once at start.
// Partials ({{> name}}) are inlined when loading, so rendering never parses. Escaping rules are checked when
// loading: {{{x}}} and {{& x}} are refused unless x ends in "_html". Templates whose name ends in ".txt"
// (plain-text mail bodies, "mail/signin_link.fr.txt") are not HTML and so are rendered without HTML escaping.
//
// Thread-safe after Load(): Render() only reads the parsed templates.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "view/value.h"

namespace entraide::view {

class Renderer {
 public:
  // Loads every *.mustache under views_dir/{pages,partials,mail}. Template names are "pages/article",
  // "mail/reply.txt" (file name without .mustache). kInvalidArgument naming the file and the problem.
  static core::StatusOr<std::unique_ptr<Renderer>> Load(const std::string& views_dir);
  ~Renderer();

  // Values visible to every template rendered with this scope name (e.g. "en": the catalog as t.*, site.*).
  // Call before serving; not thread-safe with Render.
  void SetGlobals(const std::string& scope, const Value& globals);

  // kNotFound for an unknown template or scope.
  core::StatusOr<std::string> Render(const std::string& name, const std::string& scope, const Value& data) const;
  bool Has(const std::string& name) const;
  std::vector<std::string> Names() const;

 private:
  Renderer();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Checks one template's text for the escaping rule. Exposed for tests.
core::Status CheckEscapingRule(const std::string& name, const std::string& text);

}  // namespace entraide::view
