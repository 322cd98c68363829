// The one mapping from a service's Status to an HTTP status code and an API error code.
#pragma once

#include <string>

#include "core/status.h"
#include "http/message.h"

namespace entraide::http {

int HttpStatusFor(const core::Status& status);
// {"error": {"code": "...", "message": "..."}} with the mapped status.
Response JsonError(int http_status, const std::string& code, const std::string& message);
Response JsonError(const core::Status& status);
// Logs a service's failure (its code and message, under the current request id): the one place where the
// detail of an unavailable store or an internal error goes, since answers never carry it.
void LogServiceError(const core::Status& status);

}  // namespace entraide::http
