// Inbound mail, read: one RFC 5322 message (as Postfix pipes it, or as a POP3 server hands it over) parsed with
// GMime into plain values, the text of a reply without its quoted history and signature, a delivery status
// notification (RFC 3464) and the receiving host's Authentication-Results (RFC 8601). No database, no policy:
// tickets/ decides what a message may do. Thread-safe (GMime is initialised once).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace entraide::mail {

struct InboundAttachment {
  std::string filename;      // decoded (RFC 2047 / RFC 2231), as the sender named it; "" when none
  std::string content_type;  // "image/png", lower case
  std::string data;          // the decoded bytes
};

// A delivery status notification (multipart/report; report-type=delivery-status), one entry per recipient.
struct DeliveryReport {
  struct Recipient {
    std::string final_recipient;  // the bare address of Final-Recipient (rfc822;...)
    std::string action;           // failed, delayed, delivered, relayed, expanded (lower case)
    std::string status;           // "5.1.1"
    std::string diagnostic;       // Diagnostic-Code, as given
  };
  std::vector<Recipient> recipients;
  // A permanent failure: some recipient with action "failed" and a 5.x.x status.
  bool Permanent() const;
};

struct InboundMessage {
  std::string from_address;             // the addr-spec of From, as written; "" when missing or unreadable
  std::string from_name;                // its display name, decoded
  std::vector<std::string> recipients;  // addr-specs of Delivered-To, X-Original-To, To and Cc, in that order
  std::string return_path;              // the addr-spec of Return-Path; "" for the null sender <>
  bool null_return_path = false;        // Return-Path: <>
  std::string message_id;               // without the angle brackets; "" when missing
  std::string in_reply_to;              // without the angle brackets
  std::string subject;                  // decoded (RFC 2047), UTF-8
  std::string auto_submitted;           // the Auto-Submitted keyword, lower case ("auto-replied"), "" when absent
  std::string precedence;               // the Precedence keyword, lower case ("bulk"), "" when absent
  bool auto_reply_header = false;       // an X-Autoreply or X-Autorespond header is present
  std::vector<std::string> authentication_results;  // each Authentication-Results header, unfolded
  std::string text;                                 // the body as UTF-8 text: text/plain preferred, else HTML made text
  bool text_from_html = false;
  std::vector<InboundAttachment> attachments;
  int dropped_attachments = 0;           // attachments left out: beyond max_attachments or max_attachment_bytes
  std::optional<DeliveryReport> report;  // set for a delivery status notification
  size_t size = 0;                       // bytes of the raw message
};

struct InboundLimits {
  size_t max_message_bytes = 25u << 20;     // the whole message
  size_t max_attachment_bytes = 10u << 20;  // each attachment (the web form's limit); larger ones are dropped
  int max_attachments = 5;                  // more are dropped
};

// kInvalidArgument when `raw` is not a message (no header), or is larger than max_message_bytes (the message
// says the limit); never throws. Charsets: UTF-8, ISO-8859-1, windows-1252 and anything iconv knows; bodies in
// quoted-printable or base64; multipart/alternative prefers text/plain; an HTML-only message becomes text
// (paragraphs and line breaks kept, links as "text (url)", no markup, no script or style content).
core::StatusOr<InboundMessage> ParseMessage(std::string_view raw, const InboundLimits& limits = {});

// The reply itself: the text above the quoted history ("Le … a écrit :", "On … wrote:", lines starting with
// ">", Outlook's "-----Original Message-----" / "De : … Envoyé : …" / "From: … Sent: …" blocks, Gmail's and
// Apple Mail's forms) and without the signature ("-- " line, "Envoyé de mon iPhone", "Sent from my …").
// Trimmed; "" when nothing is left.
std::string StripQuotedReply(std::string_view text);

// The dmarc= result in the Authentication-Results header whose authserv-id is `host` (case-insensitively);
// nullopt when there is no such header or it has no dmarc result. Headers of other hosts are ignored (anyone
// can write one). When several headers of `host` are present, the topmost (added last) that has a dmarc result
// counts: a milter chain (OpenDKIM, then OpenDMARC) adds one header each. Comments "(...)" and folding are
// ignored. The receiving MTA must remove headers that claim its name from incoming mail (RFC 8601, section 5):
// one that came with the message and sits below ours would otherwise count when ours has no dmarc result.
struct DmarcVerdict {
  std::string result;       // lower case: "pass", "fail", "none", "temperror", ...
  std::string header_from;  // the header.from= domain, lower case ("" when not given)
};
std::optional<DmarcVerdict> DmarcResult(const InboundMessage& m, std::string_view host);

}  // namespace entraide::mail
