#include "markdown/markdown.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <set>

#include "core/escape.h"
#include "core/strings.h"

namespace entraide::markdown {
namespace {

struct NodeDeleter {
  void operator()(cmark_node* n) const { cmark_node_free(n); }
};
struct ParserDeleter {
  void operator()(cmark_parser* p) const { cmark_parser_free(p); }
};
struct CharDeleter {
  void operator()(char* p) const { free(p); }
};
struct IterDeleter {
  void operator()(cmark_iter* it) const { cmark_iter_free(it); }
};

const char* kExtensions[] = {"table", "strikethrough", "autolink", "tasklist", "tagfilter"};

// Text content of a node and its children (for heading ids and the TOC).
void CollectText(cmark_node* node, std::string& out) {
  for (cmark_node* c = cmark_node_first_child(node); c; c = cmark_node_next(c)) {
    cmark_node_type t = cmark_node_get_type(c);
    if (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE) {
      if (const char* lit = cmark_node_get_literal(c)) out += lit;
    } else if (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK) {
      out += ' ';
    } else {
      CollectText(c, out);
    }
  }
}

// Both passes below copy the HTML once into a new string (in place, each insertion moved the rest of the
// document: 30,000 headings or 8,000 task items took 0.3 and 12 s).
void InsertHeadingIds(std::string& html, const std::vector<Heading>& headings) {
  if (headings.empty()) return;
  std::string out;
  out.reserve(html.size() + headings.size() * 24);
  size_t pos = 0;
  for (const auto& h : headings) {
    std::string open = "<h" + std::to_string(h.level) + ">";
    size_t at = html.find(open, pos);
    if (at == std::string::npos) break;
    out.append(html, pos, at - pos);
    out += "<h" + std::to_string(h.level) + " id=\"" + core::HtmlEscape(h.id) + "\">";
    pos = at + open.size();
  }
  out.append(html, pos, std::string::npos);
  html = std::move(out);
}

// Where a tight task item's text ends: its "</li>", or the first block that starts inside it.
size_t TaskTextEnd(std::string_view html, size_t from) {
  static const std::string_view kBlocks[] = {"\n<ul",    "\n<ol", "\n<p>", "\n<pre", "\n<blockquote",
                                             "\n<table", "\n<h",  "\n<hr", "\n<div"};
  for (size_t p = html.find('<', from); p != std::string_view::npos; p = html.find('<', p + 1)) {
    if (html.compare(p, 5, "</li>") == 0) return p;
    if (p > from && html[p - 1] == '\n')
      for (auto b : kBlocks)
        if (html.compare(p - 1, b.size(), b) == 0) return p - 1;
  }
  return std::string_view::npos;
}

// GFM task list items come out of cmark-gfm as `<li><input type="checkbox" disabled="" /> text`: a
// checkbox with no accessible name (WCAG 4.1.2). Wraps the checkbox and its item's text in a <label>.
// Tight items: the text runs until the item ends or a block starts inside it; loose items: the box
// moves into the first paragraph. Raw HTML is never rendered, so these tags can only be the renderer's.
void LabelTaskCheckboxes(std::string& html) {
  static constexpr std::string_view kInput = "<input type=\"checkbox\" ";
  static constexpr std::string_view kBoxes[] = {"<input type=\"checkbox\" disabled=\"\" /> ",
                                                "<input type=\"checkbox\" checked=\"\" disabled=\"\" /> "};
  static constexpr std::string_view kOpen = "<label class=\"task\">";
  std::string_view in = html;
  std::string out;
  size_t pos = 0;  // in `in`: what is not copied to `out` yet
  for (size_t at = in.find(kInput); at != std::string_view::npos; at = in.find(kInput, at + 1)) {
    std::string_view box;
    for (auto b : kBoxes)
      if (in.compare(at, b.size(), b) == 0) box = b;
    if (box.empty()) continue;
    if (out.empty()) out.reserve(html.size() + html.size() / 8);
    size_t text = at + box.size();
    if (in.compare(text, 4, "\n<p>") == 0) {  // loose item: <li><input/> \n<p>text</p>
      out.append(in, pos, at - pos);
      out += "\n<p>";
      out += kOpen;
      out += box;
      pos = text + 4;
      size_t end = in.find("</p>", pos);
      if (end == std::string_view::npos) break;
      out.append(in, pos, end - pos);
      out += "</label>";
      pos = at = end;
      continue;
    }
    size_t end = TaskTextEnd(in, text);
    if (end == std::string_view::npos) break;
    out.append(in, pos, at - pos);
    out += kOpen;
    out.append(in, at, end - at);
    out += "</label>";
    pos = at = end;
  }
  if (pos == 0) return;  // no task item
  out.append(in, pos, std::string_view::npos);
  html = std::move(out);
}

// The text as read, for search and snippets: words of every block without Markdown's syntax (table pipes and
// rules, list markers, emphasis, link brackets and destinations); a line per block, a paragraph break after
// paragraphs and headings, table cells separated by " · ". cmark's plain-text renderer keeps a table's
// "| --- |" rows and list markers, which then showed in search results.
std::string PlainText(cmark_node* root) {
  std::string out;
  auto newline = [&](int count) {
    while (!out.empty() && out.back() == ' ') out.pop_back();
    if (out.empty()) return;
    int have = 0;
    for (size_t i = out.size(); i > 0 && out[i - 1] == '\n' && have < count; --i) ++have;
    for (; have < count; ++have) out += '\n';
  };
  std::unique_ptr<cmark_iter, IterDeleter> iter(cmark_iter_new(root));
  cmark_event_type ev;
  while ((ev = cmark_iter_next(iter.get())) != CMARK_EVENT_DONE) {
    cmark_node* node = cmark_iter_get_node(iter.get());
    cmark_node_type type = cmark_node_get_type(node);
    std::string_view ext = cmark_node_get_type_string(node);
    if (ev == CMARK_EVENT_ENTER) {
      switch (type) {
        case CMARK_NODE_TEXT:
        case CMARK_NODE_CODE:
          if (const char* lit = cmark_node_get_literal(node)) out += lit;
          break;
        case CMARK_NODE_CODE_BLOCK:
          newline(1);
          if (const char* lit = cmark_node_get_literal(node)) out += lit;
          newline(2);
          break;
        case CMARK_NODE_SOFTBREAK:
          out += ' ';
          break;
        case CMARK_NODE_LINEBREAK:
          newline(1);
          break;
        default:
          if (ext == "table_cell" && cmark_node_previous(node)) out += " \xC2\xB7 ";  // " · "
          break;
      }
    } else if (ev == CMARK_EVENT_EXIT) {
      if (type == CMARK_NODE_PARAGRAPH || type == CMARK_NODE_HEADING || type == CMARK_NODE_BLOCK_QUOTE ||
          type == CMARK_NODE_LIST || ext == "table")
        newline(2);
      else if (type == CMARK_NODE_ITEM || ext == "table_row" || ext == "table_header")
        newline(1);
    }
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  if (!out.empty()) out += '\n';
  return out;
}

}  // namespace

void InitMarkdown() {
  static std::once_flag once;
  std::call_once(once, [] { cmark_gfm_core_extensions_ensure_registered(); });
}

bool IsSafeUrl(std::string_view url) {
  // Browsers ignore ASCII whitespace and control characters inside a scheme ("java\tscript:").
  std::string cleaned;
  for (char c : url) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) continue;
    cleaned += c;
  }
  size_t colon = cleaned.find(':');
  if (colon == std::string::npos) return true;
  size_t stop = cleaned.find_first_of("/?");
  if (stop != std::string::npos && stop < colon) return true;  // "a/b:c" is a relative path
  if (!cleaned.empty() && cleaned[0] == '#') return true;      // "#a:b" is a fragment
  std::string scheme = core::ToLowerAscii(cleaned.substr(0, colon));
  for (char c : scheme) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
    if (!ok) return false;  // not a well-formed scheme: refuse rather than guess
  }
  return scheme == "http" || scheme == "https" || scheme == "mailto";
}

