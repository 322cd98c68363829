// Mail received (see inbox/receiver.h): what became of a message, an address that bounces, the original of a
// message kept for volunteers, a ticket written by mail waiting for its confirmation. Plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace entraide::model {

// What became of a message. Its word is the inbound_mail.outcome column and the label of
// entraide_mail_received_total{outcome}.
enum class InboundOutcome {
  kTaken,    // it became a reply, a ticket, or a request waiting for its confirmation
  kIgnored,  // automatic mail (auto-replies, lists, loops) or a message already taken: dropped, no answer
  kRefused,  // not allowed (forged sender, revoked address, DMARC failure, a limit): dropped, no answer
  kUnknown,  // addressed to nothing we know
  kBounce,   // a delivery status notification for a message we sent
};
constexpr std::string_view ToString(InboundOutcome o) {
  switch (o) {
    case InboundOutcome::kTaken:
      return "taken";
    case InboundOutcome::kIgnored:
      return "ignored";
    case InboundOutcome::kRefused:
      return "refused";
    case InboundOutcome::kUnknown:
      return "unknown";
    case InboundOutcome::kBounce:
      return "bounce";
  }
  return "";
}
inline constexpr InboundOutcome kInboundOutcomes[] = {InboundOutcome::kTaken, InboundOutcome::kIgnored,
                                                      InboundOutcome::kRefused, InboundOutcome::kUnknown,
                                                      InboundOutcome::kBounce};

struct InboundRecord {
  int64_t id = 0;
  std::string message_id;  // "" when none
  int64_t received_at = 0;
  InboundOutcome outcome = InboundOutcome::kRefused;
  std::string reason, from_address;
  int64_t size = 0;
  std::optional<int64_t> user_id, ticket_id, event_id;
  std::string original;  // file name under data/mail-in, "" when not kept
};

struct BouncingAddress {
  std::string email;
  int64_t failures = 0;
  std::string last_status;
  int64_t last_at = 0;
  std::optional<int64_t> bouncing_since;  // set from the third permanent failure: no mail is sent to it
};

struct MailTicketRequest {
  int64_t user_id = 0, inbound_id = 0;
  std::string subject;
  int64_t created_at = 0, expires_at = 0;
  std::optional<int64_t> used_at;  // set once the link was used
  std::string original;            // the original's file name (from inbound_mail)
};

}  // namespace entraide::model
