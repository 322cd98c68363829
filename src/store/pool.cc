#include "store/pool.h"

namespace entraide::store {

StatusOr<Pool::Lease> Pool::Acquire() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!free_.empty()) {
      auto db = std::move(free_.back());
      free_.pop_back();
      return Lease(*this, std::move(db));
    }
  }
  auto db = Database::Open(path_, options_);
  if (!db.ok()) return db.status();
  shared_.store(&(*db)->shared(), std::memory_order_release);
  return Lease(*this, std::move(db).value());
}

void Pool::Release(std::unique_ptr<Database> db) {
  db->CountUse();  // outside the pool's lock: it may run PRAGMA optimize
  std::lock_guard<std::mutex> lock(mu_);
  free_.push_back(std::move(db));
}

}  // namespace entraide::store
