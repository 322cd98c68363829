// Principal: who is acting, as the rest of the program sees them after authentication. Value type.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "model/account.h"

namespace entraide::auth {

struct GroupRef {
  int64_t id = 0;
  std::string slug, name, lang;
};

struct Principal {
  int64_t user_id = 0;
  std::string email, name;
  model::Role role = model::Role::kMember;
  std::string lang;
  std::vector<GroupRef> groups;
  bool editor = false;  // a volunteer a coordinator named editor: publishes articles

  // The operator of the machine: the command line acts as a coordinator who is nobody in the database (user_id
  // 0), through the same service methods, checks and policy as the pages. Only app/cli_*.cc make one
  // (tests/architecture_test.cc checks that no other file of src/ does).
  static Principal System() {
    Principal p;
    p.role = model::Role::kCoordinator;
    return p;
  }

  bool IsCoordinator() const { return role == model::Role::kCoordinator; }
  bool IsVolunteer() const { return model::IsVolunteerOrMore(role); }
  bool InGroup(int64_t group_id) const {
    return std::any_of(groups.begin(), groups.end(), [&](const GroupRef& g) { return g.id == group_id; });
  }
};

}  // namespace entraide::auth
