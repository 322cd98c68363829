#include "app/index_worker.h"

#include <chrono>

#include "core/log.h"
#include "kb/search_sync.h"
#include "search/index.h"
#include "store/article_repo.h"
#include "store/database.h"

namespace entraide::app {

IndexWorker::IndexWorker(std::string db_path, std::string data_dir, const search::Resources& resources, int poll_ms)
    : db_path_(std::move(db_path)), data_dir_(std::move(data_dir)), resources_(resources), poll_ms_(poll_ms) {}

IndexWorker::~IndexWorker() { Stop(); }

void IndexWorker::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { Run(); });
}

void IndexWorker::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void IndexWorker::Poke() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    poked_ = true;
    idle_ = false;
  }
  cv_.notify_all();
}

bool IndexWorker::WaitIdle(int timeout_ms) {
  std::unique_lock<std::mutex> lock(mu_);
  return idle_cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [this] { return idle_ && !poked_; });
}

void IndexWorker::Run() {
  auto db = store::Database::Open(db_path_);
  if (!db.ok()) {
    core::LogError("index worker: " + db.status().message());
    return;
  }
  while (true) {
    bool idle = false;
    if (!search::IndexExists(data_dir_)) {
      core::LogInfo(search::StubExists(data_dir_) ? "search: the index is missing (deleted?), rebuilding it"
                                                  : "search: no index yet, building one");
      auto start = std::chrono::steady_clock::now();
      auto n = kb::RebuildIndex(**db, data_dir_, resources_, nullptr, false);
      if (n.ok()) {
        auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
        core::LogInfo("search: index built with " + std::to_string(*n) + " documents in " + std::to_string(ms.count()) +
                      " ms");
      } else if (n.status().code() != core::StatusCode::kUnavailable) {
        core::LogError("search: rebuild failed: " + n.status().message());
      }
    } else {
      if (ready_hook_) {
        ready_hook_();
        ready_hook_ = nullptr;
      }
      auto r = kb::DrainIndexQueue(**db, data_dir_, resources_);
      if (!r.ok() && r.status().code() != core::StatusCode::kUnavailable)
        core::LogError("search: index update failed: " + r.status().message());
      if (r.ok() && (r->indexed || r->deleted))
        core::LogInfo("search: " + std::to_string(r->indexed) + " indexed, " + std::to_string(r->deleted) + " removed");
      auto left = store::IndexQueue(**db).Count();
      idle = r.ok() && left.ok() && *left == 0;
    }
    std::unique_lock<std::mutex> lock(mu_);
    if (idle && !poked_) {
      idle_ = true;
      idle_cv_.notify_all();
    }
    if (!poked_) cv_.wait_for(lock, std::chrono::milliseconds(poll_ms_), [this] { return stop_ || poked_; });
    if (stop_) return;
    poked_ = false;
  }
}

}  // namespace entraide::app
