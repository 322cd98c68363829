// An article's body and table of contents as the page shows them (issue #21). Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kb/article_service.h"
#include "view/value.h"

namespace entraide::http {

// The table of contents as a nested list: each heading below the top level (h3, h4...) in the `children` of
// the heading above it, so that lists nest as the article does (no "1, ◦, 3").
// Items: {id, text, has_children, children: [...]}.
view::Value NestedToc(const std::vector<kb::TocEntry>& toc);

// Every <table> of the renderer's HTML inside a scrolling region that the keyboard can reach and that has a
// name (axe: scrollable-region-focusable): <div class="table-scroll" tabindex="0" role="region"
// aria-label="label">. Raw HTML is never rendered, so "<table>" can only be the renderer's.
std::string WrapTables(std::string_view html, std::string_view label);

}  // namespace entraide::http
