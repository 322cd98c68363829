// A person, a group, a help desk category, and the administration's searches of people and groups.
// Plain values (std only, no SQLite, no Xapian): store/ and search/ fill them, services hand them to
// http/ and app/. See docs/ARCHITECTURE.md, "model/".
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace entraide::model {

// What a person may do (auth/policy.h decides): members act for their groups, volunteers also triage every
// group's tickets, coordinators also administer. The words are the database's (users.role), the CLI's, the
// forms', the API's and the catalogs' ("role_" + word); ToString and ParseRole are the one place that turns one
// into the other.
enum class Role { kMember, kVolunteer, kCoordinator };

inline constexpr std::array<Role, 3> kRoles = {Role::kMember, Role::kVolunteer, Role::kCoordinator};

constexpr std::string_view ToString(Role r) {
  switch (r) {
    case Role::kMember:
      return "member";
    case Role::kVolunteer:
      return "volunteer";
    case Role::kCoordinator:
      return "coordinator";
  }
  return "member";
}

// kInvalidArgument on the field "role" for any other word.
inline core::StatusOr<Role> ParseRole(std::string_view word) {
  for (Role r : kRoles)
    if (ToString(r) == word) return r;
  return core::InvalidField("role", "must be member, volunteer or coordinator");
}

// Volunteers and coordinators: they see the queue and every group's tickets.
constexpr bool IsVolunteerOrMore(Role r) { return r == Role::kVolunteer || r == Role::kCoordinator; }

struct User {
  int64_t id = 0;
  std::string email, name;
  Role role = Role::kMember;
  bool editor = false;  // a volunteer named editor: publishes articles (auth::Policy kPublishArticle)
  std::string lang;
  std::optional<std::string> password_hash;
  bool active = true;
  std::string created_at;
  std::optional<int64_t> erased_at;  // `entraide erase` removed their identity (name is core::kErasedName)
};

struct Group {
  int64_t id = 0;
  std::string slug, name, lang;
  bool active = true;
};

// A search of the administration pages: every word (folded: accents off, lower case) must appear in the name or
// the email (people), or the name or the slug (groups); a page of `limit` rows from `offset`, by folded name.
struct PeopleQuery {
  std::vector<std::string> words;
  std::optional<Role> role;  // none: any
  int64_t offset = 0;
  int limit = 50;
};

struct GroupQuery {
  std::vector<std::string> words;
  int64_t not_member = 0;  // a person's id: leave out the groups they are in (0: none left out)
  int64_t offset = 0;
  int limit = 50;
};

struct GroupCount {
  Group group;
  int64_t members = 0;
};

struct TicketCategory {
  std::string slug, name_en, name_fr;
  int64_t position = 0;
  bool active = true;
};

}  // namespace entraide::model
