// ParseMessage (mail/inbound.h): GMime 3 reads the MIME structure, headers and encodings; the choice of the
// body, charsets, attachments and delivery reports are ours. GMime stays inside this file.
#include "mail/inbound.h"

#include <gmime/gmime.h>

#include <cerrno>
#include <memory>
#include <string>
#include <vector>

#include "core/strings.h"
#include "mail/html_text.h"

namespace entraide::mail {
namespace {

struct GObjectUnref {
  void operator()(void* p) const {
    if (p) g_object_unref(p);
  }
};
template <typename T>
using GPtr = std::unique_ptr<T, GObjectUnref>;

struct GFree {
  void operator()(void* p) const { g_free(p); }
};

// GMime is initialised once, and every parse shares one read-only set of options: lenient with what real
// clients write (8-bit headers without a charset, unquoted parameters, words encoded in the middle of others).
GMimeParserOptions* Options() {
  static GMimeParserOptions* const options = [] {
    g_mime_init();
    GMimeParserOptions* o = g_mime_parser_options_new();
    g_mime_parser_options_set_address_compliance_mode(o, GMIME_RFC_COMPLIANCE_LOOSE);
    g_mime_parser_options_set_parameter_compliance_mode(o, GMIME_RFC_COMPLIANCE_LOOSE);
    g_mime_parser_options_set_rfc2047_compliance_mode(o, GMIME_RFC_COMPLIANCE_LOOSE);
    static const char* fallback[] = {"UTF-8", "windows-1252", nullptr};
    g_mime_parser_options_set_fallback_charsets(o, fallback);
    return o;
  }();
  return options;
}

using core::ToLowerAscii;

std::string Trim(std::string_view s) { return std::string(core::Trim(s)); }

bool EqualsNoCase(std::string_view a, std::string_view b) { return ToLowerAscii(a) == ToLowerAscii(b); }

// A folded header value on one line: each line break with the whitespace around it as one space.
std::string Unfold(std::string_view v) {
  std::string out;
  bool space = false;
  for (char c : v) {
    if (c == '\r' || c == '\n' || c == ' ' || c == '\t') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return core::ToValidUtf8(out);
}

// The keyword of Auto-Submitted or Precedence ("auto-replied; owner-email=…" or "bulk (comment)" → the word).
std::string Keyword(const char* value) {
  if (!value) return "";
  std::string v = ToLowerAscii(Trim(value));
  size_t end = v.find_first_of(" \t;(");
  return v.substr(0, end);
}

// Is `raw` a message at all: its first line (after an mbox "From " line) must be a header field.
bool StartsWithHeader(std::string_view raw) {
  if (raw.substr(0, 5) == "From ") {
    size_t nl = raw.find('\n');
    raw = nl == std::string_view::npos ? std::string_view() : raw.substr(nl + 1);
  }
  size_t i = 0;
  while (i < raw.size() && raw[i] != ':') {
    unsigned char c = static_cast<unsigned char>(raw[i]);
    if (c <= 32 || c >= 127) return false;
    ++i;
  }
  return i > 0 && i < raw.size();
}

// Bytes of `charset` as UTF-8. ISO-8859-1 and US-ASCII are read as windows-1252, as browsers do (mail that
// says Latin-1 often holds curly quotes and €); undeclared or unknown charsets are UTF-8 when the bytes are,
// else windows-1252; bytes that do not convert become U+FFFD.
std::string ToUtf8(std::string_view bytes, std::string charset) {
  charset = ToLowerAscii(Trim(charset));
  bool declared_utf8 = charset == "utf-8" || charset == "utf8";
  if (declared_utf8 || charset.empty() || charset == "us-ascii" || charset == "ascii" || charset == "unknown-8bit") {
    std::string valid = core::ToValidUtf8(bytes);
    if (declared_utf8 || valid == bytes) return valid;
    charset = "windows-1252";
  }
  if (charset == "iso-8859-1" || charset == "latin1" || charset == "iso_8859-1" || charset == "l1" ||
      charset == "iso8859-1")
    charset = "windows-1252";
  iconv_t cd = g_mime_iconv_open("UTF-8", charset.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) {
    std::string valid = core::ToValidUtf8(bytes);
    if (valid == bytes) return valid;
    cd = g_mime_iconv_open("UTF-8", "windows-1252");
    if (cd == reinterpret_cast<iconv_t>(-1)) return valid;
  }
  std::string out;
  std::string buffer(4096, '\0');
  char* in = const_cast<char*>(bytes.data());
  size_t in_left = bytes.size();
  while (in_left > 0) {
    char* o = buffer.data();
    size_t o_left = buffer.size();
    size_t r = iconv(cd, &in, &in_left, &o, &o_left);
    out.append(buffer.data(), buffer.size() - o_left);
    if (r != static_cast<size_t>(-1)) break;
    if (errno == E2BIG) continue;
    out += "\xEF\xBF\xBD";  // EILSEQ or EINVAL: one byte that does not convert
    ++in;
    --in_left;
    iconv(cd, nullptr, nullptr, nullptr, nullptr);
  }
  char* o = buffer.data();
  size_t o_left = buffer.size();
  iconv(cd, nullptr, nullptr, &o, &o_left);  // the shift state's end, for stateful charsets
  out.append(buffer.data(), buffer.size() - o_left);
  g_mime_iconv_close(cd);
  return core::ToValidUtf8(out);
}

std::string WithoutCr(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r') {
      if (i + 1 < s.size() && s[i + 1] == '\n') continue;
      out += '\n';
      continue;
    }
    out += s[i];
  }
  return out;
}

// RFC 3676 format=flowed: a line ending in a space goes on with the next one (same quote depth); the space
// that protects a line starting with a space, ">" or "From " is removed. The signature line "-- " stays.
std::string Unflow(const std::string& text, bool delsp) {
  std::string out;
  bool previous_flowed = false;
  int previous_depth = -1;
  for (const std::string& whole : core::Split(text, '\n')) {
    std::string_view line = whole;
    int depth = 0;
    while (!line.empty() && line[0] == '>') {
      ++depth;
      line.remove_prefix(1);
    }
    if (!line.empty() && line[0] == ' ') line.remove_prefix(1);
    bool flowed = !line.empty() && line.back() == ' ' && line != "-- ";
    if (flowed && delsp) line.remove_suffix(1);
    if (!(previous_flowed && depth == previous_depth)) {
      if (previous_depth >= 0) out += '\n';
      if (depth > 0) out += std::string(static_cast<size_t>(depth), '>') + " ";
    }
    out += line;
    previous_flowed = flowed;
    previous_depth = depth;
  }
  return out;
}

std::string Bytes(GMimeStream* stream) {
  GByteArray* array = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(stream));
  return array ? std::string(reinterpret_cast<const char*>(array->data), array->len) : std::string();
}

