#include "http/queue_filter.h"

#include "http/presenter.h"
#include "tickets/workflow.h"

namespace entraide::http {

core::StatusOr<QueueQuery> ParseQueueQuery(const Request& req, int64_t me, const std::string& lang_key, int page_size) {
  QueueQuery q;
  tickets::TicketFilter& f = q.filter;
  auto status = model::StatusFilter::Parse(req.Query("status"));
  if (!status) return core::InvalidField("status", "unknown status").WithKey("error_queue_status");
  f.status = *status;
  f.category = req.Query("category");
  f.urgency = req.Query("urgency");
  if (!f.urgency.empty() && !tickets::IsUrgency(f.urgency))
    return core::InvalidField("urgency", "unknown urgency").WithKey("error_queue_urgency");
  f.lang = req.Query(lang_key);
  if (!f.lang.empty() && f.lang != "en" && f.lang != "fr")
    return core::InvalidField(lang_key, "en or fr").WithKey("error_queue_lang");
  q.assignee = req.Query("assignee");
  if (q.assignee == "none") {
    f.assignee = 0;
  } else if (q.assignee == "me") {
    f.assignee = me;
  } else if (!q.assignee.empty()) {
    f.assignee = PositiveId(q.assignee);  // 0 would mean unassigned: not what "abc" asked for
    if (*f.assignee == 0)
      return core::InvalidField("assignee", "none, me or a user id").WithKey("error_queue_assignee");
  }
  if (std::string group = req.Query("group"); !group.empty()) {
    f.group_id = PositiveId(group);
    if (*f.group_id == 0) return core::InvalidField("group", "a group id").WithKey("error_queue_group");
  }
  if (std::string page = req.Query("page"); !page.empty()) {
    int64_t n = PositiveId(page);
    if (n < 1 || n > 10000) return core::InvalidField("page", "a number from 1 to 10000").WithKey("error_queue_page");
    q.page = static_cast<int>(n);
  }
  f.offset = (q.page - 1) * page_size;
  return q;
}

}  // namespace entraide::http
