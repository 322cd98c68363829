// A message given up on (for the failed-mail page) and someone's effective email settings.
// Plain values (std only, no SQLite, no Xapian): store/ and search/ fill them, services hand them to
// http/ and app/. See docs/ARCHITECTURE.md, "model/".
#pragma once

#include <cstdint>
#include <string>

namespace entraide::model {

// A message given up on, for people who look after the site.
struct FailedMail {
  int64_t id = 0;
  std::string kind, recipient_email, subject, last_error;
  int attempts = 0;
  int64_t created_at = 0;
  int64_t last_attempt_at = 0;  // when it was last tried (its last due time), or created_at
  std::string recipient_name;
  bool resendable = true;  // false for link mails (IsLinkMail): their link is gone
};

// Someone's effective settings (the mail_settings view: their choices, else their role's defaults).
// Digest values are "off", "daily" or "weekly".
struct MailSettings {
  int64_t user_id = 0;
  bool notifications = true;
  std::string volunteer_digest = "off", group_digest = "off", coordinator_summary = "off";
};

}  // namespace entraide::model