// The decoded bytes of a leaf part (base64 and quoted-printable undone).
std::string PartBytes(GMimePart* part) {
  GMimeDataWrapper* content = g_mime_part_get_content(part);
  if (!content) return "";
  GPtr<GMimeStream> mem(g_mime_stream_mem_new());
  g_mime_data_wrapper_write_to_stream(content, mem.get());
  return Bytes(mem.get());
}

std::string ContentType(GMimeObject* obj) {
  GMimeContentType* ct = g_mime_object_get_content_type(obj);
  if (!ct) return "application/octet-stream";
  const char* type = g_mime_content_type_get_media_type(ct);
  const char* subtype = g_mime_content_type_get_media_subtype(ct);
  return ToLowerAscii(std::string(type ? type : "application") + "/" + (subtype ? subtype : "octet-stream"));
}

std::string Param(GMimeObject* obj, const char* name) {
  const char* v = g_mime_object_get_content_type_parameter(obj, name);
  return v ? v : "";
}

// The fields of a message/delivery-status body (RFC 3464): a block for the message, then one per recipient.
void ReadDeliveryStatus(const std::string& body, DeliveryReport& report) {
  std::vector<std::vector<std::pair<std::string, std::string>>> blocks(1);
  for (const std::string& line : core::Split(WithoutCr(body), '\n')) {
    if (Trim(line).empty()) {
      if (!blocks.back().empty()) blocks.emplace_back();
      continue;
    }
    if ((line[0] == ' ' || line[0] == '\t') && !blocks.back().empty()) {
      blocks.back().back().second += " " + Trim(line);
      continue;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    blocks.back().emplace_back(ToLowerAscii(Trim(line.substr(0, colon))), Trim(line.substr(colon + 1)));
  }
  for (const auto& block : blocks) {
    DeliveryReport::Recipient r;
    std::string original;
    for (const auto& [name, value] : block) {
      std::string v = value;
      if (name == "final-recipient" || name == "original-recipient") {
        size_t semi = v.find(';');  // "rfc822; user@example.org"
        if (semi != std::string::npos) v = Trim(v.substr(semi + 1));
        if (v.size() >= 2 && v.front() == '<' && v.back() == '>') v = v.substr(1, v.size() - 2);
        (name == "final-recipient" ? r.final_recipient : original) = v;
      } else if (name == "action") {
        r.action = Keyword(v.c_str());
      } else if (name == "status") {
        r.status = v.substr(0, v.find_first_of(" \t("));
      } else if (name == "diagnostic-code") {
        r.diagnostic = core::ToValidUtf8(v);
      }
    }
    if (r.final_recipient.empty()) r.final_recipient = original;
    if (!r.final_recipient.empty() || !r.action.empty()) report.recipients.push_back(std::move(r));
  }
}

// Walks the MIME tree: the readable text (plain parts, else HTML ones), attachments, delivery reports.
class Walker {
 public:
  Walker(const InboundLimits& limits, InboundMessage& m) : limits_(limits), m_(m) {}

  void Object(GMimeObject* obj, int depth) {
    if (!obj || depth > 40) return;
    if (GMIME_IS_MULTIPART(obj)) {
      Multipart(GMIME_MULTIPART(obj), depth);
    } else if (GMIME_IS_MESSAGE_PART(obj)) {
      EmbeddedMessage(obj);
    } else if (GMIME_IS_PART(obj)) {
      Leaf(GMIME_PART(obj));
    }
  }

  void Finish() {
    const auto& texts = plain_.empty() ? html_ : plain_;
    for (const auto& t : texts) {
      if (t.empty()) continue;
      if (!m_.text.empty()) m_.text += "\n\n";
      m_.text += t;
    }
    m_.text_from_html = plain_.empty() && !html_.empty();
  }

 private:
  void Multipart(GMimeMultipart* mp, int depth) {
    GMimeObject* obj = GMIME_OBJECT(mp);
    if (GMIME_IS_MULTIPART_ENCRYPTED(obj)) return;
    std::string type = ContentType(obj);
    int count = g_mime_multipart_get_count(mp);
    if (type == "multipart/alternative") {
      // text/plain when there is one; else the last (richest) alternative we can read.
      GMimeObject* chosen = nullptr;
      for (int i = 0; i < count; ++i) {
        GMimeObject* child = g_mime_multipart_get_part(mp, i);
        if (ContentType(child) == "text/plain" && !IsAttachment(child)) {
          chosen = child;
          break;
        }
      }
      for (int i = count - 1; i >= 0 && !chosen; --i) {
        GMimeObject* child = g_mime_multipart_get_part(mp, i);
        std::string t = ContentType(child);
        if (t == "text/html" || t.rfind("multipart/", 0) == 0) chosen = child;
      }
      Object(chosen, depth + 1);
      return;
    }
    if (type == "multipart/signed") {  // the content, not its signature
      if (count > 0) Object(g_mime_multipart_get_part(mp, 0), depth + 1);
      return;
    }
    bool report = type == "multipart/report";
    for (int i = 0; i < count; ++i) {
      GMimeObject* child = g_mime_multipart_get_part(mp, i);
      std::string t = ContentType(child);
      // A report's third part is the returned message or its headers: not ours to read or keep.
      if (report && (t == "text/rfc822-headers" || t == "message/rfc822" || t == "message/global" ||
                     t == "message/global-headers"))
        continue;
      Object(child, depth + 1);
    }
  }

  static bool IsAttachment(GMimeObject* obj) {
    GMimeContentDisposition* d = g_mime_object_get_content_disposition(obj);
    return d && g_mime_content_disposition_is_attachment(d);
  }

  void EmbeddedMessage(GMimeObject* obj) {
    GMimeMessage* inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
    if (!inner) return;
    GPtr<GMimeStream> mem(g_mime_stream_mem_new());
    g_mime_object_write_to_stream(GMIME_OBJECT(inner), nullptr, mem.get());
    const char* name = g_mime_object_get_content_disposition_parameter(obj, "filename");
    if (!name) name = g_mime_object_get_content_type_parameter(obj, "name");
    Attach(name ? name : "", ContentType(obj), Bytes(mem.get()));
  }

  void Leaf(GMimePart* part) {
    GMimeObject* obj = GMIME_OBJECT(part);
    std::string type = ContentType(obj);
    if (type == "message/delivery-status" || type == "message/global-delivery-status") {
      if (!m_.report) m_.report.emplace();
      ReadDeliveryStatus(PartBytes(part), *m_.report);
      return;
    }
    const char* filename_c = g_mime_part_get_filename(part);
    std::string filename = filename_c ? core::ToValidUtf8(filename_c) : "";
    bool attachment = IsAttachment(obj) || !filename.empty();
    if (!attachment && (type == "text/plain" || type == "text/html")) {
      std::string bytes = PartBytes(part);
      std::string charset = Param(obj, "charset");
      if (type == "text/html") {
        if (charset.empty()) charset = HtmlMetaCharset(bytes);
        html_.push_back(HtmlToText(ToUtf8(bytes, charset)));
      } else {
        std::string text = WithoutCr(ToUtf8(bytes, charset));
        if (EqualsNoCase(Param(obj, "format"), "flowed")) text = Unflow(text, EqualsNoCase(Param(obj, "delsp"), "yes"));
        plain_.push_back(Trim(text));
      }
      return;
    }
    if (type == "application/pgp-signature" || type == "application/pkcs7-signature") return;
    // An image an HTML message shows inline, without a name: part of the layout (a logo), not a file.
    if (filename.empty() && !IsAttachment(obj) && g_mime_object_get_content_id(obj)) return;
    Attach(filename, type, PartBytes(part));
  }

  void Attach(std::string filename, std::string type, std::string data) {
    if (static_cast<int>(m_.attachments.size()) >= limits_.max_attachments ||
        data.size() > limits_.max_attachment_bytes) {
      ++m_.dropped_attachments;
      return;
    }
    m_.attachments.push_back({std::move(filename), std::move(type), std::move(data)});
  }

  const InboundLimits& limits_;
  InboundMessage& m_;
  std::vector<std::string> plain_, html_;
};

// Bare addresses of an address header's value (groups flattened); malformed entries are left out.
void AppendAddresses(const char* value, std::vector<std::string>& out) {
  if (!value) return;
  GPtr<InternetAddressList> list(internet_address_list_parse(Options(), value));
  if (!list) return;
  std::vector<InternetAddressList*> todo = {list.get()};
  while (!todo.empty()) {
    InternetAddressList* l = todo.back();
    todo.pop_back();
    for (int i = 0; i < internet_address_list_length(l); ++i) {
      InternetAddress* a = internet_address_list_get_address(l, i);
      if (INTERNET_ADDRESS_IS_GROUP(a)) {
        todo.push_back(internet_address_group_get_members(INTERNET_ADDRESS_GROUP(a)));
      } else if (INTERNET_ADDRESS_IS_MAILBOX(a)) {
        const char* addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a));
        if (addr && std::string_view(addr).find('@') != std::string_view::npos) out.push_back(core::ToValidUtf8(addr));
      }
    }
  }
}

