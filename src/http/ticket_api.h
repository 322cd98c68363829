// The help desk's JSON API (/api/v1/tickets..., /api/v1/queue): thin handlers over tickets::TicketService, which
// authorizes every call with the ticket in hand. Sessions by cookie; writes need the session's token in
// X-CSRF-Token or the site's own Origin. The pages are in ticket_pages.cc; both read the queue's filters with
// ParseQueueQuery (queue_filter.h).
#pragma once

#include "http/router.h"
#include "http/services.h"

namespace entraide::http {

void RegisterTicketApi(Router& router, const Services& services);

}  // namespace entraide::http