Rendered RenderUnbounded(std::string_view text, const Options& options) {
  InitMarkdown();
  const int opts = CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8;  // never CMARK_OPT_UNSAFE
  std::unique_ptr<cmark_parser, ParserDeleter> parser(cmark_parser_new(opts));
  for (const char* name : kExtensions) {
    if (cmark_syntax_extension* ext = cmark_find_syntax_extension(name))
      cmark_parser_attach_syntax_extension(parser.get(), ext);
  }
  cmark_parser_feed(parser.get(), text.data(), text.size());
  std::unique_ptr<cmark_node, NodeDeleter> doc(cmark_parser_finish(parser.get()));

  Rendered out;
  std::set<std::string> used_ids;
  std::map<std::string, int> next_suffix;  // per base: no smaller suffix is free (30,000 "#" lines took 80 s)
  std::unique_ptr<cmark_iter, IterDeleter> iter(cmark_iter_new(doc.get()));
  cmark_event_type ev;
  while ((ev = cmark_iter_next(iter.get())) != CMARK_EVENT_DONE) {
    if (ev != CMARK_EVENT_ENTER) continue;
    cmark_node* node = cmark_iter_get_node(iter.get());
    cmark_node_type type = cmark_node_get_type(node);
    if (type == CMARK_NODE_LINK || type == CMARK_NODE_IMAGE) {
      const char* url = cmark_node_get_url(node);
      std::string_view u = url ? url : "";
      if (!IsSafeUrl(u)) {
        cmark_node_set_url(node, "");
      } else if (type == CMARK_NODE_LINK && !u.empty()) {
        out.links.push_back(core::ToValidUtf8(u));
      }
    } else if (type == CMARK_NODE_HEADING) {
      int level = cmark_node_get_heading_level(node);
      if (level < options.min_heading_level) {
        level = options.min_heading_level;
        cmark_node_set_heading_level(node, level);
      }
      Heading h;
      h.level = level;
      CollectText(node, h.text);
      h.text = core::ToValidUtf8(core::Trim(h.text));
      std::string base = core::Slugify(h.text);
      if (base.empty()) base = "section";
      std::string id = base;
      if (used_ids.count(id)) {
        int& n = next_suffix.try_emplace(base, 2).first->second;
        while (used_ids.count(base + "-" + std::to_string(n))) ++n;
        id = base + "-" + std::to_string(n++);
      }
      used_ids.insert(id);
      h.id = id;
      out.headings.push_back(std::move(h));
    }
  }

  cmark_llist* exts = cmark_parser_get_syntax_extensions(parser.get());
  // cmark-gfm writes U+FFFF, typed or as a character reference ("&#xffff;"), as the lone byte 0xFF (a special
  // case of its old UTF-8 encoder), which is not UTF-8: the plain text of an article with one could not be
  // folded for the index at all. Such bytes become U+FFFD, like a browser shows them.
  std::unique_ptr<char, CharDeleter> html(cmark_render_html(doc.get(), opts, exts));
  out.html = core::ToValidUtf8(html.get());
  InsertHeadingIds(out.html, out.headings);
  LabelTaskCheckboxes(out.html);
  out.plain = core::ToValidUtf8(PlainText(doc.get()));
  return out;
}

std::string PlainParagraphsHtml(std::string_view text) {
  std::string out;
  std::string normalized = core::ReplaceAll(text, "\r\n", "\n");
  size_t start = 0;
  while (start < normalized.size()) {
    size_t end = normalized.find("\n\n", start);
    std::string_view para =
        std::string_view(normalized).substr(start, end == std::string::npos ? std::string::npos : end - start);
    para = core::Trim(para);
    if (!para.empty()) {
      out += "<p>";
      std::string escaped = core::HtmlEscape(para);
      out += core::ReplaceAll(escaped, "\n", "<br>\n");
      out += "</p>\n";
    }
    if (end == std::string::npos) break;
    start = end + 2;
  }
  return out;
}

size_t MaxHtmlBytes(size_t text_bytes, const Limits& limits) {
  return std::min(4 * limits.max_bytes, 8 * text_bytes + 4096);
}

}  // namespace entraide::markdown
