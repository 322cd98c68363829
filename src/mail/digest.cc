#include "mail/digest.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <set>

#include "core/json_writer.h"
#include "core/log.h"
#include "core/random.h"
#include "core/sha256.h"
#include "core/strings.h"
#include "i18n/wording.h"
#include "mail/mime.h"
#include "store/database.h"
#include "store/digest_repo.h"
#include "store/take_link_repo.h"

namespace entraide::mail {
namespace {

constexpr size_t kBatch = 50;  // digests per write transaction: short locks, few fsyncs

core::LocalTime ShiftDays(const core::LocalTime& day, int64_t n) {
  core::LocalTime out;
  core::CivilFromDays(
      core::DaysFromCivil(day.year, static_cast<unsigned>(day.month), static_cast<unsigned>(day.day)) + n, &out.year,
      &out.month, &out.day);
  return out;
}

// Writes a list of at most `max` items under `key` with `item`, then "<key>_more" when some were left out (a
// count, and "<key>_more_label": "et 1 autre", "and 3 more", the catalog's digest_more).
template <typename T, typename Fn>
void List(core::JsonWriter& w, const i18n::Catalog& t, const std::string& key, const std::vector<T>& items, size_t max,
          Fn item) {
  w.Key(key).BeginArray();
  for (size_t i = 0; i < items.size() && i < max; ++i) item(items[i]);
  w.EndArray();
  w.Field("has_" + key, !items.empty()).Field(key + "_count", static_cast<int64_t>(items.size()));
  if (items.size() <= max) return;
  auto more = static_cast<int64_t>(items.size() - max);
  w.Field(key + "_more", more).Field(key + "_more_label", t.Plural("digest_more", more));
}

}  // namespace

core::StatusOr<DigestRun> ParseDigestRun(const std::string& s) {
  if (s == "daily") return DigestRun::kDaily;
  if (s == "weekly") return DigestRun::kWeekly;
  if (s == "coordinator") return DigestRun::kCoordinator;
  return core::InvalidArgument("--kind must be daily, weekly or coordinator (not '" + s + "')");
}

std::string DigestReport::Summary() const {
  return std::to_string(queued) + " queued, " + std::to_string(already_queued) + " already queued, " +
         std::to_string(empty) + " empty (not sent)";
}

// What every digest of one (kind, period) shares, read once per run.
struct DigestService::Shared {
  std::vector<store::DigestTicket> unclaimed, waiting, late;
  std::map<int64_t, std::vector<store::DigestGroup>> groups;
  std::map<int64_t, std::vector<store::DigestTicket>> open_by_group;
  std::map<std::string, std::vector<store::DigestArticle>> articles;  // by language
  int64_t opened = 0, resolved = 0, articles_added = 0;
  int64_t drafted = 0, drafted_published = 0;  // articles drafted from solved tickets (and published since)
  std::optional<int64_t> median_first_answer;
  std::vector<store::DigestTicket> oldest;
  std::vector<store::CategoryCount> categories;
};

// Digests waiting to be written, with their take links.
struct DigestService::Batch {
  std::vector<PlannedDigest> digests;
  std::vector<std::vector<store::TakeLinkRecord>> links;
};

DigestService::DigestService(store::Pool& pool, const core::Clock& clock, core::TimeZone zone,
                             const i18n::Catalogs& catalogs, DigestOptions options)
    : pool_(pool), clock_(clock), zone_(std::move(zone)), catalogs_(catalogs), o_(std::move(options)) {}

int64_t DigestService::LocalAt(const core::LocalTime& day, int64_t day_offset) const {
  core::LocalTime t = ShiftDays(day, day_offset);
  t.hour = o_.send_hour;
  return zone_.ToUtc(t);
}

DigestPeriod DigestService::Daily(int64_t now) const {
  core::LocalTime today = zone_.ToLocal(now);
  int64_t back = now >= LocalAt(today, 0) ? 0 : -1;
  return {core::FormatDate(ShiftDays(today, back)), LocalAt(today, back - 1), LocalAt(today, back)};
}

DigestPeriod DigestService::Weekly(int64_t now) const {
  core::LocalTime today = zone_.ToLocal(now);
  int64_t back = -((today.weekday + 6) % 7);  // to this week's Monday
  if (now < LocalAt(today, back)) back -= 7;
  return {core::IsoWeek(ShiftDays(today, back)), LocalAt(today, back - 7), LocalAt(today, back)};
}

core::StatusOr<DigestReport> DigestService::Run(DigestRun run, bool dry_run, const std::string& only_email) {
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  int64_t now = clock_.NowSeconds();
  if (!only_email.empty()) {
    auto user = store::AccountRepository(**db).FindUserByEmail(only_email);
    if (!user.ok()) return user.status();
    if (!*user) return core::NotFound("nobody has the email " + only_email);
  }
  using model::DigestKind;
  std::vector<std::pair<DigestKind, std::string>> plan;  // (digest, frequency)
  if (run == DigestRun::kCoordinator) {
    plan = {{DigestKind::kCoordinator, "daily"}, {DigestKind::kCoordinator, "weekly"}};
  } else {
    std::string f = run == DigestRun::kDaily ? "daily" : "weekly";
    for (DigestKind d : model::kDigestKinds) plan.push_back({d, f});
  }
  DigestReport report;
  for (const auto& [digest, frequency] : plan)
    ENTRAIDE_RETURN_IF_ERROR(Plan(**db, digest, frequency, now, dry_run, only_email, report));
  // Links that expired a month ago can only say "expired": forget them.
  if (!dry_run) (void)store::TakeLinkRepository(**db).DeleteExpiredBefore(now - 30 * 24 * 3600);
  return report;
}

core::StatusOr<DigestReport> DigestService::QueueDue() {
  int64_t now = clock_.NowSeconds();
  core::LocalTime today = zone_.ToLocal(now);
  DigestReport total;
  if (now < LocalAt(today, 0)) return total;
  std::string day = core::FormatDate(today);
  DigestPeriod week = Weekly(now);  // the latest weekly period, begun at its Monday 08:00 (week.until)
  bool weekly_due = now < week.until + kWeeklyCatchUpS;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (daily_done_ == day && (!weekly_due || weekly_done_ == week.key)) return total;
  }
  auto add = [&](const DigestReport& r) {
    total.queued += r.queued;
    total.already_queued += r.already_queued;
    total.empty += r.empty;
  };
  auto daily = Run(DigestRun::kDaily, false);
  if (!daily.ok()) return daily.status();
  add(*daily);
  if (weekly_due) {
    auto weekly = Run(DigestRun::kWeekly, false);  // queued once per person and week: dedupe keys
    if (!weekly.ok()) return weekly.status();
    add(*weekly);
  }
  std::lock_guard<std::mutex> lock(mu_);
  daily_done_ = day;
  if (weekly_due) weekly_done_ = week.key;
  return total;
}

