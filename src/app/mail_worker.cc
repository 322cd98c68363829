#include "app/mail_worker.h"

#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <chrono>

#include "core/log.h"
#include "tickets/response_targets.h"

namespace entraide::app {

std::unique_ptr<mail::Transport> MailTransportFor(const Config& config) {
  if (config.mail_smtp_host.empty()) return mail::MakeFileTransport(config.MailDir());
  mail::SmtpOptions o;
  o.host = config.mail_smtp_host;
  o.port = config.mail_smtp_port;
  o.user = config.mail_smtp_user;
  o.password = config.mail_smtp_password;
  o.tls = config.mail_smtp_tls;
  o.ca_file = config.mail_smtp_ca_file;
  return mail::MakeSmtpTransport(o);
}

mail::SenderOptions MailSenderOptionsFor(const Config& config) {
  mail::SenderOptions o;
  o.max_per_second = config.mail_max_per_second;
  o.bounce_address = config.mail_bounce_address;
  return o;
}

mail::ComposerOptions MailComposerOptionsFor(const Config& config) {
  mail::ComposerOptions o;
  auto from = mail::ParseAddress(config.mail_from);  // validated when the configuration was loaded
  if (from.ok()) o.from = *from;
  o.base_url = config.site_base_url;
  o.site_name = config.site_name;
  o.reply_address = config.mail_reply_address;
  return o;
}

core::StatusOr<std::unique_ptr<mail::DigestService>> DigestServiceFor(const Config& config, store::Pool& pool,
                                                                      const core::Clock& clock,
                                                                      const i18n::Catalogs& catalogs) {
  auto zone = core::TimeZone::Load(config.mail_timezone);
  if (!zone.ok()) return core::InvalidArgument("mail.timezone: " + zone.status().message());
  mail::DigestOptions o;
  o.base_url = config.site_base_url;
  if (auto targets = tickets::ParseResponseTargets(config.helpdesk_first_answer_hours); targets.ok())
    for (const char* u : {"blocking", "high", "normal", "low"}) o.first_answer_target_s[u] = targets->SecondsFor(u);
  return std::make_unique<mail::DigestService>(pool, clock, std::move(zone).value(), catalogs, o);
}

MailWorker::MailWorker(std::unique_ptr<mail::Transport> transport, store::Pool& pool, const core::Clock& clock,
                       const mail::Composer& composer, int poll_s, mail::DigestService* digests,
                       mail::SenderOptions options)
    : transport_(std::move(transport)),
      sender_(pool, clock, composer, *transport_, options),
      digests_(digests),
      poll_s_(poll_s) {}

MailWorker::~MailWorker() { Stop(); }

void MailWorker::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable()) return;
  stop_ = false;
  sender_.Resume();
  core::LogInfo("mail: delivering through " + transport_->Describe());
  thread_ = std::thread([this] { Run(); });
}

void MailWorker::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  sender_.Cancel();  // a long paced pass ends after the message in hand
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void MailWorker::Poke() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    poked_ = true;
  }
  cv_.notify_all();
}

bool MailWorker::DeliverNow(int timeout_ms) {
  std::unique_lock<std::mutex> lock(mu_);
  // A pass already running may have claimed before the poke: wait for the one after it.
  int64_t target = passes_ + (running_ ? 2 : 1);
  poked_ = true;
  cv_.notify_all();
  return done_cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] { return passes_ >= target; });
}

void MailWorker::Run() {
  // Mail is background work: when the CPUs are busy, the HTTP threads come first. SCHED_IDLE (Linux, per
  // thread) gives this thread the smallest share and, above all, never lets its wake-ups preempt a request
  // being served; it still runs, slowly, on CPUs that never idle. Else, the lowest nice value.
  pid_t tid = static_cast<pid_t>(syscall(SYS_gettid));
  sched_param idle{};
  if (sched_setscheduler(tid, SCHED_IDLE, &idle) != 0 && setpriority(PRIO_PROCESS, static_cast<id_t>(tid), 19) != 0)
    core::LogWarning("mail: could not lower the sender's priority");
  while (true) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      running_ = true;
      poked_ = false;
    }
    if (digests_) {
      auto queued = digests_->QueueDue();
      if (!queued.ok()) {
        if (queued.status().code() != core::StatusCode::kUnavailable)
          core::LogError("digests: " + queued.status().message());
      } else if (queued->queued > 0) {
        core::LogInfo("digests: " + queued->Summary());
      }
    }
    auto report = sender_.RunOnce(false);
    if (!report.ok()) {
      if (report.status().code() != core::StatusCode::kUnavailable)
        core::LogError("mail: " + report.status().message());
    } else if (report->sent || report->failed || report->retried || report->skipped) {
      core::LogInfo("mail: " + report->Summary());
    }
    std::unique_lock<std::mutex> lock(mu_);
    running_ = false;
    ++passes_;
    done_cv_.notify_all();
    if (!poked_ && !stop_) cv_.wait_for(lock, std::chrono::seconds(poll_s_), [this] { return stop_ || poked_; });
    if (stop_) return;
  }
}

}  // namespace entraide::app
