#include "tickets/category_service.h"

#include "auth/checks.h"
#include "auth/policy.h"
#include "store/account_repo.h"
#include "store/pool.h"

namespace entraide::tickets {

CategoryService::CategoryService(store::Pool& pool) : pool_(pool) {}

core::StatusOr<std::vector<model::TicketCategory>> CategoryService::List(bool include_inactive) {
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  return store::AccountRepository(**db).TicketCategories(include_inactive);
}

core::Status CategoryService::Save(const auth::Principal& by, const model::TicketCategory& c) {
  ENTRAIDE_RETURN_IF_ERROR(auth::Require(&by, auth::Action::kAdminister));
  ENTRAIDE_RETURN_IF_ERROR(auth::CheckSlug(c.slug));
  ENTRAIDE_RETURN_IF_ERROR(auth::CheckName(c.name_en));
  ENTRAIDE_RETURN_IF_ERROR(auth::CheckName(c.name_fr));
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  return store::AccountRepository(**db).UpsertTicketCategory(c);
}

}  // namespace entraide::tickets
