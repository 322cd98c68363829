// A person, a group, a help desk category, and the administration's searches of people and groups.
// Plain values (std only, no SQLite, no Xapian): store/ and search/ fill them, services hand them to
// http/ and app/. See docs/ARCHITECTURE.md, "model/".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace entraide::model {

struct User {
  int64_t id = 0;
  std::string email, name, role, lang;
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
  std::string role;  // empty: any
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
