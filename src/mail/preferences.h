// PreferenceService: what email each person wants (the page /{lang}/account/email) and unsubscribing with a
// signed link, without signing in. Thread-safe (each call takes its own connection from the Pool).
//
// Statuses: kInvalidArgument naming the field for a value that is not on/off, off/daily/weekly or off/urgent/all;
// kUnauthenticated for a forged or damaged unsubscribe token; kNotFound when its person no longer exists.
#pragma once

#include <cstdint>
#include <string>

#include "auth/principal.h"
#include "core/clock.h"
#include "core/status.h"
#include "mail/unsubscribe.h"
#include "model/mail.h"

namespace entraide::store {
class Pool;
}  // namespace entraide::store

namespace entraide::mail {

using MailSettings = model::MailSettings;

// The digests `p` can receive, by role: the volunteer digest for volunteers and coordinators, the group digest for
// members and anyone in a group, the coordinator summary for coordinators.
std::vector<model::DigestKind> DigestsFor(const auth::Principal& p);

// Whether `p` chooses new-ticket alerts (volunteers and coordinators; members never get them).
inline bool ChoosesNewTicketAlerts(const auth::Principal& p) { return p.IsVolunteer(); }

// What an unsubscribe link is about, for its confirmation page.
struct UnsubscribeTarget {
  int64_t user_id = 0;
  std::string email;
  Topic topic = Topic::kNotifications;
};

class PreferenceService {
 public:
  // `reply_addresses`: mail.reply_address is set (the settings page then offers to revoke them).
  PreferenceService(store::Pool& pool, const core::Clock& clock, const UnsubscribeTokens& tokens,
                    bool reply_addresses = false)
      : pool_(pool), clock_(clock), tokens_(tokens), reply_addresses_(reply_addresses) {}
  bool reply_addresses() const { return reply_addresses_; }

  // A person reads and changes their own settings only: kUnauthenticated without `who`, kPermissionDenied for
  // another person's. Digest values: "off", "daily" or "weekly"; a digest `who` cannot receive (DigestsFor)
  // keeps its stored value whatever `settings` says; so do new-ticket alerts ("off", "urgent" or "all") for someone
  // who does not choose them (ChoosesNewTicketAlerts).
  core::StatusOr<MailSettings> Get(const auth::Principal* who);
  core::Status Save(const auth::Principal* who, const MailSettings& settings);
  // Revokes every reply address (tickets/reply_tokens.h) of `who`: replies to the mails they received so far are
  // refused. Returns how many were revoked. kUnauthenticated without `who`.
  core::StatusOr<int64_t> RevokeReplyAddresses(const auth::Principal* who);

  core::StatusOr<UnsubscribeTarget> Check(const std::string& token);
  // Turns the token's topic off (notifications off, new-ticket alerts off, or that digest off). Doing it twice is
  // fine.
  core::StatusOr<UnsubscribeTarget> Unsubscribe(const std::string& token);

 private:
  store::Pool& pool_;
  const core::Clock& clock_;
  const UnsubscribeTokens& tokens_;
  bool reply_addresses_;
};

}  // namespace entraide::mail
