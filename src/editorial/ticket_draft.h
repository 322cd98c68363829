// From a solved ticket to a draft article: the editor's first text, made from the ticket's question and its
// public answers (never internal notes), with personal data removed (scrub.h) before anyone sees it. The names
// scrubbed are the ticket's people (who opened it, who wrote in it) and its group's name and members; the
// sites are the domains of the group's members' own addresses (not the big public mail providers) and any
// address named in the ticket whose host holds the group's slug. Thread-safe.
//
// Statuses: kUnauthenticated; kPermissionDenied (not a volunteer: auth::Policy kWriteArticle); kNotFound (no
// such ticket, or one the caller may not see); kConflict (the ticket is not resolved or closed yet, or its text
// was removed by the retention rule).
#pragma once

#include <cstdint>
#include <string>

#include "auth/principal.h"
#include "core/status.h"
#include "editorial/scrub.h"
#include "model/editorial.h"

namespace entraide::store {
class Pool;
}  // namespace entraide::store
namespace entraide::i18n {
class Catalog;
}  // namespace entraide::i18n

namespace entraide::editorial {

struct TicketDraft {
  model::ArticleFields fields;  // lang as asked; title from the subject; body: the question, then the answers
  int64_t ticket_id = 0;
  std::string ticket_ref;
  ScrubCounts removed;  // what was taken out, shown to the volunteer above the editor
};

// The words the draft is made with, in its language (the catalog's): what replaces each kind of data removed,
// and the body's two headings.
struct DraftWords {
  ScrubPlaceholders placeholders;
  std::string question_heading = "Question", answer_heading = "Answer";
};
// The words of the catalog `t` (draft_placeholder_email, _phone, _postal_code, _name, _site,
// draft_question_heading, draft_answer_heading).
DraftWords DraftWordsIn(const i18n::Catalog& t);

// `lang` is the draft's language (the volunteer chooses; the ticket's text stays in the language it was written
// in; kInvalidArgument "lang" for another). The question is the ticket's description with the group's own public
// follow-ups after it (they are the question made clearer); the answers are the public replies of volunteers and
// coordinators, in order; status changes and internal notes are left out. Key and slug: the scrubbed title,
// slugified; summary and category empty (the volunteer picks).
core::StatusOr<TicketDraft> DraftFromTicket(store::Pool& pool, const auth::Principal* who, int64_t ticket_id,
                                            const std::string& lang, const DraftWords& words);

}  // namespace entraide::editorial
