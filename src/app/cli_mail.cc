// `mail send|status|revoke-replies` and `digest`: the outbox from the command line, for cron and for looking.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "app/app.h"
#include "app/commands.h"
#include "app/mail_worker.h"
#include "app/mailbox.h"
#include "app/wiring.h"
#include "auth/accounts.h"
#include "core/clock.h"
#include "core/json_writer.h"
#include "core/timezone.h"
#include "i18n/catalog.h"
#include "mail/composer.h"
#include "mail/digest.h"
#include "mail/sender.h"
#include "markdown/markdown.h"
#include "store/account_repo.h"
#include "store/inbound_repo.h"
#include "store/mail_repo.h"
#include "store/pool.h"
#include "store/ticket_repo.h"
#include "tickets/reply_tokens.h"
#include "tickets/response_targets.h"
#include "tickets/ticket_service.h"
#include "view/renderer.h"

namespace entraide::app {

namespace {

// What composing messages needs, built as serve builds it (app/wiring.h): the views with the catalogs as
// globals, the unsubscribe secret, the Composer.
struct MailComposer {
  std::unique_ptr<view::Renderer> views;
  MailComposition mail;
};

core::StatusOr<MailComposer> LoadComposer(const Config& config, const i18n::Catalogs& catalogs, store::Pool& pool) {
  MailComposer c;
  auto views = LoadViews(config, catalogs, nullptr);
  if (!views.ok()) return views.status();
  c.views = std::move(views).value();
  auto mail = ComposeMail(config, *c.views, pool);
  if (!mail.ok()) return mail.status();
  c.mail = std::move(mail).value();
  return c;
}

int MailStatus(const Config& config, bool json) {
  core::Status st = PrepareStore(config);
  if (!st.ok()) return Fail(st);
  store::Pool pool(config.DatabasePath());
  auto db = pool.Acquire();
  if (!db.ok()) return Fail(db.status());
  store::MailRepository repo(**db);
  auto counts = repo.Counts();
  if (!counts.ok()) return Fail(counts.status());
  auto failed = repo.Failed(20);
  if (!failed.ok()) return Fail(failed.status());
  if (json) {
    core::JsonWriter w;
    w.BeginObject().Key("counts").BeginObject();
    w.Field("pending", counts->pending).Field("sending", counts->sending).Field("sent", counts->sent);
    w.Field("failed", counts->failed).Field("skipped", counts->skipped).EndObject();
    w.Key("failed").BeginArray();
    for (const auto& f : *failed) {
      w.BeginObject().Field("id", f.id).Field("queued_at", core::FormatIso8601Utc(f.created_at)).Field("kind", f.kind);
      w.Field("recipient", f.recipient_email).Field("last_error", f.last_error).EndObject();
    }
    w.EndArray().EndObject();
    std::cout << w.Take() << "\n";
    return 0;
  }
  std::cout << "pending " << counts->pending << ", sending " << counts->sending << ", sent " << counts->sent
            << ", failed " << counts->failed << ", skipped " << counts->skipped << "\n";
  if (!failed->empty()) std::cout << "id\tqueued\tkind\trecipient\tlast error\n";
  for (const auto& f : *failed)
    std::cout << f.id << "\t" << core::FormatIso8601Utc(f.created_at) << "\t" << f.kind << "\t" << f.recipient_email
              << "\t" << f.last_error << "\n";
  return 0;
}

int MailSend(const Config& config, bool retry_now) {
  core::Status st = PrepareStore(config);
  if (!st.ok()) return Fail(st);
  store::Pool pool(config.DatabasePath());
  auto catalogs = i18n::Catalogs::Load(config.views_dir + "/i18n");
  if (!catalogs.ok()) return Fail(catalogs.status());
  auto mail = LoadComposer(config, **catalogs, pool);
  if (!mail.ok()) return Fail(mail.status());
  auto transport = MailTransportFor(config);
  core::SystemClock clock;
  mail::Sender sender(pool, clock, *mail->mail.composer, *transport, MailSenderOptionsFor(config));
  auto report = sender.RunOnce(retry_now);
  if (!report.ok()) return Fail(report.status());
  std::cout << "mail: " << report->Summary() << " (" << transport->Describe() << ")\n";
  return 0;
}

struct DigestArgs {
  std::string kind, to;
  bool dry_run = false;
  std::string period;  // "", "last" or "current"
  std::string at;      // YYYY-MM-DD: the period that ends that day at 08:00
};

// A clock stopped at one instant: a digest run as if it were then.
class FixedClock final : public core::Clock {
 public:
  explicit FixedClock(int64_t at) : at_(at) {}
  int64_t NowSeconds() const override { return at_; }

