#include "markdown/markdown.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <cmark-gfm-extension_api.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <set>

#include "core/escape.h"
#include "core/strings.h"
#include "core/wire.h"

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
  static const std::string_view kBlocks[] = {"\n<ul", "\n<ol", "\n<p>", "\n<pre", "\n<blockquote",
                                             "\n<table", "\n<h", "\n<hr", "\n<div"};
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
  if (!cleaned.empty() && cleaned[0] == '#') return true;       // "#a:b" is a fragment
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
  std::unique_ptr<char, CharDeleter> plain(cmark_render_plaintext(doc.get(), opts, 0));
  out.plain = core::ToValidUtf8(plain.get());
  return out;
}

std::string PlainParagraphsHtml(std::string_view text) {
  std::string out;
  std::string normalized = core::ReplaceAll(text, "\r\n", "\n");
  size_t start = 0;
  while (start < normalized.size()) {
    size_t end = normalized.find("\n\n", start);
    std::string_view para = std::string_view(normalized).substr(
        start, end == std::string::npos ? std::string::npos : end - start);
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

namespace {

std::string Encode(const Rendered& r) {
  std::string buf;
  core::PutField(buf, r.over_cap ? "1" : "0");
  core::PutField(buf, r.html);
  core::PutField(buf, r.plain);
  core::PutField(buf, std::to_string(r.headings.size()));
  for (const auto& h : r.headings) {
    core::PutField(buf, std::to_string(h.level));
    core::PutField(buf, h.id);
    core::PutField(buf, h.text);
  }
  core::PutField(buf, std::to_string(r.links.size()));
  for (const auto& l : r.links) core::PutField(buf, l);
  return buf;
}

bool Decode(std::string_view in, Rendered& r) {
  std::string count, over_cap;
  if (!core::GetField(in, over_cap) || !core::GetField(in, r.html) || !core::GetField(in, r.plain) ||
      !core::GetField(in, count))
    return false;
  r.over_cap = r.fell_back = over_cap == "1";
  size_t n = std::stoul(count);
  for (size_t i = 0; i < n; ++i) {
    Heading h;
    std::string level;
    if (!core::GetField(in, level) || !core::GetField(in, h.id) || !core::GetField(in, h.text)) return false;
    h.level = std::stoi(level);
    r.headings.push_back(std::move(h));
  }
  if (!core::GetField(in, count)) return false;
  n = std::stoul(count);
  for (size_t i = 0; i < n; ++i) {
    std::string link;
    if (!core::GetField(in, link)) return false;
    r.links.push_back(std::move(link));
  }
  return in.empty();
}

void WriteAll(int fd, const std::string& data) {
  size_t off = 0;
  while (off < data.size()) {
    ssize_t w = ::write(fd, data.data() + off, data.size() - off);
    if (w < 0) {
      if (errno == EINTR) continue;
      return;
    }
    off += static_cast<size_t>(w);
  }
}

Rendered Fallback(std::string_view text) {
  Rendered r;
  r.html = PlainParagraphsHtml(text);
  r.plain = std::string(text);
  r.fell_back = true;
  return r;
}

}  // namespace

namespace {

bool ReadExact(int fd, char* buf, size_t n, std::chrono::steady_clock::time_point deadline, bool* timed_out) {
  size_t got = 0;
  while (got < n) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      *timed_out = true;
      return false;
    }
    struct pollfd pfd{fd, POLLIN, 0};
    int pr = ::poll(&pfd, 1, static_cast<int>(left.count()));
    if (pr < 0 && errno == EINTR) continue;
    if (pr == 0) {
      *timed_out = true;
      return false;
    }
    if (pr < 0) return false;
    ssize_t r = ::read(fd, buf + got, n - got);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    got += static_cast<size_t>(r);
  }
  return true;
}

// A child process that renders texts[from..] in order, writing one frame per text: 4 bytes of length, then
// the encoded result. Returns the child's pid and the read end of its pipe, or -1.
pid_t StartRenderer(const std::vector<std::string_view>& texts, size_t from, const Limits& limits,
                    const Options& options, int* read_fd) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return -1;
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return -1;
  }
  if (pid == 0) {
    // Child: only the renderer runs here, then _exit (no atexit handlers, no stdio flush).
    ::close(fds[0]);
    size_t count = texts.size() - from;
    int cpu_seconds = static_cast<int>((limits.budget_ms * count) / 1000 + 1);
    struct rlimit rl{static_cast<rlim_t>(cpu_seconds), static_cast<rlim_t>(cpu_seconds + 1)};
    ::setrlimit(RLIMIT_CPU, &rl);
    for (size_t i = from; i < texts.size(); ++i) {
      Rendered r = RenderUnbounded(texts[i], options);
      if (r.html.size() > MaxHtmlBytes(texts[i].size(), limits)) {  // here, not through the pipe: it can be 100s of MB
        r = Fallback(texts[i]);
        r.over_cap = true;
      }
      std::string payload = Encode(r);
      uint32_t n = static_cast<uint32_t>(payload.size());
      std::string frame(reinterpret_cast<const char*>(&n), 4);
      frame += payload;
      WriteAll(fds[1], frame);
    }
    ::_exit(0);
  }
  ::close(fds[1]);
  *read_fd = fds[0];
  return pid;
}

