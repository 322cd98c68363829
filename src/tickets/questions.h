// QuestionService: an answered ticket published as a question and its answer (a page under /questions/ and a
// search result). Publishing is for volunteers (auth::Policy's kTriage) on a ticket they may see that is
// resolved or closed, once per ticket; the texts are checked and rendered once, when published, and the search
// index is told in the same transaction (index_queue). Thread-safe (each call takes its own connection).
//
// Statuses: kUnauthenticated; kNotFound (a ticket the caller may not see); kPermissionDenied (not a
// volunteer); kConflict (not resolved yet, or published already); kInvalidArgument or kTooLarge naming the
// field (title, question, answer).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "auth/principal.h"
#include "core/clock.h"
#include "core/status.h"
#include "model/ticket.h"
#include "tickets/rules.h"

namespace entraide::store {
class Pool;
}  // namespace entraide::store

namespace entraide::tickets {

class QuestionService {
 public:
  QuestionService(store::Pool& pool, const core::Clock& clock, TextLimits limits = {})
      : pool_(pool), clock_(clock), limits_(limits) {}

  // Publishes ticket `id` as `title`, with `question` and `answer` (Markdown); the slug is the title's, then the
  // ticket's id.
  core::StatusOr<model::Question> Publish(const auth::Principal* who, int64_t id, const std::string& title,
                                          const std::string& question, const std::string& answer);
  // The published question `slug` in `lang`; nullopt when there is none. Public: no caller needed.
  core::StatusOr<std::optional<model::Question>> Find(const std::string& lang, const std::string& slug);

 private:
  store::Pool& pool_;
  const core::Clock& clock_;
  TextLimits limits_;
};

}  // namespace entraide::tickets
