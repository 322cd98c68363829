// The page behind the confirmation link of a ticket written by mail (inbox::Receiver): GET shows the request
// (subject, text, the author's groups to choose from when several), POST opens the ticket. The link is the proof
// (sent to the person's own address, single use, 7 days); no session is needed. Scanners only look (GET).
#pragma once

#include "http/router.h"
#include "http/services.h"

namespace entraide::http {

void RegisterMailIn(Router& router, const Services& services);

}  // namespace entraide::http
