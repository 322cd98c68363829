#include "kb/search_sync.h"

#include <algorithm>
#include <tuple>

#include "core/clock.h"
#include "core/strings.h"
#include "search/index.h"
#include "store/ticket_repo.h"

namespace entraide::kb {

search::Document ArticleDocument(const model::Article& a) {
  search::Document d;
  d.id = "article:" + std::to_string(a.id);
  d.kind = "article";
  d.lang = a.lang;
  d.key = a.key;
  d.slug = a.slug;
  d.title = a.title;
  d.summary = a.summary;
  d.body = a.plain;
  d.category = a.category;
  d.url = "/" + a.lang + "/articles/" + a.slug;
  d.updated = a.updated;
  d.tags = a.tags;
  return d;
}

search::Document QuestionDocument(const model::Question& q) {
  search::Document d;
  d.id = "question:" + std::to_string(q.id);
  d.kind = "question";
  d.lang = q.lang;
  d.key = "question-" + std::to_string(q.id);
  d.slug = q.slug;
  d.title = q.title;
  d.summary = q.question.size() > 240 ? std::string(core::Utf8Prefix(q.question, 240)) + "…" : q.question;
  d.body = q.question + "\n\n" + q.answer;
  d.category = "";
  d.url = "/" + q.lang + "/questions/" + q.slug;
  d.updated = core::FormatIso8601Utc(q.created_at).substr(0, 10);
  return d;
}

core::StatusOr<SyncReport> DrainIndexQueue(store::Database& db, const std::string& data_dir,
                                           const search::Resources& resources) {
  SyncReport report;
  store::IndexQueue queue(db);
  auto pending = queue.Pending(1000);
  if (!pending.ok()) return pending.status();
  if (pending->empty()) return report;
  auto indexer = search::Indexer::Open(data_dir, resources);
  if (!indexer.ok()) return indexer.status();
  store::ArticleRepository repo(db);
  while (!pending->empty()) {
    int64_t last = 0;
    // Articles to add or update, applied after the batch's deletions by item (key, then language): new items
    // then get their versions' docids side by side, as a rebuild gives them (see search::Rebuild).
    std::vector<search::Document> upserts;
    for (const auto& item : *pending) {
      last = item.id;
      if (item.kind == "question") {
        auto q = store::TicketRepository(db).FindQuestionById(item.item_id);
        if (!q.ok()) return q.status();
        if (*q && (*q)->published) {
          ENTRAIDE_RETURN_IF_ERROR((*indexer)->Upsert(QuestionDocument(**q)));
          ++report.indexed;
        } else {
          ENTRAIDE_RETURN_IF_ERROR((*indexer)->Delete("question:" + std::to_string(item.item_id)));
          ++report.deleted;
        }
        continue;
      }
      if (item.kind != "article") continue;
      auto a = repo.FindById(item.item_id);
      if (!a.ok()) return a.status();
      std::string id = "article:" + std::to_string(item.item_id);
      if (*a && (*a)->published && !(*a)->draft) {
        upserts.push_back(ArticleDocument(**a));
      } else {
        ENTRAIDE_RETURN_IF_ERROR((*indexer)->Delete(id));
        ++report.deleted;
      }
    }
    std::sort(upserts.begin(), upserts.end(), [](const search::Document& x, const search::Document& y) {
      return std::tie(x.key, x.lang, x.id) < std::tie(y.key, y.lang, y.id);
    });
    for (size_t i = 0; i < upserts.size(); ++i) {
      if (i > 0 && upserts[i].id == upserts[i - 1].id) continue;  // queued twice in the batch
      ENTRAIDE_RETURN_IF_ERROR((*indexer)->Upsert(upserts[i]));
      ++report.indexed;
    }
    // Commit the index before forgetting the rows: a crash in between only means doing them again.
    ENTRAIDE_RETURN_IF_ERROR((*indexer)->Commit());
    ENTRAIDE_RETURN_IF_ERROR(queue.DeleteUpTo(last));
    pending = queue.Pending(1000);
    if (!pending.ok()) return pending.status();
  }
  return report;
}

core::StatusOr<int> RebuildIndex(store::Database& db, const std::string& data_dir, const search::Resources& resources,
                                 const std::function<void(int, int)>& progress, bool wait_for_lock) {
  auto rebuild = search::Rebuild::Begin(data_dir, resources, wait_for_lock);
  if (!rebuild.ok()) return rebuild.status();
  store::IndexQueue queue(db);
  auto max_id = queue.MaxId();  // everything queued so far is covered by reading the articles now
  if (!max_id.ok()) return max_id.status();
  store::ArticleRepository repo(db);
  int total = 0, done = 0;
  ENTRAIDE_RETURN_IF_ERROR(repo.ForEachServed(
      [&](const model::Article& a) {
        ENTRAIDE_RETURN_IF_ERROR((*rebuild)->Add(ArticleDocument(a)));
        ++done;
        if (progress) progress(done, total);
        return core::Status::Ok();
      },
      [&](size_t n) { total = static_cast<int>(n); }));
  store::TicketRepository tickets(db);
  auto questions = tickets.PublishedQuestionIds();
  if (!questions.ok()) return questions.status();
  total += static_cast<int>(questions->size());
  for (int64_t id : *questions) {
    auto q = tickets.FindQuestionById(id);
    if (!q.ok()) return q.status();
    if (!*q) continue;
    ENTRAIDE_RETURN_IF_ERROR((*rebuild)->Add(QuestionDocument(**q)));
    ++done;
    if (progress) progress(done, total);
  }
  ENTRAIDE_RETURN_IF_ERROR((*rebuild)->Finish());
  ENTRAIDE_RETURN_IF_ERROR(queue.DeleteUpTo(*max_id));
  return done;
}

}  // namespace entraide::kb
