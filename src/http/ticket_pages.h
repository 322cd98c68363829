// The help desk pages (/{lang}/tickets..., /{lang}/queue, /{lang}/questions/{slug}) and its API
// (/api/v1/tickets..., /api/v1/queue). Thin handlers over tickets::TicketService, which authorizes every
// call with the ticket in hand.
#pragma once

#include "http/router.h"
#include "http/services.h"

namespace entraide::http {

void RegisterTickets(Router& router, const Services& services);

}  // namespace entraide::http
