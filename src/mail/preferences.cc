#include "mail/preferences.h"

#include "store/account_repo.h"
#include "store/mail_repo.h"
#include "store/pool.h"
#include "store/reply_token_repo.h"

namespace entraide::mail {
namespace {

core::Status CheckFrequency(const std::string& field, const std::string& v) {
  if (v == "off" || v == "daily" || v == "weekly") return core::Status::Ok();
  return core::InvalidField(field, "must be off, daily or weekly");
}

core::Status CheckAlerts(const std::string& v) {
  for (std::string_view choice : model::kNewTicketAlertChoices)
    if (v == choice) return core::Status::Ok();
  return core::InvalidField("new_ticket_alerts", "must be off, urgent or all");
}

}  // namespace

std::vector<model::DigestKind> DigestsFor(const auth::Principal& p) {
  std::vector<model::DigestKind> out;
  if (p.IsVolunteer()) out.push_back(model::DigestKind::kVolunteer);
  if (!p.IsVolunteer() || !p.groups.empty()) out.push_back(model::DigestKind::kGroup);
  if (p.IsCoordinator()) out.push_back(model::DigestKind::kCoordinator);
  return out;
}

core::StatusOr<MailSettings> PreferenceService::Get(const auth::Principal* who) {
  if (!who) return core::Unauthenticated("sign in to see your email settings");
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  return store::MailRepository(**db).Settings(who->user_id);
}

core::Status PreferenceService::Save(const auth::Principal* who, const MailSettings& asked) {
  if (!who) return core::Unauthenticated("sign in to change your email settings");
  if (asked.user_id != who->user_id) return core::PermissionDenied("these are another person's email settings");
  for (model::DigestKind d : model::kDigestKinds)
    ENTRAIDE_RETURN_IF_ERROR(CheckFrequency(std::string(model::ToString(d)), asked.Frequency(d)));
  if (ChoosesNewTicketAlerts(*who)) ENTRAIDE_RETURN_IF_ERROR(CheckAlerts(asked.new_ticket_alerts));
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::MailRepository repo(**db);
  auto stored = repo.Settings(who->user_id);
  if (!stored.ok()) return stored.status();
  MailSettings s = *stored;
  s.notifications = asked.notifications;
  for (model::DigestKind d : DigestsFor(*who)) s.Frequency(d) = asked.Frequency(d);
  if (ChoosesNewTicketAlerts(*who)) s.new_ticket_alerts = asked.new_ticket_alerts;
  return repo.SaveSettings(s, clock_.NowSeconds());
}

core::StatusOr<int64_t> PreferenceService::RevokeReplyAddresses(const auth::Principal* who) {
  if (!who) return core::Unauthenticated("sign in to revoke your reply addresses");
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  return store::ReplyTokenRepository(**db).RevokeForUser(who->user_id, clock_.NowSeconds());
}

core::StatusOr<UnsubscribeTarget> PreferenceService::Check(const std::string& token) {
  auto claim = tokens_.Verify(token);
  if (!claim.ok()) return claim.status();
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  auto user = store::AccountRepository(**db).FindUserById(claim->user_id);
  if (!user.ok()) return user.status();
  if (!*user) return core::NotFound("this person has no account any more");
  return UnsubscribeTarget{claim->user_id, (*user)->email, claim->topic};
}

core::StatusOr<UnsubscribeTarget> PreferenceService::Unsubscribe(const std::string& token) {
  auto target = Check(token);
  if (!target.ok()) return target.status();
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::MailRepository repo(**db);
  auto tx = store::Transaction::Begin(**db);
  if (!tx.ok()) return tx.status();
  auto s = repo.Settings(target->user_id);
  if (!s.ok()) return s.status();
  if (auto digest = DigestOf(target->topic))
    s->Frequency(*digest) = "off";
  else if (target->topic == Topic::kNotifications)
    s->notifications = false;
  else if (target->topic == Topic::kNewTicketAlerts)
    s->new_ticket_alerts = "off";
  ENTRAIDE_RETURN_IF_ERROR(repo.SaveSettings(*s, clock_.NowSeconds()));
  ENTRAIDE_RETURN_IF_ERROR((*tx)->Commit());
  return target;
}

}  // namespace entraide::mail