void ReadHeaders(GMimeMessage* msg, InboundMessage& m) {
  GMimeHeaderList* headers = g_mime_object_get_header_list(GMIME_OBJECT(msg));
  std::vector<std::string> delivered_to, original_to, to, cc;
  bool return_path_seen = false;
  for (int i = 0; i < g_mime_header_list_get_count(headers); ++i) {
    GMimeHeader* h = g_mime_header_list_get_header_at(headers, i);
    std::string name = ToLowerAscii(g_mime_header_get_name(h) ? g_mime_header_get_name(h) : "");
    const char* raw = g_mime_header_get_raw_value(h);
    std::string value = raw ? Unfold(raw) : "";
    if (name == "delivered-to") {
      AppendAddresses(value.c_str(), delivered_to);
    } else if (name == "x-original-to") {
      AppendAddresses(value.c_str(), original_to);
    } else if (name == "to") {
      AppendAddresses(value.c_str(), to);
    } else if (name == "cc") {
      AppendAddresses(value.c_str(), cc);
    } else if (name == "return-path" && !return_path_seen) {
      return_path_seen = true;
      std::string v = Trim(value);
      std::string inside = v.size() >= 2 && v.front() == '<' && v.back() == '>' ? Trim(v.substr(1, v.size() - 2)) : v;
      if (inside.empty()) {
        m.null_return_path = true;
      } else {
        std::vector<std::string> addresses;
        AppendAddresses(v.c_str(), addresses);
        m.return_path = addresses.empty() ? inside : addresses[0];
      }
    } else if (name == "in-reply-to" && m.in_reply_to.empty()) {
      std::unique_ptr<GMimeReferences, void (*)(GMimeReferences*)> refs(
          g_mime_references_parse(Options(), value.c_str()), g_mime_references_free);
      if (refs && g_mime_references_length(refs.get()) > 0)
        m.in_reply_to = core::ToValidUtf8(g_mime_references_get_message_id(refs.get(), 0));
    } else if (name == "auto-submitted" && m.auto_submitted.empty()) {
      m.auto_submitted = core::ToValidUtf8(Keyword(value.c_str()));
    } else if (name == "precedence" && m.precedence.empty()) {
      m.precedence = core::ToValidUtf8(Keyword(value.c_str()));
    } else if (name == "x-autoreply" || name == "x-autorespond") {
      m.auto_reply_header = true;
    } else if (name == "authentication-results") {
      m.authentication_results.push_back(value);
    }
  }
  for (auto* list : {&delivered_to, &original_to, &to, &cc}) {
    for (auto& a : *list) {
      bool seen = false;
      for (const auto& r : m.recipients) seen = seen || EqualsNoCase(r, a);
      if (!seen) m.recipients.push_back(std::move(a));
    }
  }
  if (InternetAddressList* from = g_mime_message_get_from(msg)) {
    for (int i = 0; i < internet_address_list_length(from); ++i) {
      InternetAddress* a = internet_address_list_get_address(from, i);
      if (!INTERNET_ADDRESS_IS_MAILBOX(a)) continue;
      const char* addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a));
      if (!addr || std::string_view(addr).find('@') == std::string_view::npos) continue;
      m.from_address = core::ToValidUtf8(addr);
      const char* display = internet_address_get_name(a);
      m.from_name = display ? Unfold(display) : "";
      break;
    }
  }
  if (const char* id = g_mime_message_get_message_id(msg)) m.message_id = core::ToValidUtf8(id);
  if (const char* subject = g_mime_message_get_subject(msg)) m.subject = Unfold(subject);
}

}  // namespace

