// Status and StatusOr: the result of an operation that can fail in an expected way.
// Exceptions are for bugs; everything a user or the environment can cause is a Status.
// Value types; thread-compatible.
#pragma once

#include <cassert>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace entraide::core {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,    // bad input: a field, a file, a value out of range
  kNotFound,           // no such thing (or not visible to the caller)
  kAlreadyExists,      // unique key taken
  kConflict,           // the current state refuses the change (workflow, lost race)
  kPermissionDenied,   // signed in, but not allowed
  kUnauthenticated,    // not signed in
  kResourceExhausted,  // rate limit or size limit
  kTooLarge,           // a body or a file over its limit
  kUnavailable,        // a dependency is down or busy; try again later
  kDeadlineExceeded,   // a time budget ran out
  kInternal,           // broken invariant (should not happen)
};

const char* StatusCodeName(StatusCode code);

// Values of a catalog sentence's placeholders: {"minutes", "5"} fills "{minutes}".
using MessageArgs = std::vector<std::pair<std::string, std::string>>;

// A code and an English message (for logs, the CLI and the API's "message"). A failure that people can cause
// also says, where it is made, which field it is about and which catalog sentence explains it:
//   return core::InvalidField("subject", "required").WithKey("error_subject_required");
// Pages and the API translate from field() and key(), never from the message's wording.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  std::string ToString() const;

  // The form or JSON field the failure is about ("subject"); empty when none.
  const std::string& field() const { return words_ ? words_->field : Empty(); }
  // The catalog key of the sentence people read ("error_subject_required"); empty when there is none (pages
  // then show the English message, marked as English).
  const std::string& key() const { return words_ ? words_->key : Empty(); }
  // The values of the sentence's {placeholders}. One named "detail" is English kept beside the sentence
  // (libpwquality's reason for refusing a password).
  const MessageArgs& args() const;
  const std::string* Arg(std::string_view name) const;

  Status For(std::string field) &&;
  Status WithKey(std::string key, MessageArgs args = {}) &&;

 private:
  struct Words {
    std::string field;
    std::string key;
    MessageArgs args;
  };
  static const std::string& Empty();
  Words& MutableWords();

  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::shared_ptr<const Words> words_;  // null on the OK path and for plain messages: copying stays cheap
};

inline Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
inline Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status AlreadyExists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
inline Status Conflict(std::string m) { return {StatusCode::kConflict, std::move(m)}; }
inline Status PermissionDenied(std::string m) { return {StatusCode::kPermissionDenied, std::move(m)}; }
inline Status Unauthenticated(std::string m) { return {StatusCode::kUnauthenticated, std::move(m)}; }
inline Status ResourceExhausted(std::string m) { return {StatusCode::kResourceExhausted, std::move(m)}; }
inline Status TooLarge(std::string m) { return {StatusCode::kTooLarge, std::move(m)}; }
inline Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
inline Status DeadlineExceeded(std::string m) { return {StatusCode::kDeadlineExceeded, std::move(m)}; }
inline Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }
// "field: what" about one input, with field() set: the usual shape of a refusal of bad input.
inline Status InvalidField(const std::string& field, const std::string& what) {
  return InvalidArgument(field + ": " + what).For(field);
}

// Either a value or a non-OK Status.
template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(T value) : value_(std::move(value)) {}         // NOLINT: implicit by design
  StatusOr(Status status) : status_(std::move(status)) {  // NOLINT: implicit by design
    assert(!status_.ok() && "StatusOr built from an OK status without a value");
    if (status_.ok()) status_ = Internal("StatusOr built from OK status");
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace entraide::core

#define ENTRAIDE_RETURN_IF_ERROR(expr)     \
  do {                                     \
    ::entraide::core::Status _st = (expr); \
    if (!_st.ok()) return _st;             \
  } while (0)
