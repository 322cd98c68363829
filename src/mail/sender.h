// Sender: delivers the outbox. Each pass claims due messages a few at a time (pending -> sending under a
// random claim, in one write transaction, so two senders — two threads or two processes — never hold the same
// row), composes each in its recipient's language, hands it to the Transport, and records the outcome only
// while its claim still holds:
//   accepted by the server         -> sent
//   refused for good (5xx), or a message that cannot be composed -> failed at once
//   anything else (server down, 4xx, timeout) -> pending again in 1 minute, doubling up to 6 hours;
//                                       48 hours after it was queued -> failed. The pass then ends and the
//                                       rest of its batch is given back untouched (no timeout per message).
//   the recipient turned that topic off since it was queued -> skipped (transactional mail is always sent)
//   the address bounces (mail_bounces: 3 permanent failures reported) -> failed, not sent
// A ticket mail gets a reply address when mail.reply_address is set (Composer::ReplyTicket): a new random token
// for each attempt, its hash kept in reply_tokens before the message is handed over, the token itself only in the
// message (never in the outbox).
// With max_per_second, messages are handed to the transport at that pace at most, so that a digest run of a
// thousand messages (and the SMTP server, often on the same machine) leaves the CPUs to the web pages.
// A sender that dies mid-send leaves its rows 'sending'; after stale_claim_s they are claimed again (at least
// once delivery in that case, with the same Message-ID, so mail systems can tell it is the same message).
//
// Not thread-safe: one Sender (and its Transport) per thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "core/clock.h"
#include "core/status.h"
#include "mail/composer.h"
#include "mail/transport.h"
#include "store/pool.h"

namespace entraide::mail {

struct SenderOptions {
  int batch = 10;                       // messages claimed at once
  int64_t first_backoff_s = 60;         // after the first failure
  int64_t max_backoff_s = 6 * 3600;     // the delay doubles up to this
  int64_t give_up_after_s = 48 * 3600;  // counted from when the message was queued
  int64_t stale_claim_s = 15 * 60;      // a 'sending' row older than this belongs to a dead sender
  int max_per_second = 0;               // pacing of the messages handed to the transport; 0: no limit
  // mail.bounce_address: each message's envelope sender is bounce_address+TAG (VERP), TAG the local part of its
  // Message-ID, so that a delivery report comes back naming it. "": mail.from's address.
  std::string bounce_address;
};

struct SendReport {
  int sent = 0, retried = 0, failed = 0, skipped = 0;
  std::string Summary() const;
};

class Sender {
 public:
  Sender(store::Pool& pool, const core::Clock& clock, const Composer& composer, Transport& transport,
         SenderOptions options = {});

  // Delivers every message due now, then closes the transport's connection. With retry_now, every pending
  // message is made due first. kUnavailable when the store is busy (what was done so far stays done).
  core::StatusOr<SendReport> RunOnce(bool retry_now = false);

  // Makes a pass in progress (in another thread) stop after the message it is sending: the rest of its
  // claimed rows are given back untouched. The next RunOnce starts afresh.
  void Cancel() { cancel_ = true; }
  void Resume() { cancel_ = false; }  // after Cancel, for a sender started again

  // The delay before attempt number `failures` + 1, after `failures` failed attempts (1 minute, 2, 4 ... 6 h).
  static int64_t Backoff(int failures, const SenderOptions& o);

 private:
  // Sets *transient when the transport failed in a way that may pass (the pass should stop).
  core::Status Deliver(store::Database& db, store::MailRepository& repo, const store::ClaimedMail& c,
                       SendReport& report, bool* transient);
  // Writes an outcome with `write(subject)` under the write lock, the subject composed again from the data as
  // stored now if it changed since the claim: an erasure that ran while the message was on its way replaced a
  // name there, and the subject written must not bring it back. False when the claim no longer holds.
  core::StatusOr<bool> Settle(store::Database& db, store::MailRepository& repo, const store::ClaimedMail& c,
                              std::string subject,
                              const std::function<core::StatusOr<bool>(const std::string&)>& write);
  void Pace();  // waits for the next slot of max_per_second
  std::string ReturnPath(const store::ClaimedMail& c) const;

  store::Pool& pool_;
  const core::Clock& clock_;
  const Composer& composer_;
  Transport& transport_;
  SenderOptions o_;
  std::string claim_;
  std::atomic<bool> cancel_{false};
  std::chrono::steady_clock::time_point next_slot_{};
};

}  // namespace entraide::mail
