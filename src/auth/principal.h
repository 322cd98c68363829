// Principal: who is acting, as the rest of the program sees them after authentication. Value type.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace entraide::auth {

struct GroupRef {
  int64_t id = 0;
  std::string slug, name, lang;
};

struct Principal {
  int64_t user_id = 0;
  std::string email, name, role, lang;
  std::vector<GroupRef> groups;

  bool IsCoordinator() const { return role == "coordinator"; }
  bool IsVolunteer() const { return role == "volunteer" || role == "coordinator"; }
  bool InGroup(int64_t group_id) const {
    return std::any_of(groups.begin(), groups.end(), [&](const GroupRef& g) { return g.id == group_id; });
  }
};

}  // namespace entraide::auth
