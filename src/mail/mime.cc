#include "mail/mime.h"

#include <algorithm>

#include "core/clock.h"
#include "core/sha256.h"
#include "core/strings.h"

namespace entraide::mail {
namespace {

constexpr const char* kCrlf = "\r\n";

bool IsPrintableAscii(std::string_view s) {
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u > 0x7e) return false;
  }
  return true;
}

// A value is safe for a structured header: printable ASCII without the characters that would end it.
bool IsSafeToken(std::string_view s, std::string_view forbidden) {
  return !s.empty() && IsPrintableAscii(s) && s.find_first_of(forbidden) == std::string_view::npos;
}

}  // namespace

bool IsSafeEmail(std::string_view email) {
  if (email.size() > 254 || !IsSafeToken(email, " \"<>()[]\\,;:")) return false;
  size_t at = email.find('@');
  return at != std::string_view::npos && at > 0 && at == email.rfind('@') && at + 1 < email.size();
}

core::StatusOr<Address> ParseAddress(std::string_view text) {
  std::string_view t = core::Trim(text);
  Address a;
  size_t lt = t.find('<');
  if (lt == std::string_view::npos) {
    a.email = std::string(t);
  } else {
    if (t.back() != '>') return core::InvalidArgument("an address is written Name <user@host>");
    a.email = std::string(t.substr(lt + 1, t.size() - lt - 2));
    std::string_view name = core::Trim(t.substr(0, lt));
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = name.substr(1, name.size() - 2);
    a.name = OneLine(name);
  }
  if (!IsSafeEmail(a.email)) return core::InvalidArgument("'" + a.email + "' is not an email address");
  return a;
}

