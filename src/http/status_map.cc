#include "http/status_map.h"

#include "core/json_writer.h"
#include "core/log.h"

namespace entraide::http {

int HttpStatusFor(const core::Status& s) {
  using core::StatusCode;
  switch (s.code()) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kInvalidArgument:
      return 422;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kAlreadyExists:
      return 409;
    case StatusCode::kConflict:
      return 409;
    case StatusCode::kPermissionDenied:
      return 403;
    case StatusCode::kUnauthenticated:
      return 401;
    case StatusCode::kResourceExhausted:
      return 429;
    case StatusCode::kTooLarge:
      return 413;
    case StatusCode::kUnavailable:
      return 503;
    case StatusCode::kDeadlineExceeded:
      return 503;
    case StatusCode::kInternal:
      return 500;
  }
  return 500;
}

Response JsonError(int http_status, const std::string& code, const std::string& message, const std::string& field) {
  core::JsonWriter w;
  w.BeginObject().Key("error").BeginObject().Field("code", code).Field("message", message);
  if (!field.empty()) w.Key("fields").BeginArray().String(field).EndArray();
  // A server error carries the request's id: the person can quote it, and the log has the detail under it.
  if (http_status >= 500 && !core::CurrentRequestId().empty())
    w.Field("request_id", std::string(core::CurrentRequestId()));
  w.EndObject().EndObject();
  return Response::Json(http_status, w.Take());
}

void LogServiceError(const core::Status& status) {
  core::LogError("service error", {{"code", core::StatusCodeName(status.code())}, {"detail", status.message()}});
}

Response JsonError(const core::Status& status) {
  int code = HttpStatusFor(status);
  if (code < 500) return JsonError(code, core::StatusCodeName(status.code()), status.message(), status.field());
  // Internal details (SQLite's message, a path) go to the log under the request id, never into the answer.
  LogServiceError(status);
  return JsonError(code, core::StatusCodeName(status.code()),
                   code == 503 ? "the service is busy or unavailable; try again in a moment"
                               : "the server could not answer; try again later");
}

}  // namespace entraide::http
