// Markdown to safe HTML with cmark-gfm (tables, strikethrough, autolinks, task lists, tagfilter), always in
// safe mode: raw HTML is dropped and links or images whose scheme is not http, https or mailto (javascript:,
// vbscript:, data:, file:, ...) lose their URL. Headings get stable ids for a table of contents.
//
// Thread-safe: every call builds its own parser. Call InitMarkdown() once at start (registers extensions), and
// markdown::UseRenderWorkers (render_workers.h) before the first RenderBounded.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace entraide::markdown {

struct Heading {
  int level = 2;
  std::string id;    // unique within the document, e.g. "etape-1"
  std::string text;  // plain text of the heading
};

struct Rendered {
  std::string html;
  std::string plain;               // plain text, for search and snippets
  std::vector<Heading> headings;   // in document order
  std::vector<std::string> links;  // destinations of the links that survived sanitising
  bool fell_back = false;          // true when `html` is escaped plain text: the time budget ran out, or the
                                   // formatted HTML would have been over MaxHtmlBytes (then over_cap too)
  bool over_cap = false;
};

struct Options {
  int min_heading_level = 1;  // headings below are raised to it (2 in articles: h1 is the page title)
};

void InitMarkdown();

// Renders in this thread with no time limit. Only for text whose size has already been bounded by the
// caller and whose worst case is known; everything people type goes through RenderBounded.
Rendered RenderUnbounded(std::string_view text, const Options& options = {});

struct Limits {
  size_t max_bytes = 64 * 1024;  // larger input is refused with kTooLarge
  int budget_ms = 250;           // wall-clock budget for the renderer
};

// The most HTML a text of `text_bytes` may become: 8 bytes per byte of text plus 4 KiB, and never more than
// 4 times limits.max_bytes (256 KiB for 64 KiB of text). Markdown can make a few bytes into many: each '>'
// opens a blockquote (27 bytes of HTML each), a reference link repeats its URL at every use (60 KB of text
// became 150 MB), a table row is padded to the header's columns. Real text stays far below: the library's
// articles make at most 1.4 bytes per byte, a table of one-character cells 7, a task item or a short
// quote chain 13 bytes per byte but under 100 bytes in all, which the 4 KiB cover.
size_t MaxHtmlBytes(size_t text_bytes, const Limits& limits);

// Renders in a render worker (render_workers.h: a helper process under a CPU and a memory limit) with a
// wall-clock budget. When the budget runs out the worker is killed and the text comes back HTML-escaped as plain
// paragraphs (fell_back = true), as when the worker dies (out of memory); so does a text whose HTML would be over
// MaxHtmlBytes (fell_back and over_cap): the words are kept, the formatting is not.
// kTooLarge (naming the limit) when text is over max_bytes; kInvalidArgument for invalid UTF-8, and for a
// text that is over MaxHtmlBytes even as plain paragraphs (escaping makes '"' six bytes); kUnavailable when no
// worker can be started (or none was set up: markdown::UseRenderWorkers).
core::StatusOr<Rendered> RenderBounded(std::string_view text, const Limits& limits, const Options& options = {});

// Renders many texts with one worker (not one round of waiting for a worker each), each with the same per-text
// budget: when a text overruns it, the worker is killed, that text falls back, and a new worker renders the
// rest. Results are in the order of `texts`.
std::vector<core::StatusOr<Rendered>> RenderBoundedMany(const std::vector<std::string_view>& texts,
                                                        const Limits& limits, const Options& options = {});

// The fallback used when rendering is abandoned: escaped paragraphs, line breaks kept.
std::string PlainParagraphsHtml(std::string_view text);

// True when a link destination is safe to put in href/src: no scheme (relative), or http, https, mailto.
bool IsSafeUrl(std::string_view url);

}  // namespace entraide::markdown
