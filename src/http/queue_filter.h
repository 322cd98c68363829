// The queue's filters read from a query string: the one parser of the HTML queue (/{lang}/queue, which shows a
// refusal on the page with a 400) and the API (/api/v1/queue, 422). Pure function; thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"
#include "http/message.h"
#include "tickets/ticket_service.h"

namespace entraide::http {

struct QueueQuery {
  tickets::TicketFilter filter;
  std::string assignee;  // as asked: "", "me", "none" or an id
  int page = 1;
};

// Reads status, category, urgency, assignee ("me", "none" or a user id), group (an id), page (1 to 10000) and
// the tickets' language from `lang_key` ("lang" in the API, "ticket_lang" on the page, whose own {lang} is the
// page's). `me`: the user id "me" stands for. Pages of `page_size` rows (filter.offset; filter.limit is left as
// it is). kInvalidArgument naming the field, with a catalog key (error_queue_<field>), for a value it cannot read.
core::StatusOr<QueueQuery> ParseQueueQuery(const Request& req, int64_t me, const std::string& lang_key, int page_size);

}  // namespace entraide::http
