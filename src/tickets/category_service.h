// CategoryService: the help desk's ticket categories (a slug, an English and a French name, a position, active or
// not). Anyone may list them (the ticket forms); coordinators save them. Thread-safe (each call takes its own
// connection from the Pool).
#pragma once

#include <vector>

#include "auth/principal.h"
#include "core/status.h"
#include "model/account.h"

namespace entraide::store {
class Pool;
}  // namespace entraide::store

namespace entraide::tickets {

class CategoryService {
 public:
  explicit CategoryService(store::Pool& pool);

  // By position; the inactive ones too when `include_inactive`.
  core::StatusOr<std::vector<model::TicketCategory>> List(bool include_inactive);
  // Adds the category or changes the one with its slug. kPermissionDenied for anyone but a coordinator;
  // kInvalidArgument naming "slug" or "name".
  core::Status Save(const auth::Principal& by, const model::TicketCategory& category);

 private:
  store::Pool& pool_;
};

}  // namespace entraide::tickets
