// The render workers as they run: the built entraide binary started as `entraide render-worker`.
#include "markdown/render_workers.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "test_util.h"

namespace entraide::markdown {
namespace {

using entraide::testing::Repeat;

WorkerOptions Workers(int max_workers = 1) {
  WorkerOptions o;
  o.binary = testing::BinaryDir() + "/entraide";
  o.max_workers = max_workers;
  return o;
}

// This process's children: pid -> state letter of /proc/PID/stat ('Z' for a zombie).
std::map<int, char> Children() {
  std::map<int, char> out;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    std::ifstream in(entry.path() / "stat");
    std::string stat;
    if (!std::getline(in, stat)) continue;
    size_t close = stat.rfind(')');  // the command name may hold spaces and parentheses
    if (close == std::string::npos) continue;
    char state = 0;
    int ppid = 0;
    if (std::sscanf(stat.c_str() + close + 1, " %c %d", &state, &ppid) == 2 && ppid == ::getpid())
      out[std::stoi(entry.path().filename())] = state;
  }
  return out;
}

// True once `pid` has been waited for (by the pool): no zombie left.
bool Reaped(int pid) { return ::waitpid(pid, nullptr, WNOHANG) < 0 && errno == ECHILD; }

const std::string kSlow = Repeat(" -", 12000) + "x" + Repeat("\n", 12000);  // seconds of CPU in cmark-gfm

TEST(RenderWorkersTest, FuzzCorpusComesOutAsRenderedInProcess) {
  RenderWorkers workers(Workers());
  Limits limits;
  limits.budget_ms = 10000;  // what is compared is the output, not the speed of a loaded machine
  int compared = 0;
  for (const auto& entry : std::filesystem::directory_iterator(testing::SourceDir() + "/tests/fuzz/corpus/markdown")) {
    std::string text = testing::ReadFile(entry.path().string());
    Options options;
    options.min_heading_level = text.empty() ? 1 : 1 + static_cast<unsigned char>(text[0]) % 3;  // as fuzz_markdown
    auto r = workers.Render(text, limits, options);
    if (!r.ok()) continue;  // invalid UTF-8 or over the limit: refused before any worker
    ASSERT_FALSE(r->fell_back) << entry.path();
    Rendered want = RenderUnbounded(text, options);
    EXPECT_EQ(r->html, want.html) << entry.path();
    EXPECT_EQ(r->plain, want.plain) << entry.path();
    EXPECT_EQ(r->links, want.links) << entry.path();
    ASSERT_EQ(r->headings.size(), want.headings.size()) << entry.path();
    for (size_t i = 0; i < want.headings.size(); ++i) {
      EXPECT_EQ(r->headings[i].level, want.headings[i].level) << entry.path();
      EXPECT_EQ(r->headings[i].id, want.headings[i].id) << entry.path();
      EXPECT_EQ(r->headings[i].text, want.headings[i].text) << entry.path();
    }
    ++compared;
  }
  EXPECT_GE(compared, 5);
}

TEST(RenderWorkersTest, ATimeOutKillsTheWorkerAndTheNextRenderGetsANewOne) {
  RenderWorkers workers(Workers());
  Limits limits;
  limits.budget_ms = 100;
  ASSERT_TRUE(workers.Render("warm", limits).ok());
  ASSERT_EQ(workers.IdlePids().size(), 1u);
  int first = workers.IdlePids()[0];

  auto slow = workers.Render(kSlow, limits);
  ASSERT_TRUE(slow.ok());
  EXPECT_TRUE(slow->fell_back);
  EXPECT_FALSE(slow->over_cap);
  EXPECT_EQ(slow->html.substr(0, 3), "<p>");
  EXPECT_TRUE(Reaped(first)) << "killed and waited for";

  auto next = workers.Render("*next*", limits);
  ASSERT_TRUE(next.ok());
  EXPECT_FALSE(next->fell_back);
  EXPECT_EQ(next->html, "<p><em>next</em></p>\n");
  ASSERT_EQ(workers.IdlePids().size(), 1u);
  EXPECT_NE(workers.IdlePids()[0], first);
}

TEST(RenderWorkersTest, AWorkerKilledFromOutsideBetweenRendersIsReplacedUnnoticed) {
  RenderWorkers workers(Workers());
  ASSERT_TRUE(workers.Render("one", Limits{}).ok());
  ASSERT_EQ(workers.IdlePids().size(), 1u);
  int pid = workers.IdlePids()[0];
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  siginfo_t info{};
  ASSERT_EQ(::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT), 0);  // dead, not reaped: the pool's

  auto r = workers.Render("## Two", Limits{});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->fell_back) << "the text went to a new worker, not to the dead one";
  EXPECT_EQ(r->html, "<h2 id=\"two\">Two</h2>\n");
  EXPECT_TRUE(Reaped(pid));
  ASSERT_EQ(workers.IdlePids().size(), 1u);
  EXPECT_NE(workers.IdlePids()[0], pid);
}

