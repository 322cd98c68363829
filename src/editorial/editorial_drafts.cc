// EditorialService::DraftFromTicket: the free function of ticket_draft.h on the service's pool (http/ holds the
// service, never the pool). Kept out of editorial_service.cc so that file stays the service's own.
#include "editorial/editorial_service.h"
#include "editorial/ticket_draft.h"

namespace entraide::editorial {

core::StatusOr<TicketDraft> EditorialService::DraftFromTicket(const auth::Principal* who, int64_t ticket_id,
                                                              const std::string& lang, const DraftWords& words) {
  return editorial::DraftFromTicket(pool_, who, ticket_id, lang, words);
}

}  // namespace entraide::editorial
