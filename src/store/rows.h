// Reading rows from a cached Statement into values: AllRows collects every row, OneRow the first (or none).
// The statement is reset afterwards, whatever happens. `read(Statement&)` turns the current row into a T.
#pragma once

#include <optional>
#include <vector>

#include "store/database.h"

namespace entraide::store {

template <typename T, typename Reader>
StatusOr<std::vector<T>> AllRows(Statement* st, Reader read) {
  StatementScope q(st);
  std::vector<T> out;
  while (true) {
    auto row = q->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    out.push_back(read(*q));
  }
  return out;
}

template <typename T, typename Reader>
StatusOr<std::optional<T>> OneRow(Statement* st, Reader read) {
  StatementScope q(st);
  auto row = q->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<T>();
  return std::optional<T>(read(*q));
}

}  // namespace entraide::store
