// Receiver: what a message received by mail may do. `entraide mail receive` (one message on standard input, as
// Postfix and Exim pipe mail) and serve's POP3 poller hand every message to Receive, the one code path.
//
// Where it goes, by the address it was sent to (Delivered-To, X-Original-To, To, Cc):
//   mail.reply_address + TOKEN   a reply to a notification: lands on the token's ticket as its person's reply
//   mail.bounce_address + TAG    a delivery status notification (VERP): counts a permanent failure of the address
//                                our message TAG went to; the third makes it bouncing (no more mail is sent to it)
//   mail.new_ticket_address      a member writing from their address opens a ticket, after a confirmation link
//                                sent back to them (or at once when the receiving host says dmarc=pass for it and
//                                they are in one group)
//   anything else                unknown (exit 67)
// Who may write: a reply is taken only when the token exists, is not revoked, its person is active, may still see
// the ticket, and the From address is theirs (case-insensitively); with trusted_host set, a dmarc=fail in that
// host's Authentication-Results refuses it. A volunteer's reply is public: no internal note by mail.
// No loops, no floods: Auto-Submitted other than "no", Precedence bulk/list/junk, X-Autoreply/X-Autorespond, a
// null or missing sender, our own addresses in From, a Message-ID already taken are ignored; at most per_hour
// messages taken per person and hour; messages over limits.max_message_bytes are refused.
// Nothing is ever answered for a message ignored or refused (no backscatter): it is logged (logfmt, stderr) and
// recorded in inbound_mail (counted by /metrics as entraide_mail_received_total{outcome}).
//
// Thread-safe (each call takes its own connection).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/session_service.h"
#include "core/clock.h"
#include "core/status.h"
#include "mail/inbound.h"
#include "model/inbound.h"
#include "tickets/ticket_service.h"

namespace entraide::store {
class Pool;
}  // namespace entraide::store

namespace entraide::inbox {

struct ReceiverOptions {
  std::string reply_address;       // mail.reply_address ("" = no replies by mail)
  std::string bounce_address;      // mail.bounce_address ("" = no VERP, no bounces read)
  std::string new_ticket_address;  // mail.new_ticket_address ("" = no new tickets by mail)
  std::string from_address;        // mail.from's address: mail from it is our own
  std::string trusted_host;        // mail.trust_authentication_results ("" = Authentication-Results not read)
  std::string originals_dir;       // where originals are kept (data.dir/mail-in)
  std::string scratch_dir;         // where attachments are written before they are stored (data.dir/tmp)
  std::string base_url = "http://127.0.0.1:8080";  // for the confirmation link
  int per_hour = 30;                               // messages taken per person and hour
  int bounce_threshold = 3;                        // permanent failures before an address is bouncing
  int64_t request_ttl_s = 7 * 24 * 3600;           // how long a confirmation link for a ticket by mail is valid
  mail::InboundLimits limits;
};

struct Received {
  model::InboundOutcome outcome = model::InboundOutcome::kRefused;
  std::string reason;      // for the log and the record: why ignored, refused or unknown; what was done
  bool try_later = false;  // a passing failure (the database busy, a file not written): nothing was recorded
  std::optional<int64_t> ticket_id;

  // The sysexits code for `entraide mail receive`: 0 taken, ignored or a bounce read; 67 (EX_NOUSER) unknown
  // address; 65 (EX_DATAERR) refused; 75 (EX_TEMPFAIL) try later.
  int ExitCode() const;
};

// A ticket written by mail, waiting for its author to confirm it (the page behind the confirmation link).
struct PendingTicket {
  std::string subject, body;
  std::vector<auth::GroupRef> groups;  // the author's groups, to choose from when several
  std::string lang;
};

// The original of a message that reached a ticket, for volunteers (downloaded as .eml, never rendered).
struct Original {
  int64_t id = 0;
  std::optional<int64_t> event_id;  // the reply it became; none: the ticket itself (opened by mail)
  int64_t received_at = 0;
  std::string from, path;
};

class Receiver {
 public:
  Receiver(store::Pool& pool, const core::Clock& clock, auth::SessionService& sessions, tickets::TicketService& tickets,
           ReceiverOptions options);

  Received Receive(std::string_view raw);

  // The request behind a confirmation link: kNotFound for an unknown, used or expired link.
  core::StatusOr<PendingTicket> Pending(const std::string& token);
  // Opens the ticket in `group_id` (0: the author's only group) and uses the link; kNotFound as above,
  // kInvalidArgument naming "group" when the author has several groups and none of theirs is given.
  core::StatusOr<tickets::Ticket> Confirm(const std::string& token, int64_t group_id);

  // The originals of ticket `ticket_id`'s messages received by mail, for volunteers who may see the ticket:
  // kNotFound when the ticket is not theirs to see, kPermissionDenied for members.
  core::StatusOr<std::vector<Original>> Originals(const auth::Principal* who, int64_t ticket_id);
  core::StatusOr<Original> OriginalOf(const auth::Principal* who, int64_t ticket_id, int64_t id);

  const ReceiverOptions& options() const { return o_; }

 private:
  struct Context;
  // A ticket request behind a confirmation link, still usable: its row, author, original read again, and text.
  struct Request {
    std::string hash;
    model::MailTicketRequest row;
    auth::Principal author;
    mail::InboundMessage message;
    std::string body;
  };
  Received Reply(Context& c, const std::string& token);
  Received Bounce(Context& c, const std::string& tag);
  Received NewTicket(Context& c);
  // Records the outcome (and logs it); a store failure makes it a try-later.
  Received Finish(Context& c, model::InboundOutcome outcome, std::string reason);
  std::optional<std::string> Loop(const mail::InboundMessage& m) const;
  // The refusal (or try-later) when the person has had per_hour messages taken in the last hour.
  std::optional<Received> OverHourlyLimit(Context& c, int64_t user_id);
  core::StatusOr<Request> LoadRequest(const std::string& token);
  // Opens the ticket a message asks for, in `group_id`, with the message's files.
  core::StatusOr<tickets::Ticket> OpenTicket(const auth::Principal& author, const std::string& subject,
                                             const std::string& body, int64_t group_id, const mail::InboundMessage& m);
  core::StatusOr<std::string> KeepOriginal(std::string_view raw);
  void DropOriginal(Context& c) const;  // deletes a kept original the message did not become
  core::StatusOr<std::vector<tickets::Upload>> Uploads(const mail::InboundMessage& m);
  core::StatusOr<std::optional<auth::Principal>> Author(const std::string& from, std::string* reason);
  bool DmarcFails(const mail::InboundMessage& m) const;

  store::Pool& pool_;
  const core::Clock& clock_;
  auth::SessionService& sessions_;
  tickets::TicketService& tickets_;
  ReceiverOptions o_;
};

}  // namespace entraide::inbox
