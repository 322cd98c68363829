// MailWorker: the thread of `serve` that delivers the outbox: a Sender pass every `poll_s` seconds, or at once
// when poked, on a thread scheduled SCHED_IDLE (it yields the CPUs to the HTTP threads), paced by
// mail.max_per_second. Before each pass it asks the DigestService (when given) to queue the digests that are due, which
// costs a few comparisons once they are queued, so digests go out within poll_s of 08:00 local time. Other senders
// (`entraide mail send` from cron, a second serve) may run at the same time: claims keep them apart.
// Start/Stop/Poke/DeliverNow are thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>

#include "app/config.h"
#include "mail/digest.h"
#include "mail/sender.h"

namespace entraide::app {

// The sender's options from the configuration (mail.max_per_second).
mail::SenderOptions MailSenderOptionsFor(const Config& config);
// The transport the configuration asks for: SMTP when mail.smtp.host is set, else .eml files in data.dir/mail.
std::unique_ptr<mail::Transport> MailTransportFor(const Config& config);
mail::ComposerOptions MailComposerOptionsFor(const Config& config);
// The digests in mail.timezone (kInvalidArgument when its tz database file cannot be read).
core::StatusOr<std::unique_ptr<mail::DigestService>> DigestServiceFor(const Config& config, store::Pool& pool,
                                                                      const core::Clock& clock,
                                                                      const i18n::Catalogs& catalogs);

class MailWorker {
 public:
  // `sender` (with its transport) is used only by the worker's thread.
  MailWorker(std::unique_ptr<mail::Transport> transport, store::Pool& pool, const core::Clock& clock,
             const mail::Composer& composer, int poll_s, mail::DigestService* digests = nullptr,
             mail::SenderOptions options = {});
  ~MailWorker();
  void Start();
  void Stop();
  void Poke();
  // Pokes, then blocks until a whole pass that started after the poke is over (true), or timeout_ms (false).
  bool DeliverNow(int timeout_ms);

 private:
  void Run();
  std::unique_ptr<mail::Transport> transport_;
  mail::Sender sender_;
  mail::DigestService* digests_;
  int poll_s_;
  std::mutex mu_;
  std::condition_variable cv_, done_cv_;
  bool stop_ = false, poked_ = false, running_ = false;
  int64_t passes_ = 0;
  std::thread thread_;
};

}  // namespace entraide::app
