// export-content: the library as files again, for git. Writes every published article (front-matter drafts
// included) as the text of the revision it serves — byte for byte what import read, for an article that came
// from a file and was not edited online — at its file's path (or {lang}/{slug}.md for one written online),
// and categories.yml as last imported. Importing the folder it wrote changes nothing. Not thread-safe.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "kb/content.h"
#include "store/database.h"

namespace entraide::kb {

struct ExportReport {
  int written = 0, unchanged = 0;  // files written (new or different), files already identical
  std::vector<std::string> extra;  // {en,fr}/*.md in the folder that are not in the library (left in place)
  std::vector<Problem> problems;   // articles that could not be written (path, reason)
  std::string Summary() const;     // "3 written, 38 unchanged, 1 not in the library"
};

core::StatusOr<ExportReport> ExportContent(store::Database& db, const std::string& dir);

}  // namespace entraide::kb
