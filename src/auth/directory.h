// Directory: the people and groups of the network. Administration (coordinators: searches, a person's or a
// group's page, invitations, roles, memberships, groups), the command line's user and group commands (as
// Principal::System(), which the policy treats as a coordinator) and a person's own profile.
// Every invitation is a mail queued in the same transaction as the person it invites.
// Thread-safe (each call takes its own connection from the Pool). Sessions and sign-in: auth::SessionService.
//
// Statuses: kPermissionDenied for anyone but a coordinator (auth::Require), kInvalidArgument naming the field,
// kAlreadyExists for a taken email or group slug, kNotFound for an unknown person or group, kUnavailable when
// the store is busy or no turn to hash a password came in time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "auth/links.h"
#include "auth/options.h"
#include "auth/password_hasher.h"
#include "auth/principal.h"
#include "core/clock.h"
#include "core/status.h"
#include "model/account.h"

namespace entraide::store {
class Pool;
class AccountRepository;
}  // namespace entraide::store

namespace entraide::auth {

struct UserView {
  model::User user;
  std::vector<model::Group> groups;
};

using Group = model::Group;
using GroupCount = model::GroupCount;  // a group and how many people are in it

// The administration lists show this many rows a page.
inline constexpr int kAdminPageSize = 50;

// A page of people (with their groups) or of groups (with their member counts), `total` matching in all;
// `page` is the one asked for, brought within 1..pages.
struct PeoplePage {
  std::vector<UserView> people;
  int64_t total = 0;
  int page = 1, pages = 1;
};
struct GroupsPage {
  std::vector<GroupCount> groups;
  int64_t total = 0;
  int page = 1, pages = 1;
};
struct GroupMembers {
  GroupCount group;
  std::vector<model::User> members;  // one page of them
  int page = 1, pages = 1;
};

class Directory {
 public:
  Directory(store::Pool& pool, const core::Clock& clock, PasswordHasher& hasher, AuthOptions options);

  // A new person, invited by email (the link lasts options.invitation_s).
  core::StatusOr<int64_t> Invite(const Principal& by, const std::string& email, const std::string& name,
                                 model::Role role, const std::vector<int64_t>& group_ids, const std::string& lang);
  // A new person in the groups of `group_slugs` (`entraide user add`): with `password` (checked as on the site)
  // they can sign in at once; without it an invitation is queued.
  core::StatusOr<int64_t> AddPerson(const Principal& by, const std::string& email, const std::string& name,
                                    model::Role role, const std::vector<std::string>& group_slugs,
                                    const std::string& lang, const std::optional<std::string>& password);

  // Searches fold accents and case, and every word of `q` must match (people: name or email; groups: name or
  // slug): kInvalidArgument naming `q` over 200 bytes or 8 words. `role`: none for any.
  core::StatusOr<PeoplePage> FindPeople(const Principal& by, const std::string& q, std::optional<model::Role> role,
                                        int page);
  core::StatusOr<GroupsPage> FindGroups(const Principal& by, const std::string& q, int page);
  // The groups `person` is not in that match `q` (none for an empty q), the first `limit` of them.
  core::StatusOr<GroupsPage> GroupsToJoin(const Principal& by, int64_t person, const std::string& q, int limit);
  // Everyone, with their groups (`entraide user list`).
  core::StatusOr<std::vector<UserView>> ListPeople(const Principal& by);
  core::StatusOr<UserView> Person(const Principal& by, int64_t id);
  core::StatusOr<GroupMembers> GroupWithMembers(const Principal& by, int64_t id, int page);
  // Role and active state (groups: SetMembership). Nobody removes their own coordinator access. Deactivating ends
  // the person's sessions and revokes their reply addresses (store/reply_token_repo.h).
  core::Status UpdatePerson(const Principal& by, int64_t id, model::Role role, bool active);
  // Names a volunteer editor (they publish articles) or takes it back (coordinators only). kInvalidArgument on
  // "editor" for a member (volunteers only; a coordinator publishes anyway) or an erased person.
  core::Status SetEditor(const Principal& by, int64_t id, bool editor);
  // Adds `person` to `group` (`member`) or takes them out; doing it twice changes nothing.
  core::Status SetMembership(const Principal& by, int64_t person, int64_t group, bool member);

  // Every group (anyone may list them: the ticket forms offer them).
  core::StatusOr<std::vector<Group>> ListGroups();
  core::StatusOr<int64_t> CreateGroup(const Principal& by, const std::string& slug, const std::string& name,
                                      const std::string& lang);
  core::Status UpdateGroup(const Principal& by, int64_t id, const std::string& name, const std::string& lang,
                           bool active);

  // `who`'s own name and language (the account page).
  core::Status UpdateProfile(const Principal& who, const std::string& name, const std::string& lang);

 private:
  // Invite and AddPerson: one of group_ids or group_slugs (resolved in the transaction); no password: an
  // invitation is queued.
  struct NewPerson {
    std::string email, name;
    model::Role role;
    std::vector<int64_t> group_ids;
    std::vector<std::string> group_slugs;
    std::string lang;
    std::optional<std::string> password;
  };
  core::StatusOr<int64_t> Add(const Principal& by, const NewPerson& p);
  // Checks, creates and (`invite`) invites, in the caller's transaction. `password_hash`: made beforehand,
  // outside the transaction (see PasswordHasher).
  core::StatusOr<int64_t> CreatePerson(store::AccountRepository& repo, const std::string& email,
                                       const std::string& name, model::Role role, const std::vector<int64_t>& group_ids,
                                       const std::string& lang, const std::optional<std::string>& password_hash,
                                       bool invite);

  store::Pool& pool_;
  const core::Clock& clock_;
  PasswordHasher& hasher_;
  AuthOptions options_;
  Links links_;
};

}  // namespace entraide::auth