bool DeliveryReport::Permanent() const {
  for (const auto& r : recipients)
    if (r.action == "failed" && r.status.rfind("5.", 0) == 0) return true;
  return false;
}

core::StatusOr<InboundMessage> ParseMessage(std::string_view raw, const InboundLimits& limits) {
  if (raw.size() > limits.max_message_bytes)
    return core::InvalidField("message", "larger than " + std::to_string(limits.max_message_bytes) + " bytes (" +
                                             std::to_string(raw.size()) + ")");
  if (!StartsWithHeader(raw)) return core::InvalidField("message", "not a mail message: no header");
  GMimeParserOptions* options = Options();
  GPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(raw.data(), raw.size()));
  GPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
  g_mime_parser_set_format(parser.get(), GMIME_FORMAT_MESSAGE);
  GPtr<GMimeMessage> msg(g_mime_parser_construct_message(parser.get(), options));
  if (!msg || g_mime_header_list_get_count(g_mime_object_get_header_list(GMIME_OBJECT(msg.get()))) == 0)
    return core::InvalidField("message", "not a mail message: no header");
  InboundMessage m;
  m.size = raw.size();
  ReadHeaders(msg.get(), m);
  Walker walker(limits, m);
  walker.Object(g_mime_message_get_mime_part(msg.get()), 0);
  walker.Finish();
  return m;
}

}  // namespace entraide::mail
