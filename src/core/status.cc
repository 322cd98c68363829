#include "core/status.h"

namespace entraide::core {

const char* StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return "ok";
    case StatusCode::kInvalidArgument:
      return "invalid_argument";
    case StatusCode::kNotFound:
      return "not_found";
    case StatusCode::kAlreadyExists:
      return "already_exists";
    case StatusCode::kConflict:
      return "conflict";
    case StatusCode::kPermissionDenied:
      return "permission_denied";
    case StatusCode::kUnauthenticated:
      return "unauthenticated";
    case StatusCode::kResourceExhausted:
      return "resource_exhausted";
    case StatusCode::kTooLarge:
      return "too_large";
    case StatusCode::kUnavailable:
      return "unavailable";
    case StatusCode::kDeadlineExceeded:
      return "deadline_exceeded";
    case StatusCode::kInternal:
      return "internal";
  }
  return "unknown";
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  return std::string(StatusCodeName(code_)) + ": " + message_;
}

const std::string& Status::Empty() {
  static const std::string kEmpty;
  return kEmpty;
}

const MessageArgs& Status::args() const {
  static const MessageArgs kNone;
  return words_ ? words_->args : kNone;
}

const std::string* Status::Arg(std::string_view name) const {
  for (const auto& [n, v] : args())
    if (n == name) return &v;
  return nullptr;
}

Status::Words& Status::MutableWords() {
  auto words = words_ ? std::make_shared<Words>(*words_) : std::make_shared<Words>();
  Words& w = *words;
  words_ = std::move(words);
  return w;
}

Status Status::For(std::string field) && {
  MutableWords().field = std::move(field);
  return std::move(*this);
}

Status Status::WithKey(std::string key, MessageArgs args) && {
  Words& w = MutableWords();
  w.key = std::move(key);
  w.args = std::move(args);
  return std::move(*this);
}

}  // namespace entraide::core
