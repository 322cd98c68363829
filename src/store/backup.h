// CopyDatabase: a consistent copy of a live database, made with SQLite's online backup API. The copy is read
// in one read transaction, so it holds exactly the transactions committed when it started; in WAL mode the
// writers of other connections and processes go on meanwhile (serve keeps answering). The copy is one
// self-contained file in rollback-journal mode (no -wal or -shm to carry along), written and synced before
// CopyDatabase returns. Thread-compatible: `source` is used by this call alone while it runs.
#pragma once

#include <string>

#include "store/database.h"

namespace entraide::store {

// Copies `source` into `dest_path`, which must not exist. kAlreadyExists when it does; kUnavailable when the
// source stays locked for 30 s or the destination cannot be written (disk full, permissions: named).
Status CopyDatabase(Database& source, const std::string& dest_path);

}  // namespace entraide::store
