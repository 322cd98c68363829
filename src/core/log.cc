#include "core/log.h"

#include <signal.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <utility>

#include "core/clock.h"
#include "core/escape.h"

namespace entraide::core {
namespace {
std::atomic<LogLevel> g_level{LogLevel::kInfo};
thread_local std::string t_request_id;

const char* LevelName(LogLevel l) {
  switch (l) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarning:
      return "warn";
    case LogLevel::kError:
      return "error";
    default:
      return "";
  }
}

bool IsBareChar(unsigned char c) { return c > ' ' && c != '"' && c != '=' && c != '\\' && c != 0x7f; }
}  // namespace

void SetLogLevel(LogLevel level) { g_level = level; }
LogLevel GetLogLevel() { return g_level; }

void AppendLogValue(std::string& out, std::string_view value) {
  bool bare = !value.empty();
  for (unsigned char c : value)
    if (!IsBareChar(c)) bare = false;
  if (bare) {
    out.append(value);
    return;
  }
  AppendDoubleQuoted(out, value);
}

void Log(LogLevel level, std::string_view message, std::initializer_list<LogField> fields) {
  if (level < g_level.load(std::memory_order_relaxed)) return;
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  int ms =
      static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char head[96];
  std::snprintf(head, sizeof head, "ts=%04d-%02d-%02dT%02d:%02d:%02d.%03dZ level=%s msg=", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms, LevelName(level));
  std::string line = head;
  AppendLogValue(line, message);
  for (const auto& [key, value] : fields) {
    line += ' ';
    line.append(key);
    line += '=';
    AppendLogValue(line, value);
  }
  if (!t_request_id.empty()) {
    line += " id=";
    line += t_request_id;
  }
  line += '\n';
  // One write(2) per line: lines from different threads never interleave.
  ssize_t ignored = ::write(2, line.data(), line.size());
  (void)ignored;
}

RequestScope::RequestScope(std::string_view request_id) : previous_(std::move(t_request_id)) {
  t_request_id.assign(request_id);
}
RequestScope::~RequestScope() { t_request_id = std::move(previous_); }

std::string_view CurrentRequestId() { return t_request_id; }

std::string NewRequestId() {
  // A per-thread generator seeded from the kernel: ids need to be unique in the logs, not secret.
  thread_local uint64_t state = [] {
    uint64_t seed = 0;
    if (getrandom(&seed, sizeof seed, 0) != sizeof seed)
      seed = static_cast<uint64_t>(::time(nullptr)) ^ 0x9e3779b97f4a7c15ULL;
    return seed | 1;
  }();
  // splitmix64
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(z));
  return std::string(buf, 12);
}

namespace {

// Only async-signal-safe calls below: clock_gettime, write, sigaction, raise.
void AppendNumber(char*& p, long long v, int width) {
  char digits[24];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v > 0 && n < 20);
  while (n < width) digits[n++] = '0';
  while (n > 0) *p++ = digits[--n];
}

void AppendText(char*& p, const char* s) {
  while (*s) *p++ = *s++;
}

void OnFatalSignal(int sig) {
  const char* name = "a fatal signal";
  switch (sig) {
    case SIGSEGV:
      name = "SIGSEGV (invalid memory access)";
      break;
    case SIGBUS:
      name = "SIGBUS (bus error: a mapped file became unreadable, e.g. the disk went read-only or away)";
      break;
    case SIGILL:
      name = "SIGILL (illegal instruction)";
      break;
    case SIGFPE:
      name = "SIGFPE (arithmetic error)";
      break;
    case SIGABRT:
      name = "SIGABRT (aborted)";
      break;
  }
  char line[512];
  char* p = line;
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  // gmtime_r is not async-signal-safe; core::CivilFromDays is (arithmetic only).
  long long days = ts.tv_sec / 86400, secs = ts.tv_sec % 86400;
  int64_t y = 0;
  int m = 0, d = 0;
  core::CivilFromDays(days, &y, &m, &d);
  AppendText(p, "ts=");
  AppendNumber(p, y, 4);
  *p++ = '-';
  AppendNumber(p, m, 2);
  *p++ = '-';
  AppendNumber(p, d, 2);
  *p++ = 'T';
  AppendNumber(p, secs / 3600, 2);
  *p++ = ':';
  AppendNumber(p, secs / 60 % 60, 2);
  *p++ = ':';
  AppendNumber(p, secs % 60, 2);
  *p++ = '.';
  AppendNumber(p, ts.tv_nsec / 1000000, 3);
  AppendText(p, "Z level=error msg=\"fatal signal ");
  AppendText(p, name);
  AppendText(p, "; the process stops\" pid=");
  AppendNumber(p, getpid(), 1);
  if (!t_request_id.empty() && t_request_id.size() < 32) {
    AppendText(p, " id=");
    AppendText(p, t_request_id.c_str());
  }
  *p++ = '\n';
  ssize_t ignored = ::write(2, line, static_cast<size_t>(p - line));
  (void)ignored;
  // Let the signal do what it would have done.
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  sigaction(sig, &dfl, nullptr);
  raise(sig);
}

}  // namespace

void InstallFatalSignalLogger() {
  // An alternate stack for the main thread, so that a stack overflow there is still reported.
  static char alt_stack[64 * 1024];
  stack_t ss{};
  ss.ss_sp = alt_stack;
  ss.ss_size = sizeof alt_stack;
  sigaltstack(&ss, nullptr);
  struct sigaction sa {};
  sa.sa_handler = OnFatalSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESETHAND | SA_NODEFER | SA_ONSTACK;
  for (int sig : {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT}) sigaction(sig, &sa, nullptr);
}

}  // namespace entraide::core
