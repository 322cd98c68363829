#include "tickets/questions.h"

#include "auth/policy.h"
#include "core/strings.h"
#include "store/article_repo.h"
#include "store/pool.h"
#include "store/ticket_repo.h"

namespace entraide::tickets {

core::StatusOr<model::Question> QuestionService::Publish(const auth::Principal* who, int64_t id,
                                                         const std::string& title, const std::string& question,
                                                         const std::string& answer) {
  ENTRAIDE_RETURN_IF_ERROR(CheckText(title, "title", 200));
  ENTRAIDE_RETURN_IF_ERROR(CheckText(question, "question", limits_.max_bytes));
  ENTRAIDE_RETURN_IF_ERROR(CheckText(answer, "answer", limits_.max_bytes));
  auto qhtml = RenderText(question, "question", limits_);
  if (!qhtml.ok()) return qhtml.status();
  auto ahtml = RenderText(answer, "answer", limits_);
  if (!ahtml.ok()) return ahtml.status();
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::TicketRepository repo(**db);
  int64_t now = clock_.NowSeconds();
  model::Question q;
  ENTRAIDE_RETURN_IF_ERROR(store::InTransaction(**db, [&]() -> core::Status {
    auto t = LoadVisible(repo, who, id);
    if (!t.ok()) return t.status();
    ENTRAIDE_RETURN_IF_ERROR(auth::Require(who, auth::Action::kTriage));
    if (!model::IsFinished(t->status))
      return core::Conflict("only a resolved ticket can be published as an answered question");
    auto existing = repo.QuestionOfTicket(id);
    if (!existing.ok()) return existing.status();
    if (*existing) return core::Conflict("this ticket is already published");
    q.ticket_id = id;
    q.lang = t->lang;
    std::string base = core::Slugify(title);
    if (base.empty()) base = "question";
    q.slug = base + "-" + std::to_string(id);
    q.title = std::string(core::Trim(title));
    q.question = question;
    q.answer = answer;
    q.question_html = *qhtml;
    q.answer_html = *ahtml;
    q.category = t->category;
    q.published_by = who->user_id;
    q.created_at = now;
    auto qid = repo.CreateQuestion(q);
    if (!qid.ok()) return qid.status();
    q.id = *qid;
    // The search index follows the store: queued in the same transaction.
    ENTRAIDE_RETURN_IF_ERROR(store::IndexQueue(**db).Enqueue("question", q.id));
    auto ev = repo.AddEvent(model::TicketEvent::Of(id, "published", now).By(who->user_id).Change("", q.slug));
    return ev.ok() ? core::Status::Ok() : ev.status();
  }));
  return q;
}

core::StatusOr<std::optional<model::Question>> QuestionService::Find(const std::string& lang, const std::string& slug) {
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  return store::TicketRepository(**db).FindQuestion(lang, slug);
}

}  // namespace entraide::tickets
