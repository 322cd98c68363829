// Policy: the one place that decides who may do what, always with the object in hand. Handlers call it;
// they never test roles themselves. Pure functions; thread-safe.
//
//  - coordinators administer groups, people and categories, and do everything volunteers do;
//  - volunteers (and coordinators) see the triage queue and every group's tickets;
//  - members see and act on the tickets of their own groups only;
//  - volunteers write drafts of articles and propose changes; coordinators and the volunteers they named
//    editors publish them.
#pragma once

#include <cstdint>

#include "auth/principal.h"
#include "core/status.h"

namespace entraide::auth {

enum class Action {
  kAdminister,      // groups, people, categories
  kTriage,          // the queue, claiming, internal notes, status changes
  kReadGroupItem,   // a ticket (or attachment) belonging to a group
  kActForGroup,     // open a ticket for a group, reply as the group
  kWriteArticle,    // the library's editor, drafts, proposals, history, the review and translation lists
  kPublishArticle,  // publish or decline a waiting revision, publish at once, restore
};

// `who` may be null (not signed in). `group_id` is the object's group, where the action has one.
bool Allows(const Principal* who, Action action, int64_t group_id = 0);
// kUnauthenticated when nobody is signed in, kPermissionDenied when the action is not allowed.
core::Status Require(const Principal* who, Action action, int64_t group_id = 0);

}  // namespace entraide::auth