 private:
  int64_t at_;
};

// The instant a dry run is made at: now (the last finished period); the end of the period in progress
// (--period current: the next 08:00, or next Monday's for weekly digests and coordinator summaries); or DATE at
// 08:00 (--at). kInvalidArgument for a date that cannot be read.
core::StatusOr<int64_t> DigestInstant(const Config& config, const DigestArgs& a, mail::DigestRun run, int64_t now) {
  if (a.period.empty() && a.at.empty()) return now;
  auto zone = core::TimeZone::Load(config.mail_timezone);
  if (!zone.ok()) return core::InvalidArgument("mail.timezone: " + zone.status().message());
  const int hour = mail::DigestOptions().send_hour;
  auto at_hour = [&](int64_t instant) {
    core::LocalTime t = zone->ToLocal(instant);
    t.hour = hour;
    t.minute = t.second = 0;
    return zone->ToUtc(t);
  };
  if (!a.at.empty()) {
    int y = 0, m = 0, d = 0;
    char extra = 0;
    if (a.at.size() != 10 || std::sscanf(a.at.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &extra) != 3 || m < 1 || m > 12 ||
        d < 1 || d > 31)
      return core::InvalidArgument("--at must be a date, YYYY-MM-DD (not '" + a.at + "')");
    core::LocalTime t;
    t.year = y;
    t.month = m;
    t.day = d;
    t.hour = hour;
    return zone->ToUtc(t);
  }
  if (a.period == "last") return now;
  // "current": the next end of a period, whichever is due first at or after now.
  bool weekly = run != mail::DigestRun::kDaily;
  for (int days = 0; days <= 8; ++days) {
    int64_t end = at_hour(now + days * 86400);
    if (end <= now) continue;
    if (weekly && zone->ToLocal(end).weekday != 1) continue;  // Monday
    return end;
  }
  return now;
}

int Digest(const Config& config, const DigestArgs& a) {
  if (a.kind.empty()) return UsageError("digest needs --kind daily, weekly or coordinator");
  auto run = mail::ParseDigestRun(a.kind);
  if (!run.ok()) return UsageError("digest: " + run.status().message());
  core::Status st = PrepareStore(config);
  if (!st.ok()) return Fail(st);
  auto catalogs = i18n::Catalogs::Load(config.views_dir + "/i18n");
  if (!catalogs.ok()) return Fail(catalogs.status());
  if ((!a.period.empty() || !a.at.empty()) && !a.dry_run)
    return UsageError("digest: --period and --at only preview (with --dry-run): a digest is queued for its period");
  store::Pool pool(config.DatabasePath());
  core::SystemClock system_clock;
  auto instant = DigestInstant(config, a, *run, system_clock.NowSeconds());
  if (!instant.ok()) return UsageError("digest: " + instant.status().message());
  FixedClock clock(*instant);
  auto digests = DigestServiceFor(config, pool, clock, **catalogs);
  if (!digests.ok()) return Fail(digests.status());
  auto report = (*digests)->Run(*run, a.dry_run, a.to);
  if (!report.ok()) {
    std::cerr << "entraide: digest: " << report.status().message() << "\n";
    return report.status().code() == core::StatusCode::kNotFound ? 2 : 1;
  }
  if (!a.dry_run) {
    std::cout << "digest: " << report->Summary() << "\n";
    return 0;
  }
  // The subject as the recipient will see it: composed from the same templates as the real message.
  auto mail = LoadComposer(config, **catalogs, pool);
  if (!mail.ok()) return Fail(mail.status());
  const mail::Composer& composer = *mail->mail.composer;
  std::cout << "email\tkind\tkey\tsubject\tcounts\n";
  for (const auto& d : report->digests) {
    auto composed = composer.Compose({d.message, 0, "<dry-run@" + composer.Domain() + ">", ""}, clock.NowSeconds());
    std::string counts;
    for (const auto& [name, n] : d.counts) counts += (counts.empty() ? "" : ", ") + name + " " + std::to_string(n);
    std::cout << d.message.recipient_email << "\t" << model::ToString(d.message.kind) << "\t" << *d.message.dedupe_key
              << "\t" << (composed.ok() ? composed->subject : "(" + composed.status().message() + ")") << "\t" << counts
              << "\n";
  }
  std::cout << "digest --dry-run: " << report->digests.size() << " would be queued, " << report->already_queued
            << " already queued, " << report->empty << " empty; nothing was queued\n";
  return 0;
}

// One message on standard input (as Postfix's pipe and Exim's pipe transport give it), through the Receiver
// serve's POP3 poller uses; the exit code tells the mail server what became of it (see inbox::Received).
int MailReceive(const Config& config, bool accept_refused) {
  // A database that cannot be opened is a passing trouble for the mail server: it keeps the message and tries
  // again later (75) rather than bouncing it.
  core::Status st = PrepareStore(config);
  if (!st.ok()) {
    std::cerr << "mail receive: try again later: " << st.message() << "\n";
    return 75;
  }
  markdown::InitMarkdown();
  inbox::ReceiverOptions options = ReceiverOptionsFor(config);
  // Read it all (the mail server expects that), keep at most one byte past the limit.
  std::string raw;
  char buffer[65536];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, stdin)) > 0)
    if (raw.size() <= options.limits.max_message_bytes)
      raw.append(buffer, std::min(n, options.limits.max_message_bytes + 1 - raw.size()));
  store::Pool pool(config.DatabasePath());
  core::SystemClock clock;
  auth::Accounts accounts(pool, clock, AuthOptionsFor(config));
  tickets::TicketService tickets(pool, clock, config.data_dir + "/attachments", config.site_base_url);
  auto targets = tickets::ParseResponseTargets(config.helpdesk_first_answer_hours);
  if (targets.ok()) tickets.SetResponseTargets(*targets);
  inbox::Receiver receiver(pool, clock, accounts.sessions, tickets, options);
  inbox::Received r = receiver.Receive(raw);
  std::cerr << "mail receive: " << (r.try_later ? "try again later" : std::string(model::ToString(r.outcome))) << ": "
            << r.reason << "\n";
  int code = r.ExitCode();
  return code == 65 && accept_refused ? 0 : code;
}

