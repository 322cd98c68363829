// The kinds of email Entraide sends and its three digests, a message given up on (for the failed-mail page) and
// someone's effective email settings. Plain values (std only, no SQLite, no Xapian): store/ and search/ fill
// them, services hand them to http/ and app/. See docs/ARCHITECTURE.md, "model/".
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace entraide::model {

// Every kind of email. Its word (ToString) is the outbox's `kind` column and the name of its templates,
// views/mail/<word>.<lang>.{txt,html}.mustache; ToString and ParseMailKind are the one place that turns one into
// the other.
enum class MailKind {
  kSigninLink,          // a sign-in link asked for on the sign-in page
  kInvitation,          // a coordinator invited someone
  kPasswordReset,       // a reset link asked for on the forgot-password page
  kTicketReply,         // a volunteer answered the group's ticket
  kTicketQuestion,      // ... and asked the group a question (waiting on the group)
  kTicketResolved,      // ... and marked it resolved
  kTicketGroupReply,    // the group answered: to the volunteer who holds the ticket
  kTicketReceived,      // a member opened a ticket: the acknowledgement, to them
  kNewTicketAlert,      // a ticket was opened: to volunteers and coordinators who asked (new_ticket_alerts)
  kVolunteerDigest,     // DigestKind::kVolunteer
  kGroupDigest,         // DigestKind::kGroup
  kCoordinatorSummary,  // DigestKind::kCoordinator
  kTicketByMail,        // a ticket written to mail.new_ticket_address: the link that confirms it
};

inline constexpr std::array<MailKind, 13> kMailKinds = {
    MailKind::kSigninLink,     MailKind::kInvitation,      MailKind::kPasswordReset,    MailKind::kTicketReply,
    MailKind::kTicketQuestion, MailKind::kTicketResolved,  MailKind::kTicketGroupReply, MailKind::kTicketReceived,
    MailKind::kNewTicketAlert, MailKind::kVolunteerDigest, MailKind::kGroupDigest,      MailKind::kCoordinatorSummary,
    MailKind::kTicketByMail};

constexpr std::string_view ToString(MailKind k) {
  switch (k) {
    case MailKind::kSigninLink:
      return "signin_link";
    case MailKind::kInvitation:
      return "invitation";
    case MailKind::kPasswordReset:
      return "password_reset";
    case MailKind::kTicketReply:
      return "ticket_reply";
    case MailKind::kTicketQuestion:
      return "ticket_question";
    case MailKind::kTicketResolved:
      return "ticket_resolved";
    case MailKind::kTicketGroupReply:
      return "ticket_group_reply";
    case MailKind::kTicketReceived:
      return "ticket_received";
    case MailKind::kNewTicketAlert:
      return "new_ticket_alert";
    case MailKind::kVolunteerDigest:
      return "volunteer_digest";
    case MailKind::kGroupDigest:
      return "group_digest";
    case MailKind::kCoordinatorSummary:
      return "coordinator_summary";
    case MailKind::kTicketByMail:
      return "by_mail_confirmation";
  }
  return "";
}

constexpr std::optional<MailKind> ParseMailKind(std::string_view word) {
  for (MailKind k : kMailKinds)
    if (ToString(k) == word) return k;
  return std::nullopt;
}

// Mails that carry a single-use secret link (sign-in, invitation, reset): never resent by hand (the link is gone
// once it is sent) and their link is scrubbed from the outbox after sending.
constexpr bool IsLinkMail(MailKind k) {
  return k == MailKind::kSigninLink || k == MailKind::kInvitation || k == MailKind::kPasswordReset ||
         k == MailKind::kTicketByMail;
}

// Mails about one ticket, to one person (data_json has its "ticket_id"): with mail.reply_address set, each gets a
// Reply-To that brings an answer back to that ticket as that person (tickets/reply_tokens.h).
constexpr bool IsTicketMail(MailKind k) {
  switch (k) {
    case MailKind::kTicketReply:
    case MailKind::kTicketQuestion:
    case MailKind::kTicketResolved:
    case MailKind::kTicketGroupReply:
    case MailKind::kTicketReceived:
    case MailKind::kNewTicketAlert:
      return true;
    default:
      return false;
  }
}

// The choices of new-ticket alerts (mail_settings.new_ticket_alerts): none, urgent tickets only (high or blocking
// urgency; the default for volunteers and coordinators), or every ticket.
inline constexpr std::array<std::string_view, 3> kNewTicketAlertChoices = {"off", "urgent", "all"};
constexpr bool IsUrgentUrgency(std::string_view urgency) { return urgency == "high" || urgency == "blocking"; }

// The three digests, each with its own setting (off, daily, weekly) and unsubscribe topic.
enum class DigestKind {
  kVolunteer,    // unclaimed, waiting and late tickets, for volunteers and coordinators
  kGroup,        // a group's open tickets and new articles, for its members
  kCoordinator,  // the coordinators' summary of the period
};

inline constexpr std::array<DigestKind, 3> kDigestKinds = {DigestKind::kVolunteer, DigestKind::kGroup,
                                                           DigestKind::kCoordinator};

constexpr MailKind MailKindOf(DigestKind d) {
  switch (d) {
    case DigestKind::kVolunteer:
      return MailKind::kVolunteerDigest;
    case DigestKind::kGroup:
      return MailKind::kGroupDigest;
    case DigestKind::kCoordinator:
      return MailKind::kCoordinatorSummary;
  }
  return MailKind::kVolunteerDigest;
}

// "volunteer_digest", "group_digest", "coordinator_summary": the mail kind's word, which is also the column of
// mail_settings, the form field of the email settings page and the catalogs' "topic_" + word.
constexpr std::string_view ToString(DigestKind d) { return ToString(MailKindOf(d)); }

constexpr std::optional<DigestKind> DigestOf(MailKind k) {
  for (DigestKind d : kDigestKinds)
    if (MailKindOf(d) == k) return d;
  return std::nullopt;
}

// "volunteer", "group", "coordinator": the digest's part of its outbox dedupe key
// ("digest:<short>:<user id>:<period>"), kept as it was when the kinds were strings.
constexpr std::string_view ShortName(DigestKind d) {
  switch (d) {
    case DigestKind::kVolunteer:
      return "volunteer";
    case DigestKind::kGroup:
      return "group";
    case DigestKind::kCoordinator:
      return "coordinator";
  }
  return "";
}

// A message given up on, for people who look after the site.
struct FailedMail {
  int64_t id = 0;
  std::string kind, recipient_email, subject, last_error;
  int attempts = 0;
  int64_t created_at = 0;
  int64_t last_attempt_at = 0;  // when it was last tried (its last due time), or created_at
  std::string recipient_name;
  bool resendable = true;  // false for link mails (IsLinkMail) and unknown kinds: their link is gone
};

// Someone's effective settings (the mail_settings view: their choices, else their role's defaults).
// Digest values are "off", "daily" or "weekly".
struct MailSettings {
  int64_t user_id = 0;
  bool notifications = true;
  std::string new_ticket_alerts = "off";  // one of kNewTicketAlertChoices
  std::string volunteer_digest = "off", group_digest = "off", coordinator_summary = "off";

  // The frequency of digest `d`.
  std::string& Frequency(DigestKind d) {
    switch (d) {
      case DigestKind::kVolunteer:
        return volunteer_digest;
      case DigestKind::kGroup:
        return group_digest;
      case DigestKind::kCoordinator:
        break;
    }
    return coordinator_summary;
  }
  const std::string& Frequency(DigestKind d) const { return const_cast<MailSettings*>(this)->Frequency(d); }
};

}  // namespace entraide::model
