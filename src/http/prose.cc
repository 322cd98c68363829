#include "http/prose.h"

#include "core/escape.h"

namespace entraide::http {
namespace {

// Entries toc[i..] at `level` or deeper, until one above it.
// Three levels at most (what the page's template shows): deeper headings are listed with the third.
view::Value Level(const std::vector<kb::TocEntry>& toc, size_t& i, int level, int depth) {
  view::Value list = view::Value::List();
  while (i < toc.size() && toc[i].level >= level) {
    const kb::TocEntry& e = toc[i++];
    view::Value item = view::Value::Object();
    item.Set("id", e.id).Set("text", e.text);
    view::Value children = view::Value::List();
    if (depth < 3 && i < toc.size() && toc[i].level > e.level) children = Level(toc, i, toc[i].level, depth + 1);
    item.Set("has_children", !children.list().empty());
    item.Set("children", std::move(children));
    list.Push(std::move(item));
  }
  return list;
}

}  // namespace

view::Value NestedToc(const std::vector<kb::TocEntry>& toc) {
  size_t i = 0;
  view::Value all = view::Value::List();
  while (i < toc.size()) {  // a first heading deeper than a later one still starts the list
    view::Value part = Level(toc, i, toc[i].level, 1);
    for (const auto& item : part.list()) all.Push(item);
  }
  return all;
}

std::string WrapTables(std::string_view html, std::string_view label) {
  static constexpr std::string_view kOpen = "<table>", kClose = "</table>";
  std::string out;
  out.reserve(html.size());
  std::string open = "<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"" +
                     core::HtmlEscape(std::string(label)) + "\">";
  size_t pos = 0;
  for (size_t at = html.find(kOpen); at != std::string_view::npos; at = html.find(kOpen, pos)) {
    size_t end = html.find(kClose, at);
    if (end == std::string_view::npos) break;
    end += kClose.size();
    out.append(html, pos, at - pos);
    out += open;
    out.append(html, at, end - at);
    out += "</div>";
    pos = end;
  }
  out.append(html, pos, std::string_view::npos);
  return out;
}

}  // namespace entraide::http