// The addresses that bounce, or forgetting one's failures (mail to it starts again).
int MailBounces(const Config& config, const std::string& clear) {
  core::Status st = PrepareStore(config);
  if (!st.ok()) return Fail(st);
  store::Pool pool(config.DatabasePath());
  auto db = pool.Acquire();
  if (!db.ok()) return Fail(db.status());
  store::InboundRepository repo(**db);
  if (!clear.empty()) {
    auto done = repo.ClearBounce(clear);
    if (!done.ok()) return Fail(done.status());
    if (!*done) return Fail(core::NotFound("no delivery failure is recorded for " + clear));
    std::cout << "mail bounces: " << clear << " cleared; mail to it is sent again\n";
    return 0;
  }
  auto list = repo.Bouncing();
  if (!list.ok()) return Fail(list.status());
  std::cout << "email\tfailures\tsince\tlast status\n";
  for (const auto& b : *list)
    std::cout << b.email << "\t" << b.failures << "\t" << core::FormatIso8601Utc(*b.bouncing_since) << "\t"
              << b.last_status << "\n";
  return 0;
}

// Revokes the reply addresses of one person (by address) or of one ticket (by reference).
int RevokeReplies(const Config& config, const std::string& email, const std::string& ref) {
  if (email.empty() == ref.empty()) return UsageError("revoke-replies: give either --user EMAIL or --ticket REF");
  core::Status st = PrepareStore(config);
  if (!st.ok()) return Fail(st);
  store::Pool pool(config.DatabasePath());
  auto db = pool.Acquire();
  if (!db.ok()) return Fail(db.status());
  core::SystemClock clock;
  core::StatusOr<int64_t> revoked = 0;
  if (!email.empty()) {
    auto user = store::AccountRepository(**db).FindUserByEmail(email);
    if (!user.ok()) return Fail(user.status());
    if (!*user) return Fail(core::NotFound("nobody has the address " + email));
    revoked = tickets::RevokeReplyTokensOfUser(**db, (*user)->id, clock.NowSeconds());
  } else {
    auto id = store::TicketRepository(**db).IdOfRef(ref);
    if (!id.ok()) return Fail(id.status());
    if (!*id) return Fail(core::NotFound("no ticket has the reference " + ref));
    revoked = tickets::RevokeReplyTokensOfTicket(**db, **id, clock.NowSeconds());
  }
  if (!revoked.ok()) return Fail(revoked.status());
  std::cout << "revoked " << *revoked << " reply address" << (*revoked == 1 ? "" : "es") << " of "
            << (email.empty() ? ref : email) << "\n";
  return 0;
}

}  // namespace

