// Reading rows from a cached Statement into values: AllRows collects every row, OneRow the first (or none),
// EachRow hands each row to `fn(Statement&)` as it comes (nothing collected: 100,000 rows stream).
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

template <typename Fn>
Status EachRow(Statement* st, Fn fn) {
  StatementScope q(st);
  while (true) {
    auto row = q->Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::Ok();
    fn(*q);
  }
}

}  // namespace entraide::store
