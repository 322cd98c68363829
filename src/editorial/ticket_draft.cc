// Placeholder until drafts from tickets land (helper "draft" replaces this file).
#include "editorial/ticket_draft.h"

namespace entraide::editorial {
core::StatusOr<TicketDraft> DraftFromTicket(store::Pool&, const auth::Principal*, int64_t, const std::string&,
                                            const DraftWords&) {
  return core::Unavailable("not yet");
}
}  // namespace entraide::editorial
