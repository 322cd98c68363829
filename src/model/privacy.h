// What erasing a person changed.
// Plain values (std only, no SQLite, no Xapian): store/ and search/ fill them, services hand them to
// http/ and app/. See docs/ARCHITECTURE.md, "model/".
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace entraide::model {

// What erasing a person changed: rows, by kind.
struct ErasureCounts {
  int64_t mail_deleted = 0;   // messages to them (any state)
  int64_t mail_scrubbed = 0;  // messages to others that named them (their name or address replaced)
  int64_t sessions = 0, tokens = 0, take_links = 0, memberships = 0, preferences = 0;
  int64_t tickets_released = 0;             // open tickets they held, now held by nobody
  int64_t history_renamed = 0;              // "now held by" events that recorded their name
  int64_t mail_received = 0;                // messages received from them by mail: address and original removed
  std::vector<std::string> mail_originals;  // the originals' file names (under data.dir/mail-in), to delete
};

}  // namespace entraide::model
