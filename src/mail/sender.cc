#include "mail/sender.h"

#include <algorithm>
#include <thread>

#include "core/log.h"
#include "core/random.h"
#include "core/sha256.h"
#include "mail/addresses.h"
#include "store/mail_repo.h"
#include "store/reply_token_repo.h"

namespace entraide::mail {
namespace {

// Does the recipient still want this topic? Transactional mail and mail to no account always goes.
core::StatusOr<bool> Wanted(store::MailRepository& repo, const store::OutboxMessage& m) {
  Topic topic = TopicOf(m.kind);
  if (topic == Topic::kTransactional || !m.user_id) return true;
  auto s = repo.Settings(*m.user_id);
  if (!s.ok()) return s.status().code() == core::StatusCode::kNotFound ? core::StatusOr<bool>(true) : s.status();
  if (auto digest = DigestOf(topic)) return s->Frequency(*digest) != "off";
  if (topic == Topic::kNewTicketAlerts) return s->new_ticket_alerts != "off";
  return s->notifications;
}

}  // namespace

std::string SendReport::Summary() const {
  return std::to_string(sent) + " sent, " + std::to_string(retried) + " to retry, " + std::to_string(failed) +
         " failed, " + std::to_string(skipped) + " skipped";
}

Sender::Sender(store::Pool& pool, const core::Clock& clock, const Composer& composer, Transport& transport,
               SenderOptions options)
    : pool_(pool), clock_(clock), composer_(composer), transport_(transport), o_(options) {}

int64_t Sender::Backoff(int failures, const SenderOptions& o) {
  int64_t delay = o.first_backoff_s;
  for (int i = 0; i < failures && delay < o.max_backoff_s; ++i) delay *= 2;
  return std::min(delay, o.max_backoff_s);
}

std::string Sender::ReturnPath(const store::ClaimedMail& c) const {
  // VERP: bounces+<the Message-ID's local part>@..., so a delivery report names the message it is about.
  if (o_.bounce_address.empty() || c.message_id.size() < 3) return composer_.options().from.email;
  std::string_view id(c.message_id);
  id = id.substr(1, id.find('@') == std::string_view::npos ? id.size() - 2 : id.find('@') - 1);
  return PlusAddress(o_.bounce_address, id);
}

core::Status Sender::Deliver(store::Database& db, store::MailRepository& repo, const store::ClaimedMail& c,
                             SendReport& report, bool* transient) {
  const store::OutboxMessage& m = c.message;
  int64_t now = clock_.NowSeconds();
  // Ends the message as "failed" or "skipped", counted in `counter`.
  auto finish = [&](const char* status, const std::string& why, const std::string& subject, int& counter) {
    auto done = Settle(db, repo, c, subject,
                       [&](const std::string& s) { return repo.MarkFinal(m.id, claim_, status, why, s); });
    if (!done.ok()) return done.status();
    ++counter;
    return core::Status::Ok();
  };
  if (!c.unknown_kind.empty()) {
    std::string why = "unknown kind of email '" + c.unknown_kind + "' (written by another version of Entraide?)";
    core::LogError("mail " + std::to_string(m.id) + ": " + why);
    return finish("failed", why, "", report.failed);
  }
  auto wanted = Wanted(repo, m);
  if (!wanted.ok()) return wanted.status();
  if (!*wanted) return finish("skipped", "the recipient turned this email off", "", report.skipped);
  auto bouncing = repo.Bouncing(m.recipient_email);
  if (!bouncing.ok()) return bouncing.status();
  if (*bouncing) return finish("failed", "the address bounces (mail bounces list)", "", report.failed);
  // A ticket mail's reply address: a fresh token for this message, of which only the hash is kept.
  std::string reply_token;
  if (auto ticket = composer_.ReplyTicket(m)) {
    std::string token = NewReplyToken();
    auto kept = store::ReplyTokenRepository(db).Add(token, *m.user_id, *ticket, now);
    if (!kept.ok()) return kept.status();
    if (*kept) reply_token = std::move(token);
  }
  auto composed = composer_.Compose(c, now, reply_token);
  if (!composed.ok()) {
    core::LogError("mail " + std::to_string(m.id) + " (" + std::string(model::ToString(m.kind)) +
                   "): " + composed.status().message());
    return finish("failed", composed.status().message(), "", report.failed);
  }
  Envelope envelope{ReturnPath(c), m.recipient_email, "outbox-" + std::to_string(m.id)};
  Pace();
  // The row may have gone while earlier messages of the batch were sent: deleted by the erasure of the person
  // it was for (who must get nothing more), or taken over after a long stall. Then it is not ours to send.
  auto still = repo.ClaimedData(m.id, claim_);
  if (!still.ok()) return still.status();
  if (!*still) {
    core::LogWarning("mail " + std::to_string(m.id) + ": not sent, its row was deleted or taken over meanwhile");
    return core::Status::Ok();
  }
  core::Status sent = transport_.Send(envelope, composed->raw);
  now = clock_.NowSeconds();
  if (sent.ok()) {
    auto done = Settle(db, repo, c, composed->subject,
                       [&](const std::string& s) { return repo.MarkSent(m.id, claim_, now, s); });
    if (!done.ok()) return done.status();
    if (!*done)
      core::LogWarning("mail " + std::to_string(m.id) + ": sent, but its row was deleted or taken over meanwhile");
    ++report.sent;
    return core::Status::Ok();
  }
  bool permanent = sent.code() == core::StatusCode::kInvalidArgument;
  bool too_old = now - m.created_at >= o_.give_up_after_s;
  if (permanent || too_old) {
    core::LogError("mail " + std::to_string(m.id) + " to " + m.recipient_email + " failed: " + sent.message());
    return finish("failed", sent.message(), composed->subject, report.failed);
  }
  *transient = true;
  int64_t next = now + Backoff(c.attempts, o_);
  core::LogWarning("mail " + std::to_string(m.id) + ": " + sent.message() + "; next try in " +
                   std::to_string(next - now) + " s");
  auto done = Settle(db, repo, c, composed->subject,
                     [&](const std::string& s) { return repo.MarkRetry(m.id, claim_, next, sent.message(), s); });
  if (!done.ok()) return done.status();
  ++report.retried;
  return core::Status::Ok();
}

core::StatusOr<bool> Sender::Settle(store::Database& db, store::MailRepository& repo, const store::ClaimedMail& c,
                                    std::string subject,
                                    const std::function<core::StatusOr<bool>(const std::string&)>& write) {
  bool done = false;
  ENTRAIDE_RETURN_IF_ERROR(store::InTransaction(db, [&]() -> core::Status {
    auto data = repo.ClaimedData(c.message.id, claim_);
    if (!data.ok()) return data.status();
    if (!*data) return core::Status::Ok();  // taken over, or deleted with the person it was for
    if (**data != c.message.data_json && !subject.empty()) {
      store::ClaimedMail stored = c;
      stored.message.data_json = **data;
      auto again = composer_.Compose(stored, clock_.NowSeconds());
      subject = again.ok() ? again->subject : "";
    }
    auto written = write(subject);
    if (!written.ok()) return written.status();
    done = *written;
    return core::Status::Ok();
  }));
  return done;
}

void Sender::Pace() {
  if (o_.max_per_second <= 0) return;
  auto now = std::chrono::steady_clock::now();
  if (next_slot_ > now) std::this_thread::sleep_until(next_slot_);
  next_slot_ = std::max(now, next_slot_) + std::chrono::microseconds(1000000 / o_.max_per_second);
}

core::StatusOr<SendReport> Sender::RunOnce(bool retry_now) {
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::MailRepository repo(**db);
  SendReport report;
  claim_ = core::RandomHex(16);
  if (retry_now) {
    auto n = repo.MakeAllDue(clock_.NowSeconds());
    if (!n.ok()) return n.status();
  }
  core::Status st = core::Status::Ok();
  bool transient = false;
  while (st.ok() && !transient && !cancel_) {
    int64_t now = clock_.NowSeconds();
    auto claimed = repo.Claim(claim_, now, now - o_.stale_claim_s, o_.batch, composer_.Domain());
    if (!claimed.ok()) {
      st = claimed.status();
      break;
    }
    if (claimed->empty()) break;
    for (const auto& c : *claimed) {
      if (transient || cancel_) {  // the server is not answering, or we are stopping: the rest wait
        auto released = repo.Release(c.message.id, claim_);
        if (!released.ok()) st = released.status();
        continue;
      }
      if (st.ok()) st = Deliver(**db, repo, c, report, &transient);
      // After a store error the rest stay claimed and come back after stale_claim_s.
    }
  }
  transport_.Close();
  if (!st.ok()) return st;
  return report;
}

}  // namespace entraide::mail