void Reap(pid_t pid, bool kill_it) {
  if (kill_it) ::kill(pid, SIGKILL);
  int wstatus = 0;
  while (::waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
  }
}

}  // namespace

size_t MaxHtmlBytes(size_t text_bytes, const Limits& limits) {
  return std::min(4 * limits.max_bytes, 8 * text_bytes + 4096);
}

std::vector<core::StatusOr<Rendered>> RenderBoundedMany(const std::vector<std::string_view>& texts,
                                                        const Limits& limits, const Options& options) {
  InitMarkdown();
  std::vector<core::StatusOr<Rendered>> results;
  results.reserve(texts.size());
  std::vector<std::string_view> valid;
  std::vector<size_t> where;  // index in `texts` of each valid text
  for (size_t i = 0; i < texts.size(); ++i) {
    if (texts[i].size() > limits.max_bytes) {
      results.emplace_back(core::TooLarge("text is " + std::to_string(texts[i].size()) + " bytes; the limit is " +
                                          std::to_string(limits.max_bytes) + " bytes"));
    } else if (!core::IsValidUtf8(texts[i])) {
      results.emplace_back(core::InvalidArgument("text is not valid UTF-8"));
    } else {
      results.emplace_back(Rendered{});
      valid.push_back(texts[i]);
      where.push_back(i);
    }
  }
  size_t next = 0;
  while (next < valid.size()) {
    int fd = -1;
    pid_t pid = StartRenderer(valid, next, limits, options, &fd);
    if (pid < 0) {
      for (; next < valid.size(); ++next)
        results[where[next]] = core::Unavailable("cannot start the renderer: " + std::string(strerror(errno)));
      break;
    }
    bool child_ok = true;
    while (next < valid.size() && child_ok) {
      // Each text has its own budget, counted from the moment the previous one arrived.
      auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(limits.budget_ms);
      bool timed_out = false;
      uint32_t n = 0;
      std::string payload;
      bool got = ReadExact(fd, reinterpret_cast<char*>(&n), 4, deadline, &timed_out);
      if (got) {
        payload.resize(n);
        got = ReadExact(fd, payload.data(), n, deadline, &timed_out);
      }
      Rendered r;
      child_ok = got && Decode(payload, r);
      // Too slow (or the child died): this text falls back; a new child takes the rest.
      if (!child_ok) r = Fallback(valid[next]);
      size_t cap = MaxHtmlBytes(valid[next].size(), limits);
      if (r.html.size() > cap)  // even as escaped plain text
        results[where[next]] = core::InvalidArgument("the formatted text is too large (" +
                                                     std::to_string(r.html.size() / 1024) + " KiB; at most " +
                                                     std::to_string(cap / 1024) + " KiB); attach it as a file "
                                                     "instead");
      else
        results[where[next]] = std::move(r);
      ++next;
    }
    ::close(fd);
    Reap(pid, !child_ok);
  }
  return results;
}

core::StatusOr<Rendered> RenderBounded(std::string_view text, const Limits& limits, const Options& options) {
  auto results = RenderBoundedMany({text}, limits, options);
  return std::move(results.front());
}

}  // namespace entraide::markdown
