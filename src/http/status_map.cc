#include "http/status_map.h"

#include "core/json_writer.h"

namespace entraide::http {

int HttpStatusFor(const core::Status& s) {
  using core::StatusCode;
  switch (s.code()) {
    case StatusCode::kOk: return 200;
    case StatusCode::kInvalidArgument: return 422;
    case StatusCode::kNotFound: return 404;
    case StatusCode::kAlreadyExists: return 409;
    case StatusCode::kConflict: return 409;
    case StatusCode::kPermissionDenied: return 403;
    case StatusCode::kUnauthenticated: return 401;
    case StatusCode::kResourceExhausted: return 429;
    case StatusCode::kTooLarge: return 413;
    case StatusCode::kUnavailable: return 503;
    case StatusCode::kDeadlineExceeded: return 503;
    case StatusCode::kInternal: return 500;
  }
  return 500;
}

Response JsonError(int http_status, const std::string& code, const std::string& message) {
  core::JsonWriter w;
  w.BeginObject().Key("error").BeginObject().Field("code", code).Field("message", message);
  if (http_status == 422 || http_status == 413) {
    // Messages name the field first ("subject: required"): give it to programs too.
    size_t colon = message.find(':');
    if (colon != std::string::npos && colon < 40 && message.find(' ') > colon)
      w.Key("fields").BeginArray().String(message.substr(0, colon)).EndArray();
  }
  w.EndObject().EndObject();
  return Response::Json(http_status, w.Take());
}

Response JsonError(const core::Status& status) {
  int code = HttpStatusFor(status);
  // Internal details stay in the log, not in the answer.
  std::string message = code >= 500 ? "the server could not answer; try again later" : status.message();
  return JsonError(code, core::StatusCodeName(status.code()), message);
}

}  // namespace entraide::http
