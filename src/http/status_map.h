// The one mapping from a service's Status to an HTTP status code and an API error code.
#pragma once

#include <string>

#include "core/status.h"
#include "http/message.h"

namespace entraide::http {

int HttpStatusFor(const core::Status& status);
// {"error": {"code": "...", "message": "...", "fields": [field]}} ("fields" only when `field` is given).
Response JsonError(int http_status, const std::string& code, const std::string& message, const std::string& field = "");
// The same from a service's Status: its mapped HTTP status, its code's name, its message and its field().
// A 5xx's message stays in the log (LogServiceError); the answer says only that it failed.
Response JsonError(const core::Status& status);
// Logs a service's failure (its code and message, under the current request id): the one place where the
// detail of an unavailable store or an internal error goes, since answers never carry it.
void LogServiceError(const core::Status& status);

}  // namespace entraide::http