core::Status DigestService::Plan(store::Database& db, model::DigestKind digest, const std::string& frequency,
                                 int64_t now, bool dry_run, const std::string& only_email, DigestReport& report) {
  store::DigestRepository repo(db);
  auto recipients = repo.Recipients(std::string(model::ToString(digest)), frequency);
  if (!recipients.ok()) return recipients.status();
  if (!only_email.empty())
    std::erase_if(*recipients, [&](const store::DigestRecipient& r) {
      return core::ToLowerAscii(r.email) != core::ToLowerAscii(only_email);
    });
  if (recipients->empty()) return core::Status::Ok();
  DigestPeriod p = frequency == "daily" ? Daily(now) : Weekly(now);

  // What the digests of this kind share.
  Shared sh;
  if (digest == model::DigestKind::kVolunteer) {
    auto unclaimed = repo.UnclaimedOpenedIn(p.since, p.until);
    if (!unclaimed.ok()) return unclaimed.status();
    sh.unclaimed = std::move(unclaimed).value();
    auto waiting = repo.WaitingForAnswerSince(p.until - o_.unanswered_after_s);
    if (!waiting.ok()) return waiting.status();
    std::set<int64_t> listed;
    if (!o_.first_answer_target_s.empty()) {  // late for a first answer: listed first, and only there
      std::map<std::string, int64_t> opened_before;
      for (const auto& [urgency, s] : o_.first_answer_target_s) opened_before[urgency] = p.until - s;
      auto late = repo.LateForFirstAnswer(opened_before);
      if (!late.ok()) return late.status();
      sh.late = std::move(late).value();
      for (const auto& t : sh.late) listed.insert(t.id);
      std::erase_if(sh.unclaimed, [&](const store::DigestTicket& t) { return listed.count(t.id) > 0; });
    }
    for (const auto& t : sh.unclaimed) listed.insert(t.id);
    for (auto& t : *waiting)
      if (!listed.count(t.id)) sh.waiting.push_back(std::move(t));
  } else if (digest == model::DigestKind::kGroup) {
    auto groups = repo.MemberGroups();
    if (!groups.ok()) return groups.status();
    sh.groups = std::move(groups).value();
    auto open = repo.OpenTicketsByGroup();
    if (!open.ok()) return open.status();
    sh.open_by_group = std::move(open).value();
    for (const std::string& lang : i18n::SupportedLangs()) {
      auto a = repo.ArticlesChanged(lang, p.since, p.until);
      if (!a.ok()) return a.status();
      sh.articles[lang] = std::move(a).value();
    }
  } else {
    auto opened = repo.CountOpened(p.since, p.until);
    auto resolved = repo.CountResolved(p.since, p.until);
    auto delays = repo.FirstAnswerDelays(p.since, p.until);
    auto oldest = repo.OldestOpen(5);
    auto cats = repo.BusiestCategories(p.since, p.until, 5);
    auto drafted = repo.DraftedFromTickets(p.since, p.until);
    if (!drafted.ok()) return drafted.status();
    sh.drafted = drafted->drafted;
    sh.drafted_published = drafted->published;
    if (!opened.ok()) return opened.status();
    if (!resolved.ok()) return resolved.status();
    if (!delays.ok()) return delays.status();
    if (!oldest.ok()) return oldest.status();
    if (!cats.ok()) return cats.status();
    sh.opened = *opened;
    sh.resolved = *resolved;
    if (!delays->empty()) {
      size_t n = delays->size();
      sh.median_first_answer = n % 2 ? (*delays)[n / 2] : ((*delays)[n / 2 - 1] + (*delays)[n / 2]) / 2;
    }
    sh.oldest = std::move(oldest).value();
    sh.categories = std::move(cats).value();
    for (const std::string& lang : i18n::SupportedLangs()) {
      auto a = repo.ArticlesChanged(lang, p.since, p.until);
      if (!a.ok()) return a.status();
      std::erase_if(*a, [](const store::DigestArticle& x) { return !x.is_new; });
      sh.articles_added += static_cast<int64_t>(a->size());
      sh.articles[lang] = std::move(a).value();
    }
  }

  Batch batch;
  auto flush = [&]() -> core::Status {
    if (batch.digests.empty()) return core::Status::Ok();
    auto tx = store::Transaction::Begin(db);
    if (!tx.ok()) return tx.status();
    std::vector<bool> inserted;
    for (size_t i = 0; i < batch.digests.size(); ++i) {
      auto ok = repo.QueueOnce(batch.digests[i].message);
      if (!ok.ok()) return ok.status();
      inserted.push_back(*ok);
      if (!*ok) continue;  // another sender of digests was quicker: its links are the ones in the email
      store::TakeLinkRepository links(db);
      for (const auto& l : batch.links[i]) ENTRAIDE_RETURN_IF_ERROR(links.Add(l));
    }
    ENTRAIDE_RETURN_IF_ERROR((*tx)->Commit());
    for (size_t i = 0; i < batch.digests.size(); ++i) {
      if (!inserted[i]) {
        ++report.already_queued;
        continue;
      }
      batch.digests[i].queued = true;
      ++report.queued;
      report.digests.push_back(std::move(batch.digests[i]));
    }
    batch = Batch{};
    return core::Status::Ok();
  };

  const std::string kind(model::ShortName(digest));
  for (const auto& r : *recipients) {
    std::string key = "digest:" + kind + ":" + std::to_string(r.user_id) + ":" + p.key;
    auto queued = repo.Queued(key);
    if (!queued.ok()) return queued.status();
    if (*queued) {
      ++report.already_queued;
      continue;
    }
    const std::string lang = i18n::IsSupportedLang(r.lang) ? r.lang : "fr";
    const auto& t = catalogs_.For(lang);
    const std::string site = o_.base_url + "/" + lang;
    auto ticket_url = [&](int64_t id) { return site + "/tickets/" + std::to_string(id); };
    PlannedDigest d;
    std::vector<store::TakeLinkRecord> links;
    core::JsonWriter w;
    w.BeginObject().Field("name", r.name).Field("period", p.key).Field("frequency", frequency);
    w.Field("daily", frequency == "daily").Field("weekly", frequency == "weekly");
    core::LocalTime end = zone_.ToLocal(p.until);
    w.Field("period_label", i18n::LongDate(t, end.year, end.month, end.day));
    bool empty = true;

    if (digest == model::DigestKind::kVolunteer) {
      auto activity = repo.ActivityOnHeldTickets(r.user_id, p.since, p.until);
      if (!activity.ok()) return activity.status();
      empty = sh.unclaimed.empty() && sh.waiting.empty() && sh.late.empty() && activity->empty();
      auto take = [&](const store::DigestTicket& x) {
        if (x.assignee_id) return std::string();
        std::string token = core::RandomHex(32);
        links.push_back({core::Sha256Hex(token), r.user_id, x.id, now, now + o_.take_link_ttl_s, std::nullopt});
        return site + "/take/" + token;
      };
      auto ticket = [&](const store::DigestTicket& x) {
        w.BeginObject().Field("ref", x.ref).Field("subject", OneLine(x.subject)).Field("group", OneLine(x.group_name));
        w.Field("url", ticket_url(x.id)).Field("urgency", t.Get("urgency_" + x.urgency));
        w.Field("urgent", x.urgency == "high" || x.urgency == "blocking");
        auto days = static_cast<int64_t>((now - (x.waiting_since ? x.waiting_since : x.created_at)) / 86400);
        w.Field("days", days).Field("days_label", t.Plural("count_days", days));
        if (x.assignee_id) w.Field("assignee", OneLine(t.PersonName(x.assignee_name)));
        std::string link = take(x);
        if (!link.empty()) w.Field("take_url", link);
        w.EndObject();
      };
      if (!empty) {
        List(w, t, "late", sh.late, o_.max_items, ticket);
        List(w, t, "unclaimed", sh.unclaimed, o_.max_items, ticket);
        List(w, t, "waiting", sh.waiting, o_.max_items, ticket);
        List(w, t, "activity", *activity, o_.max_items, [&](const store::DigestActivity& a) {
          w.BeginObject()
              .Field("ref", a.ref)
              .Field("subject", OneLine(a.subject))
              .Field("url", ticket_url(a.ticket_id));
          w.Field("actor", a.actor_name.empty() ? t.Get("digest_system") : OneLine(t.PersonName(a.actor_name)));
          w.Field("is_reply", a.kind == "reply").Field("is_status", a.kind == "status");
          if (a.kind == "status") w.Field("status", t.Get("status_" + a.new_value));
          w.EndObject();
        });
        w.Field("queue_url", site + "/queue");
        d.counts = {{"unclaimed", static_cast<int>(sh.unclaimed.size())},
                    {"waiting", static_cast<int>(sh.waiting.size())},
                    {"activity", static_cast<int>(activity->size())},
                    {"late", static_cast<int>(sh.late.size())}};
      }
    } else if (digest == model::DigestKind::kGroup) {
      const auto& articles = sh.articles[lang];
      auto groups = sh.groups.find(r.user_id);
      std::vector<std::pair<store::DigestGroup, const std::vector<store::DigestTicket>*>> sections;
      size_t tickets = 0;
      if (groups != sh.groups.end())
        for (const auto& g : groups->second)
          if (auto it = sh.open_by_group.find(g.id); it != sh.open_by_group.end() && !it->second.empty()) {
            sections.push_back({g, &it->second});
            tickets += it->second.size();
          }
      empty = articles.empty() && sections.empty();
      if (!empty) {
        List(w, t, "articles", articles, o_.max_items, [&](const store::DigestArticle& a) {
          w.BeginObject().Field("title", OneLine(a.title)).Field("summary", OneLine(a.summary));
          w.Field("url", site + "/articles/" + a.slug).Field("is_new", a.is_new).EndObject();
        });
        List(w, t, "groups", sections, o_.max_items, [&](const auto& s) {
          w.BeginObject().Field("group", OneLine(s.first.name));
          List(w, t, "tickets", *s.second, o_.max_items, [&](const store::DigestTicket& x) {
            w.BeginObject().Field("ref", x.ref).Field("subject", OneLine(x.subject));
            w.Field("status", t.Get("status_" + x.status)).Field("url", ticket_url(x.id));
            w.Field("waiting_on_group", x.status == "waiting_on_group").EndObject();
          });
          w.EndObject();
        });
        w.Field("articles_url", site + "/articles").Field("tickets_url", site + "/tickets");
        w.Field("tickets_total", static_cast<int64_t>(tickets));
        d.counts = {{"articles", static_cast<int>(articles.size())}, {"tickets", static_cast<int>(tickets)}};
      }
    } else {
      const auto& added = sh.articles[lang];
      empty = sh.opened == 0 && sh.resolved == 0 && sh.oldest.empty() && sh.articles_added == 0 && sh.drafted == 0;
      if (!empty) {
        // The articles added in the recipient's language: the count the list below it is "and N more" of.
        w.Field("opened", sh.opened).Field("resolved", sh.resolved);
        w.Field("articles_added", static_cast<int64_t>(added.size()));
        // "3 articles drafted from solved tickets (1 published)": the catalog's plural forms for both counts.
        w.Field("drafted", sh.drafted).Field("has_drafted", sh.drafted > 0);
        w.Field("drafted_label", t.Plural("digest_drafted", sh.drafted,
                                          {{"published", t.Plural("digest_drafted_published", sh.drafted_published)}}));
        w.Field("has_median", sh.median_first_answer.has_value());
        if (sh.median_first_answer) w.Field("median_first_answer", i18n::Duration(t, *sh.median_first_answer));
        List(w, t, "oldest", sh.oldest, o_.max_items, [&](const store::DigestTicket& x) {
          w.BeginObject()
              .Field("ref", x.ref)
              .Field("subject", OneLine(x.subject))
              .Field("group", OneLine(x.group_name));
          w.Field("status", t.Get("status_" + x.status)).Field("url", ticket_url(x.id));
          w.Field("age", i18n::Duration(t, std::max<int64_t>(0, now - x.created_at))).EndObject();
        });
        List(w, t, "categories", sh.categories, o_.max_items, [&](const store::CategoryCount& c) {
          w.BeginObject().Field("category", lang == "en" ? c.name_en : c.name_fr).Field("count", c.count).EndObject();
        });
        List(w, t, "added", added, o_.max_items, [&](const store::DigestArticle& a) {
          w.BeginObject().Field("title", OneLine(a.title)).Field("url", site + "/articles/" + a.slug).EndObject();
        });
        w.Field("queue_url", site + "/queue").Field("admin_url", site + "/admin");
        d.counts = {{"opened", static_cast<int>(sh.opened)},
                    {"resolved", static_cast<int>(sh.resolved)},
                    {"oldest", static_cast<int>(sh.oldest.size())},
                    {"articles", static_cast<int>(added.size())},
                    {"drafted", static_cast<int>(sh.drafted)}};
      }
    }
    if (empty) {
      ++report.empty;
      continue;
    }
    w.EndObject();
    d.message = store::OutboxMessage::To(model::MailKindOf(digest), r.user_id, r.email, r.name, lang, w.Take(), now);
    d.message.dedupe_key = key;
    if (dry_run) {
      report.digests.push_back(std::move(d));
      continue;
    }
    batch.digests.push_back(std::move(d));
    batch.links.push_back(std::move(links));
    if (batch.digests.size() >= kBatch) ENTRAIDE_RETURN_IF_ERROR(flush());
  }
  return flush();
}

}  // namespace entraide::mail
