// Internet messages (RFC 5322) with MIME bodies, written by hand so that every header is under our control:
// names and subjects are folded to one line (no CR or LF can ever start a header) and encoded per RFC 2047;
// bodies are UTF-8 quoted-printable; lines end in CRLF. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace entraide::mail {

struct Address {
  std::string name;   // display name, any UTF-8 (may be empty)
  std::string email;  // addr-spec: ASCII, no spaces, quotes, angle brackets or control characters
};

// Parses "Name <user@host>" or "user@host". kInvalidArgument for anything else.
core::StatusOr<Address> ParseAddress(std::string_view text);
// True for an addr-spec we are willing to put in a header and an SMTP command.
bool IsSafeEmail(std::string_view email);

// Every CR, LF, TAB and other control character becomes a space, runs of spaces become one, and the ends are
// trimmed: text that goes in a header stays on its line.
std::string OneLine(std::string_view s);
// RFC 2047 "B" encoded words (UTF-8), each at most 75 characters, split on character boundaries and joined by
// folding white space; printable ASCII text is returned as it is. The input is passed through OneLine first.
std::string EncodeHeaderText(std::string_view s);
// "Name <email>", the name quoted or encoded as needed; just "email" when the name is empty.
std::string FormatAddress(const Address& a);
// Quoted-printable (RFC 2045 section 6.7) of UTF-8 text; line breaks become CRLF, lines are at most 76.
std::string QuotedPrintable(std::string_view text);
std::string Base64(std::string_view data);
// "Fri, 01 Jan 2027 00:00:00 +0000"
std::string FormatDate(int64_t epoch_seconds);

struct MimeMessage {
  Address from, to;
  Address reply_to;  // empty email: no Reply-To
  std::string subject;
  std::string text, html;                                          // the two alternatives (UTF-8)
  std::string message_id;                                          // "<...@...>"
  int64_t date = 0;                                                // epoch seconds
  std::string in_reply_to;                                         // "<...>" or empty
  std::vector<std::string> references;                             // "<...>" each
  std::string list_unsubscribe_url;                                // https URL; empty: no List-Unsubscribe headers
  std::vector<std::pair<std::string, std::string>> extra_headers;  // fixed ASCII headers (Auto-Submitted ...)
};

// The whole message, ready for SMTP DATA or a .eml file. kInvalidArgument for an unsafe address, Message-ID or
// URL (nothing of the message is written then).
core::StatusOr<std::string> Serialize(const MimeMessage& m);

}  // namespace entraide::mail
