// Logging to stderr in logfmt, one line per event, safe from many threads:
//   ts=2026-12-03T22:26:12.345Z level=info msg="listening on http://127.0.0.1:8080" id=7f3a9c01b2d4
// so that journald, grep and log tools all read it. `id` is the request id of the thread's current request
// (RequestScope), on every line logged while a request is handled; the same id is on the response
// (X-Request-Id) and on error pages, so a person's "reference" leads to the log lines. Level set once at start.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace entraide::core {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3, kOff = 4 };

void SetLogLevel(LogLevel level);
LogLevel GetLogLevel();

using LogField = std::pair<std::string_view, std::string_view>;
// One line: ts, level, msg, then `fields` (values quoted when they need it), then the request id if any.
void Log(LogLevel level, std::string_view message, std::initializer_list<LogField> fields = {});
inline void LogDebug(std::string_view m, std::initializer_list<LogField> f = {}) { Log(LogLevel::kDebug, m, f); }
inline void LogInfo(std::string_view m, std::initializer_list<LogField> f = {}) { Log(LogLevel::kInfo, m, f); }
inline void LogWarning(std::string_view m, std::initializer_list<LogField> f = {}) { Log(LogLevel::kWarning, m, f); }
inline void LogError(std::string_view m, std::initializer_list<LogField> f = {}) { Log(LogLevel::kError, m, f); }

// A logfmt value: bare when it is made of safe characters, else in double quotes with \" \\ \n escaped.
void AppendLogValue(std::string& out, std::string_view value);

// The request being handled on this thread, for the log lines and error answers written meanwhile.
class RequestScope {
 public:
  explicit RequestScope(std::string_view request_id);
  ~RequestScope();
  RequestScope(const RequestScope&) = delete;
  RequestScope& operator=(const RequestScope&) = delete;

 private:
  std::string previous_;
};
// The current request's id on this thread, "" outside a request.
std::string_view CurrentRequestId();
// A new short id for a request: 12 lower-case hex characters, unique enough to find a line in the logs.
std::string NewRequestId();

// Logs one line naming the signal when the process receives SIGSEGV, SIGBUS, SIGILL, SIGFPE or SIGABRT, then
// lets the signal end the process as it would have (core dump included). Call once, early in main.
void InstallFatalSignalLogger();

}  // namespace entraide::core