std::string OneLine(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    bool space = u < 0x20 || u == 0x7f || c == ' ';
    if (space) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string Base64(std::string_view data) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    uint32_t n = (static_cast<uint8_t>(data[i]) << 16) | (static_cast<uint8_t>(data[i + 1]) << 8) |
                 static_cast<uint8_t>(data[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  if (i < data.size()) {
    uint32_t n = static_cast<uint8_t>(data[i]) << 16;
    if (i + 1 < data.size()) n |= static_cast<uint8_t>(data[i + 1]) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < data.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string EncodeHeaderText(std::string_view s) {
  std::string line = OneLine(s);
  if (IsPrintableAscii(line) && line.find("=?") == std::string::npos) return line;
  // 75 characters a word: "=?UTF-8?B?" + 60 base64 characters (45 bytes) + "?=".
  constexpr size_t kMaxBytes = 45;
  std::string out;
  size_t i = 0;
  while (i < line.size()) {
    size_t end = i + core::Utf8Prefix(std::string_view(line).substr(i), kMaxBytes).size();
    if (end == i) end = std::min(line.size(), i + 1);
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + Base64(std::string_view(line).substr(i, end - i)) + "?=";
    i = end;
  }
  return out;
}

std::string FormatAddress(const Address& a) {
  std::string name = OneLine(a.name);
  if (name.empty()) return a.email;
  if (IsPrintableAscii(name) && name.find("=?") == std::string::npos) {
    std::string quoted = "\"";
    for (char c : name) {
      if (c == '"' || c == '\\') quoted += '\\';
      quoted += c;
    }
    return quoted + "\" <" + a.email + ">";
  }
  return EncodeHeaderText(name) + " <" + a.email + ">";
}

std::string QuotedPrintable(std::string_view text) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 2);
  size_t line_len = 0;
  auto emit = [&](const std::string& piece) {
    if (line_len + piece.size() > 75) {  // 75 + the soft break's '=' = 76
      out += "=\r\n";
      line_len = 0;
    }
    out += piece;
    line_len += piece.size();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;  // CRLF: handled at the LF
    if (c == '\n' || c == '\r') {
      out += kCrlf;
      line_len = 0;
      continue;
    }
    auto u = static_cast<unsigned char>(c);
    bool at_line_end = i + 1 == text.size() || text[i + 1] == '\n' || text[i + 1] == '\r';
    bool literal = (u >= 33 && u <= 126 && c != '=') || ((c == ' ' || c == '\t') && !at_line_end);
    // A '.' starting a line is encoded too, so no line of the body is ever a lone "." to an SMTP server.
    if (c == '.' && line_len == 0) literal = false;
    if (literal) {
      emit(std::string(1, c));
    } else {
      emit(std::string{'=', kHex[u >> 4], kHex[u & 15]});
    }
  }
  return out;
}

std::string FormatDate(int64_t epoch_seconds) {
  // The same fields as an HTTP date; RFC 5322 prefers a numeric zone to "GMT".
  std::string http = core::FormatHttpDate(epoch_seconds);
  return http.substr(0, http.size() - 3) + "+0000";
}

core::StatusOr<std::string> Serialize(const MimeMessage& m) {
  if (!IsSafeEmail(m.from.email)) return core::InvalidArgument("from: not a usable address");
  if (!IsSafeEmail(m.to.email)) return core::InvalidArgument("to: not a usable address");
  if (!m.reply_to.email.empty() && !IsSafeEmail(m.reply_to.email))
    return core::InvalidArgument("reply_to: not a usable address");
  auto is_msg_id = [](std::string_view id) {
    return id.size() >= 5 && id.front() == '<' && id.back() == '>' &&
           IsSafeToken(id.substr(1, id.size() - 2), " <>\"\\,;:()[]") && id.find('@') != std::string_view::npos;
  };
  if (!is_msg_id(m.message_id)) return core::InvalidArgument("message_id: not a Message-ID");
  if (!m.in_reply_to.empty() && !is_msg_id(m.in_reply_to))
    return core::InvalidArgument("in_reply_to: not a Message-ID");
  for (const auto& r : m.references)
    if (!is_msg_id(r)) return core::InvalidArgument("references: not a Message-ID");
  if (!m.list_unsubscribe_url.empty() &&
      (!IsSafeToken(m.list_unsubscribe_url, " <>\"") || !core::StartsWith(m.list_unsubscribe_url, "http")))
    return core::InvalidArgument("list_unsubscribe_url: not a URL");
  for (const auto& [name, value] : m.extra_headers)
    if (!IsSafeToken(name, " :") || !IsSafeToken(value, "")) return core::InvalidArgument("extra header " + name);

  // The boundary starts with "=_", which quoted-printable text can never contain.
  std::string boundary = "=_entraide_" + core::Sha256Hex(m.message_id).substr(0, 24);
  std::string out;
  auto header = [&](const std::string& name, const std::string& value) { out += name + ": " + value + kCrlf; };
  header("Date", FormatDate(m.date));
  header("From", FormatAddress(m.from));
  header("To", FormatAddress(m.to));
  if (!m.reply_to.email.empty()) header("Reply-To", FormatAddress(m.reply_to));
  header("Subject", EncodeHeaderText(m.subject));
  header("Message-ID", m.message_id);
  if (!m.in_reply_to.empty()) header("In-Reply-To", m.in_reply_to);
  if (!m.references.empty()) header("References", core::Join(m.references, " "));
  if (!m.list_unsubscribe_url.empty()) {
    header("List-Unsubscribe", "<" + m.list_unsubscribe_url + ">");
    header("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
  }
  for (const auto& [name, value] : m.extra_headers) header(name, value);
  header("MIME-Version", "1.0");
  header("Content-Type", "multipart/alternative; boundary=\"" + boundary + "\"");
  out += kCrlf;
  auto part = [&](const char* type, const std::string& body) {
    out += "--" + boundary + kCrlf;
    out += std::string("Content-Type: ") + type + "; charset=UTF-8" + kCrlf;
    out += std::string("Content-Transfer-Encoding: quoted-printable") + kCrlf + kCrlf;
    out += QuotedPrintable(body);
    out += kCrlf;
  };
  part("text/plain", m.text);
  part("text/html", m.html);
  out += "--" + boundary + "--" + kCrlf;
  return out;
}

}  // namespace entraide::mail