TEST(RenderWorkersTest, ManyThreadsAtOnceEachGetTheirOwnAnswers) {
  const int kThreads = 8, kEach = 25, kWorkers = 3;
  RenderWorkers workers(Workers(kWorkers));
  std::vector<int> wrong(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        std::string id = "t" + std::to_string(t) + "-" + std::to_string(i);
        auto r = workers.Render("# " + id + "\n\n[" + id + "](/" + id + ")", Limits{});
        bool right = r.ok() && !r->fell_back && r->headings.size() == 1 && r->headings[0].id == id &&
                     r->links == std::vector<std::string>{"/" + id};
        if (!right) ++wrong[t];
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(wrong[t], 0) << "thread " << t;
  EXPECT_GE(workers.IdlePids().size(), 1u);
  EXPECT_LE(workers.IdlePids().size(), static_cast<size_t>(kWorkers)) << "never more workers than allowed";
}

TEST(RenderWorkersTest, NoZombieIsLeftByTimeoutsKillsOrTheEnd) {
  std::map<int, char> before = Children();
  {
    RenderWorkers workers(Workers(2));
    Limits limits;
    limits.budget_ms = 100;
    std::vector<std::string_view> texts = {"a", kSlow, "b", kSlow, "c"};
    auto results = workers.RenderMany(texts, limits);
    ASSERT_EQ(results.size(), 5u);
    EXPECT_TRUE(results[1]->fell_back);
    EXPECT_EQ(results[4]->html, "<p>c</p>\n");
    for (const auto& [pid, state] : Children()) {
      if (!before.count(pid)) {
        EXPECT_NE(state, 'Z') << "the workers killed for overrunning are waited for at once: " << pid;
      }
    }
    for (int pid : workers.IdlePids()) ::kill(pid, SIGKILL);  // left to the pool's end to reap
  }
  for (const auto& [pid, state] : Children())
    EXPECT_TRUE(before.count(pid)) << "child " << pid << " (state " << state << ") outlived the pool";
}

// A reference link to a 30 KB URL used 11,800 times: 64 KiB of text that cmark makes into 354 MB of HTML
// (with its buffers and the copy, about a gigabyte). The worker's RLIMIT_AS stops it; the text falls back, the
// server's memory is untouched, and the next render is served by a new worker.
TEST(RenderWorkersTest, AnInputThatWouldBlowPastTheMemoryCapFallsBack) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "no RLIMIT_AS under AddressSanitizer";
#endif
  std::string text = "[a]: https://e.ca/" + std::string(30000, 'x') + "\n\n" + Repeat("[a]", 11800);
  ASSERT_LE(text.size(), Limits{}.max_bytes);
  RenderWorkers workers(Workers());
  Limits limits;
  limits.budget_ms = 60000;  // the memory cap, not the clock, must be what stops it
  auto start = std::chrono::steady_clock::now();
  auto r = workers.Render(text, limits);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->fell_back);
  EXPECT_FALSE(r->over_cap) << "with no memory cap the worker would have rendered it all, then found it over the "
                               "HTML cap";
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));
  auto next = workers.Render("*ok*", Limits{});
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->html, "<p><em>ok</em></p>\n");
}

TEST(RenderWorkersTest, WorkersGetNoConfigurationFromTheEnvironment) {
  ::setenv("ENTRAIDE_MAIL_SMTP_PASSWORD", "hunter2", 1);
  ::setenv("ENTRAIDE_TEST_OTHER", "kept?", 1);
  RenderWorkers workers(Workers());
  ASSERT_TRUE(workers.Render("x", Limits{}).ok());
  ::unsetenv("ENTRAIDE_MAIL_SMTP_PASSWORD");
  ::unsetenv("ENTRAIDE_TEST_OTHER");
  ASSERT_EQ(workers.IdlePids().size(), 1u);
  std::string environment = testing::ReadFile("/proc/" + std::to_string(workers.IdlePids()[0]) + "/environ");
  EXPECT_FALSE(environment.empty());
  EXPECT_EQ(environment.find("ENTRAIDE_"), std::string::npos) << "no secret in a process that parses untrusted text";
}

TEST(RenderWorkersTest, ABinaryThatCannotStartIsUnavailableNamingIt) {
  for (const std::string binary : {"/nonexistent/entraide", "/bin/true"}) {
    WorkerOptions o = Workers();
    o.binary = binary;
    RenderWorkers workers(o);
    for (int i = 0; i < 2; ++i) {  // the failed start gives its place back: the second call does not wait forever
      auto r = workers.Render("text", Limits{});
      ASSERT_FALSE(r.ok()) << binary;
      EXPECT_EQ(r.status().code(), core::StatusCode::kUnavailable) << binary;
      EXPECT_EQ(r.status().message().rfind("cannot start the renderer: " + binary, 0), 0u) << r.status().message();
    }
  }
}

}  // namespace
}  // namespace entraide::markdown
