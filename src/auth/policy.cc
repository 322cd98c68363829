#include "auth/policy.h"

namespace entraide::auth {

bool Allows(const Principal* who, Action action, int64_t group_id) {
  if (!who) return false;
  switch (action) {
    case Action::kAdminister:
      return who->IsCoordinator();
    case Action::kTriage:
      return who->IsVolunteer();
    case Action::kReadGroupItem:
      return who->IsVolunteer() || who->InGroup(group_id);
    case Action::kActForGroup:
      return who->InGroup(group_id);
    case Action::kWriteArticle:
      return who->IsVolunteer();
    case Action::kPublishArticle:
      return who->IsCoordinator() || (who->IsVolunteer() && who->editor);
  }
  return false;
}

core::Status Require(const Principal* who, Action action, int64_t group_id) {
  if (!who) return core::Unauthenticated("sign in first");
  if (!Allows(who, action, group_id)) return core::PermissionDenied("not allowed");
  return core::Status::Ok();
}

}  // namespace entraide::auth
