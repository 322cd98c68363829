#include "mail/preferences.h"

#include "store/account_repo.h"
#include "store/mail_repo.h"
#include "store/pool.h"

namespace entraide::mail {
namespace {

core::Status CheckFrequency(const std::string& field, const std::string& v) {
  if (v == "off" || v == "daily" || v == "weekly") return core::Status::Ok();
  return core::InvalidField(field, "must be off, daily or weekly");
}

}  // namespace

std::vector<std::string> DigestsFor(const auth::Principal& p) {
  std::vector<std::string> out;
  if (p.IsVolunteer()) out.push_back("volunteer_digest");
  if (!p.IsVolunteer() || !p.groups.empty()) out.push_back("group_digest");
  if (p.IsCoordinator()) out.push_back("coordinator_summary");
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
  ENTRAIDE_RETURN_IF_ERROR(CheckFrequency("volunteer_digest", asked.volunteer_digest));
  ENTRAIDE_RETURN_IF_ERROR(CheckFrequency("group_digest", asked.group_digest));
  ENTRAIDE_RETURN_IF_ERROR(CheckFrequency("coordinator_summary", asked.coordinator_summary));
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::MailRepository repo(**db);
  auto stored = repo.Settings(who->user_id);
  if (!stored.ok()) return stored.status();
  MailSettings s = *stored;
  s.notifications = asked.notifications;
  for (const auto& name : DigestsFor(*who)) {
    if (name == "volunteer_digest") s.volunteer_digest = asked.volunteer_digest;
    if (name == "group_digest") s.group_digest = asked.group_digest;
    if (name == "coordinator_summary") s.coordinator_summary = asked.coordinator_summary;
  }
  return repo.SaveSettings(s, clock_.NowSeconds());
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
  switch (target->topic) {
    case Topic::kNotifications:
      s->notifications = false;
      break;
    case Topic::kVolunteerDigest:
      s->volunteer_digest = "off";
      break;
    case Topic::kGroupDigest:
      s->group_digest = "off";
      break;
    case Topic::kCoordinatorSummary:
      s->coordinator_summary = "off";
      break;
    case Topic::kTransactional:
      break;
  }
  ENTRAIDE_RETURN_IF_ERROR(repo.SaveSettings(*s, clock_.NowSeconds()));
  ENTRAIDE_RETURN_IF_ERROR((*tx)->Commit());
  return target;
}

}  // namespace entraide::mail