void AddMailCommands(CLI::App& app, CliContext& ctx) {
  auto* mail = app.add_subcommand("mail", "the outbox: deliver what is due, or see its state")->require_subcommand(1);
  auto retry_now = std::make_shared<bool>(false);
  auto* send = mail->add_subcommand("send", "deliver the emails that are due (one pass, for cron)");
  send->add_flag("--retry-now", *retry_now, "make every pending message due at once (after fixing SMTP settings)");
  send->footer(
      "One delivery pass over the outbox, as serve's sender does every mail.poll_seconds: through\n"
      "mail.smtp.host, or as .eml files in data.dir/mail when no host is set. A message that fails is\n"
      "retried 1 minute later, then 2, 4 ... up to every 6 hours, and marked failed 48 hours after it was\n"
      "queued. Safe while serve runs: two senders never send one message.");
  send->callback([&ctx, retry_now] { ctx.run = [retry_now](const Config& c) { return MailSend(c, *retry_now); }; });
  auto json = std::make_shared<bool>(false);
  auto* status = mail->add_subcommand("status", "how many emails are pending, sent, failed; the newest failures");
  status->add_flag("--json", *json, "one JSON object for programs");
  status->callback([&ctx, json] { ctx.run = [json](const Config& c) { return MailStatus(c, *json); }; });
  auto revoke_user = std::make_shared<std::string>(), revoke_ticket = std::make_shared<std::string>();
  auto* revoke = mail->add_subcommand("revoke-replies", "revoke reply addresses: a person's, or a ticket's");
  auto* by_user = revoke->add_option("--user", *revoke_user, "every reply address given to this person (an email)");
  revoke->add_option("--ticket", *revoke_ticket, "every reply address of this ticket (its reference, ENT-2026-0042)")
      ->excludes(by_user);
  revoke->footer(
      "With mail.reply_address set, each ticket email carries a Reply-To address that lets its recipient\n"
      "answer that ticket by mail. Revoked addresses are refused from then on; new emails get new ones.\n"
      "A person revokes their own on their email preferences page; deactivating or erasing an account\n"
      "revokes all of its addresses.");
  revoke->callback([&ctx, revoke_user, revoke_ticket] {
    ctx.run = [revoke_user, revoke_ticket](const Config& c) { return RevokeReplies(c, *revoke_user, *revoke_ticket); };
  });

  auto accept_refused = std::make_shared<bool>(false);
  auto* receive = mail->add_subcommand("receive", "take one message from standard input (for Postfix or Exim)");
  receive->add_flag("--accept-refused", *accept_refused,
                    "exit 0 instead of 65 for a refused message, so the mail server does not bounce it");
  receive->footer(
      "Reads one RFC 5322 message on standard input and does what it asks, as serve's POP3 poller would:\n"
      "a reply to mail.reply_address+TOKEN lands on its ticket, a delivery report to\n"
      "mail.bounce_address+TAG counts a failure, a message to mail.new_ticket_address opens a ticket after\n"
      "a confirmation link. Exit codes (sysexits): 0 taken (also: ignored automatic mail, a duplicate, a\n"
      "delivery report), 67 unknown address, 65 refused (forged sender, revoked address, a limit), 75 try\n"
      "again later. Nothing is ever sent back for a refused or ignored message; the reason is logged.");
  receive->callback([&ctx, accept_refused] {
    ctx.run = [accept_refused](const Config& c) { return MailReceive(c, *accept_refused); };
  });
  auto clear = std::make_shared<std::string>();
  auto* bounces = mail->add_subcommand("bounces", "the addresses that bounce (no mail is sent to them)");
  bounces->add_option("--clear", *clear, "forget this address's failures: mail to it is sent again");
  bounces->callback([&ctx, clear] { ctx.run = [clear](const Config& c) { return MailBounces(c, *clear); }; });

  auto args = std::make_shared<DigestArgs>();
  auto* digest = app.add_subcommand("digest", "queue this period's digests (for cron; serve does it by itself)");
  digest->add_option("--kind", args->kind, "daily, weekly or coordinator");
  digest->add_flag("--dry-run", args->dry_run,
                   "print what would be queued (recipient, subject, counts); queue nothing");
  digest->add_option("--to", args->to, "only this person's digests (an email address)");
  digest
      ->add_option("--period", args->period,
                   "with --dry-run: last (the period that ended, the default) or current (the one in progress, "
                   "up to now)")
      ->check(CLI::IsMember({"last", "current"}));
  digest->add_option("--at", args->at, "with --dry-run: the period that ends on this date (YYYY-MM-DD) at 08:00");
  digest->footer(
      "A period starts at 08:00 in mail.timezone: run it at 08:00 or later (weekly ones on Mondays).\n"
      "  daily        every digest whose frequency is daily (the volunteer digest by default)\n"
      "  weekly       every digest whose frequency is weekly (group digests, coordinator summaries)\n"
      "  coordinator  the coordinator summaries, at each coordinator's frequency\n"
      "Each person gets one message per digest and period, however often this runs; a digest with\n"
      "nothing in it is not queued. The sender delivers them (serve, or entraide mail send).\n"
      "A coordinator can preview a digest now: --dry-run --period current (the period in progress,\n"
      "up to now), or --dry-run --at YYYY-MM-DD (the period that ends that day).");
  digest->callback([&ctx, args] { ctx.run = [args](const Config& c) { return Digest(c, *args); }; });
}

}  // namespace entraide::app
