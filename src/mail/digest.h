// DigestService: queues the digests, one outbox row per (person, kind, period):
//   volunteer_digest     new unclaimed tickets of the period, open tickets with no public answer for more than
//                        3 days, and replies and status changes by others on the tickets the volunteer holds;
//                        each unclaimed ticket carries an "I'll take it" link (see TakeLinks below)
//   group_digest         new and updated articles in the member's language, and the open tickets of the
//                        member's groups (never another group's)
//   coordinator_summary  tickets opened and resolved, median time to the first public answer, the oldest open
//                        tickets, the busiest categories, the articles added, the articles drafted from solved
//                        tickets (and how many of them are published)
// Periods are local days and ISO weeks in mail.timezone, starting at 08:00 local time: the daily period
// "2026-11-28" covers [Nov 27 08:00, Nov 28 08:00) local, the weekly "2026-W48" [Monday 08:00 a week before,
// Monday 08:00). The dedupe key "digest:<volunteer|group|coordinator>:<user id>:<period>" is inserted with ON
// CONFLICT DO NOTHING, so running twice (two processes, a restart, cron and serve) never queues twice. A digest
// with nothing in it is not queued. Each person gets each digest at their own frequency (mail_settings).
//
// Take links: 32 random bytes (getrandom) in the link, only their SHA-256 in take_links with the volunteer,
// the ticket and an expiry 7 days later, inserted in the same transaction as the message.
//
// Thread-safe (each call takes its own connection; QueueDue's memory of what is done is locked).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "core/timezone.h"
#include "i18n/catalog.h"
#include "store/account_repo.h"
#include "store/pool.h"

namespace entraide::mail {

// What `entraide digest --kind` asks for: every digest whose frequency is daily, every weekly one, or the
// coordinator summaries (at their own frequency).
enum class DigestRun { kDaily, kWeekly, kCoordinator };
// "daily", "weekly", "coordinator"; kInvalidArgument otherwise.
core::StatusOr<DigestRun> ParseDigestRun(const std::string& s);

struct DigestOptions {
  std::string base_url = "http://127.0.0.1:8080";  // no trailing slash
  int send_hour = 8;                               // local time
  int64_t take_link_ttl_s = 7 * 24 * 3600;
  int64_t unanswered_after_s = 3 * 24 * 3600;
  size_t max_items = 20;  // per list in one message; the rest is counted ("and 4 more")
  // Seconds an open ticket of each urgency may wait for its first public answer (helpdesk.first_answer_hours):
  // the volunteer digest lists those past it as late. Empty: no such list.
  std::map<std::string, int64_t> first_answer_target_s;
};

struct DigestPeriod {
  std::string key;    // "2026-11-28" or "2026-W48"
  int64_t since = 0;  // the window [since, until): the previous period's 08:00 to this one's
  int64_t until = 0;
};

// One digest, as queued or as a dry run shows it.
struct PlannedDigest {
  store::OutboxMessage message;                     // data_json filled in; dedupe_key set
  std::vector<std::pair<std::string, int>> counts;  // e.g. {"unclaimed", 3}, {"waiting", 1}
  bool queued = false;                              // inserted by this run (false in a dry run)
};

struct DigestReport {
  int queued = 0;                      // new rows in the outbox
  int already_queued = 0;              // this person already has this period's digest
  int empty = 0;                       // nothing to say: not queued
  std::vector<PlannedDigest> digests;  // what was (or, in a dry run, would be) queued
  std::string Summary() const;
};

class DigestService {
 public:
  DigestService(store::Pool& pool, const core::Clock& clock, core::TimeZone zone, const i18n::Catalogs& catalogs,
                DigestOptions options);

  // The current period of each frequency at `now`: the latest 08:00 (daily) or Monday 08:00 (weekly) at or before it.
  DigestPeriod Daily(int64_t now) const;
  DigestPeriod Weekly(int64_t now) const;

  // Queues the digests of `run` for the current period (or only lists them with dry_run). only_email: only that
  // person (kNotFound when nobody has that email). kUnavailable when the store is busy.
  core::StatusOr<DigestReport> Run(DigestRun run, bool dry_run, const std::string& only_email = "");

  // For serve, on every pass of the mail worker: after 08:00 local queues the day's daily digests, and from
  // Monday 08:00 the week's weekly ones, once (a server started at 10:00 still queues that day's). A server
  // that was not running on Monday catches the weekly ones up until kWeeklyCatchUpS later (Wednesday 08:00);
  // after that the week is skipped rather than sent days late. Cheap when done.
  core::StatusOr<DigestReport> QueueDue();
  static constexpr int64_t kWeeklyCatchUpS = 2 * 24 * 3600;

  const core::TimeZone& zone() const { return zone_; }

 private:
  struct Shared;
  struct Batch;
  core::Status Plan(store::Database& db, model::DigestKind digest, const std::string& frequency, int64_t now,
                    bool dry_run, const std::string& only_email, DigestReport& report);
  int64_t LocalAt(const core::LocalTime& day, int64_t day_offset) const;  // 08:00 local, day_offset days later

  store::Pool& pool_;
  const core::Clock& clock_;
  core::TimeZone zone_;
  const i18n::Catalogs& catalogs_;
  DigestOptions o_;
  std::mutex mu_;
  std::string daily_done_, weekly_done_;  // the periods QueueDue has queued
};

}  // namespace entraide::mail
