#include "insights/insights_service.h"

#include <algorithm>
#include <unordered_map>

#include "auth/policy.h"
#include "core/random.h"
#include "core/sha256.h"
#include "core/strings.h"
#include "store/insights_repo.h"
#include "store/pool.h"

namespace entraide::insights {
namespace {

constexpr int64_t kDay = 86400;
constexpr int64_t kWeek = 7 * kDay;

bool IsOpenStatus(const std::string& s) {
  return s == "new" || s == "triaged" || s == "in_progress" || s == "waiting_on_group";
}

// The rank of a needs-revision reason on the dashboard: both first, then a poor score, then citations.
int Rank(RevisionReason r) {
  switch (r) {
    case RevisionReason::kBoth:
      return 0;
    case RevisionReason::kPoorScore:
      return 1;
    case RevisionReason::kUnresolvedCitations:
      return 2;
    case RevisionReason::kNone:
      break;
  }
  return 3;
}

}  // namespace

bool IsDashboardPeriod(int weeks) {
  return std::find(std::begin(kDashboardWeeks), std::end(kDashboardWeeks), weeks) != std::end(kDashboardWeeks);
}

InsightsService::InsightsService(store::Pool& pool, const core::Clock& clock, Options options)
    : pool_(pool), clock_(clock), options_(std::move(options)) {}

std::string InsightsService::DayOf(int64_t epoch_s) { return core::FormatIso8601Utc(epoch_s).substr(0, 10); }

std::string InsightsService::ClientHash(const std::string& client_address, const std::string& day) {
  std::lock_guard<std::mutex> lock(mu_);
  if (secret_day_ != day) {
    secret_day_ = day;
    secret_ = core::RandomHex(32);
  }
  auto mac = core::HmacSha256(secret_, client_address);
  return core::HexEncode(mac.data(), mac.size());
}

core::StatusOr<bool> InsightsService::RecordFeedback(const std::string& key, const std::string& lang,
                                                     const std::string& client_address, bool helpful) {
  int64_t now = clock_.NowSeconds();
  std::string day = DayOf(now);
  std::string client = ClientHash(client_address, day);
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  bool added = false;
  ENTRAIDE_RETURN_IF_ERROR(store::InTransaction(**db, [&]() -> core::Status {
    auto r = store::InsightsRepository(**db).AddFeedback(key, lang, day, client, helpful, now);
    if (!r.ok()) return r.status();
    added = *r;
    return core::Status::Ok();
  }));
  return added;
}

core::StatusOr<bool> InsightsService::AddFeedbackComment(const std::string& key, const std::string& client_address,
                                                         const std::string& comment) {
  std::string text(core::Trim(comment));
  if (text.size() > kMaxFeedbackComment)
    return core::InvalidField("comment", "at most 500 characters")
        .WithKey("feedback_comment_too_long", {{"max", std::to_string(kMaxFeedbackComment)}});
  if (!core::IsValidUtf8(text)) return core::InvalidField("comment", "not UTF-8").WithKey("insights_not_utf8");
  if (text.empty()) return false;
  std::string day = DayOf(clock_.NowSeconds());
  std::string client = ClientHash(client_address, day);
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  bool set = false;
  ENTRAIDE_RETURN_IF_ERROR(store::InTransaction(**db, [&]() -> core::Status {
    auto r = store::InsightsRepository(**db).SetFeedbackComment(key, day, client, text);
    if (!r.ok()) return r.status();
    set = *r;
    return core::Status::Ok();
  }));
  return set;
}

void InsightsService::CountSearch(const std::string& lang, const std::string& query, bool found) {
  Count(lang, query, 1, found ? 0 : 1, 0);
}

void InsightsService::CountClick(const std::string& lang, const std::string& query) { Count(lang, query, 0, 0, 1); }

void InsightsService::Count(const std::string& lang, const std::string& query, int64_t searches, int64_t no_result,
                            int64_t clicks) {
  std::string q = NormaliseQuery(query);
  if (q.empty()) return;
  std::string day = DayOf(clock_.NowSeconds());
  std::lock_guard<std::mutex> lock(mu_);
  auto& c = counts_[{day, lang, q}];
  c.day = day, c.lang = lang, c.query = q;
  c.searches += searches, c.no_result += no_result, c.clicks += clicks;
}

core::Status InsightsService::Maintain() {
  std::vector<model::SearchCount> pending;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [k, c] : counts_) pending.push_back(std::move(c));
    counts_.clear();
  }
  int64_t now = clock_.NowSeconds();
  std::string oldest_kept = DayOf(now - int64_t{options_.search_log_days - 1} * kDay);
  auto db = pool_.Acquire();
  core::Status st = db.status();
  if (st.ok()) {
    st = store::InTransaction(**db, [&]() -> core::Status {
      store::InsightsRepository repo(**db);
      ENTRAIDE_RETURN_IF_ERROR(repo.AddSearchCounts(pending));
      auto purged = repo.PurgeSearchLogBefore(oldest_kept);
      if (!purged.ok()) return purged.status();
      auto forgot = repo.ForgetClientsBefore(DayOf(now));
      return forgot.status();
    });
  }
  if (!st.ok()) {  // keep the counts for the next pass
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& c : pending) {
      auto& k = counts_[{c.day, c.lang, c.query}];
      k.day = c.day, k.lang = c.lang, k.query = c.query;
      k.searches += c.searches, k.no_result += c.no_result, k.clicks += c.clicks;
    }
  }
  return st;
}

core::StatusOr<Dashboard> InsightsService::GetDashboard(const auth::Principal* who, int weeks,
                                                        const std::string& lang) {
  ENTRAIDE_RETURN_IF_ERROR(auth::Require(who, auth::Action::kAdminister));
  if (!IsDashboardPeriod(weeks))
    return core::InvalidField("weeks", "must be 4, 12, 26 or 52").WithKey("dashboard_bad_period");
  int64_t now = clock_.NowSeconds();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = dashboards_.find({weeks, lang});
    if (it != dashboards_.end() && now >= it->second.to && now - it->second.to < kDashboardMaxAgeS) return it->second;
  }
  auto d = ComputeDashboard(weeks, lang);  // outside the lock: two first readers may both compute, same figures
  if (!d.ok()) return d.status();
  std::lock_guard<std::mutex> lock(mu_);
  dashboards_[{weeks, lang}] = *d;
  return d;
}

core::StatusOr<Dashboard> InsightsService::ComputeDashboard(int weeks, const std::string& lang) {
  Dashboard d;
  d.weeks = weeks;
  d.to = clock_.NowSeconds();
  d.from = d.to - weeks * kWeek;
  for (int i = 0; i < weeks; ++i) d.per_week.push_back(WeekFigures{d.from + i * kWeek, 0, 0});
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  store::InsightsRepository repo(**db);

  auto opened = repo.TicketsOpened(d.from, d.to);
  if (!opened.ok()) return opened.status();
  std::vector<int64_t> waits;
  const char* urgencies[] = {"blocking", "high", "normal", "low"};
  for (const char* u : urgencies) d.targets.push_back(TargetFigures{u, options_.targets.SecondsFor(u) / 3600, 0, 0});
  std::unordered_map<int64_t, int64_t> per_group;  // the busiest groups, from the same read of the period
  for (const auto& t : *opened) {
    ++d.per_week[std::min<int64_t>((t.created_at - d.from) / kWeek, weeks - 1)].opened;
    ++d.opened;
    ++per_group[t.group_id];
    auto target =
        std::find_if(d.targets.begin(), d.targets.end(), [&](const auto& x) { return x.urgency == t.urgency; });
    if (t.first_response_at) {
      int64_t wait = std::max<int64_t>(0, *t.first_response_at - t.created_at);
      waits.push_back(wait);
      if (target != d.targets.end()) {
        ++target->due;
        if (tickets::AnsweredInTime(options_.targets, t.urgency, wait)) ++target->in_time;
      }
    } else if (target != d.targets.end() && IsOpenStatus(t.status) &&
               tickets::LatenessOf(options_.targets, t.urgency, t.created_at, std::nullopt, d.to) ==
                   tickets::Lateness::kLate) {
      ++target->due;  // still waiting past its target: counted as missed
    }
  }
  d.answered = static_cast<int64_t>(waits.size());
  if (!waits.empty()) {
    // The median: the middle value, or the mean of the two middle ones.
    size_t mid = waits.size() / 2;
    std::nth_element(waits.begin(), waits.begin() + mid, waits.end());
    int64_t upper = waits[mid];
    if (waits.size() % 2 == 0) {
      int64_t lower = *std::max_element(waits.begin(), waits.begin() + mid);
      d.median_first_answer_s = (lower + upper) / 2;
    } else {
      d.median_first_answer_s = upper;
    }
  }
  auto resolved = repo.ResolvedTimes(d.from, d.to);
  if (!resolved.ok()) return resolved.status();
  for (int64_t at : *resolved) ++d.per_week[std::min<int64_t>((at - d.from) / kWeek, weeks - 1)].resolved;

  auto open = repo.OpenTickets();
  if (!open.ok()) return open.status();
  d.open = std::move(open).value();
  // The 10 groups that opened the most (ties: lowest id first), named.
  std::vector<std::pair<int64_t, int64_t>> counts(per_group.begin(), per_group.end());  // (group, tickets)
  auto most_first = [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  };
  size_t top = std::min<size_t>(10, counts.size());
  std::partial_sort(counts.begin(), counts.begin() + top, counts.end(), most_first);
  counts.resize(top);
  std::vector<int64_t> ids;
  for (const auto& [id, n] : counts) ids.push_back(id);
  auto groups = repo.GroupNames(ids);
  if (!groups.ok()) return groups.status();
  for (auto& g : *groups)
    g.count = std::find_if(counts.begin(), counts.end(), [&](const auto& c) { return c.first == g.id; })->second;
  d.groups = std::move(groups).value();
  auto volunteers = repo.AnsweredByVolunteer(d.from, d.to, 20);
  if (!volunteers.ok()) return volunteers.status();
  d.volunteers = std::move(volunteers).value();

  auto scores = repo.ArticleScores(d.from, d.to + 1, lang, d.to, options_.citation_settle_s);
  if (!scores.ok()) return scores.status();
  for (auto& s : *scores) {
    RevisionReason r = NeedsRevision(s.yes, s.no, s.unresolved_citations, options_.revision);
    d.articles.push_back(ArticleFigures{std::move(s), r});
  }
  std::stable_sort(d.articles.begin(), d.articles.end(), [](const ArticleFigures& a, const ArticleFigures& b) {
    if (Rank(a.revision) != Rank(b.revision)) return Rank(a.revision) < Rank(b.revision);
    return a.score.yes + a.score.no > b.score.yes + b.score.no;
  });
  if (d.articles.size() > 30) d.articles.resize(30);
  auto comments = repo.RecentComments(d.from, d.to + 1, 10);
  if (!comments.ok()) return comments.status();
  d.comments = std::move(comments).value();

  std::string from_day = DayOf(d.from), to_day = DayOf(d.to);
  auto gaps = repo.SearchGaps(from_day, to_day, 20);
  if (!gaps.ok()) return gaps.status();
  d.no_result = std::move(gaps->no_result);
  d.no_click = std::move(gaps->no_click);
  return d;
}

core::Status InsightsService::CheckSavedReply(const SavedReplyInput& in) const {
  for (const auto& [field, value] :
       {std::pair<const char*, const std::string*>{"title_fr", &in.title_fr}, {"title_en", &in.title_en}}) {
    if (core::Trim(*value).empty()) return core::InvalidField(field, "required").WithKey("saved_reply_title_required");
    if (value->size() > kMaxReplyTitle)
      return core::InvalidField(field, "at most 120 bytes")
          .WithKey("saved_reply_too_long", {{"max", std::to_string(kMaxReplyTitle)}});
  }
  for (const auto& [field, value] :
       {std::pair<const char*, const std::string*>{"body_fr", &in.body_fr}, {"body_en", &in.body_en}}) {
    if (core::Trim(*value).empty()) return core::InvalidField(field, "required").WithKey("saved_reply_body_required");
    if (value->size() > kMaxReplyBody)
      return core::InvalidField(field, "at most 20000 bytes")
          .WithKey("saved_reply_too_long", {{"max", std::to_string(kMaxReplyBody)}});
  }
  for (const std::string* v : {&in.title_fr, &in.title_en, &in.body_fr, &in.body_en})
    if (!core::IsValidUtf8(*v)) return core::InvalidField("body_fr", "not UTF-8").WithKey("insights_not_utf8");
  return core::Status::Ok();
}

core::StatusOr<std::vector<model::SavedReply>> InsightsService::SavedReplies(const auth::Principal* who) {
  ENTRAIDE_RETURN_IF_ERROR(auth::Require(who, auth::Action::kTriage));
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  return store::InsightsRepository(**db).ListSavedReplies();
}

core::StatusOr<model::SavedReply> InsightsService::SavedReply(const auth::Principal* who, int64_t id) {
  ENTRAIDE_RETURN_IF_ERROR(auth::Require(who, auth::Action::kTriage));
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  auto r = store::InsightsRepository(**db).FindSavedReply(id);
  if (!r.ok()) return r.status();
  if (!*r) return core::NotFound("saved reply " + std::to_string(id));
  return **r;
}

core::StatusOr<int64_t> InsightsService::CreateSavedReply(const auth::Principal* who, const SavedReplyInput& in) {
  ENTRAIDE_RETURN_IF_ERROR(auth::Require(who, auth::Action::kTriage));
  ENTRAIDE_RETURN_IF_ERROR(CheckSavedReply(in));
  model::SavedReply r{0,
                      std::string(core::Trim(in.title_fr)),
                      std::string(core::Trim(in.title_en)),
                      in.body_fr,
                      in.body_en,
                      who->user_id,
                      clock_.NowSeconds(),
                      clock_.NowSeconds()};
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  int64_t id = 0;
  ENTRAIDE_RETURN_IF_ERROR(store::InTransaction(**db, [&]() -> core::Status {
    auto made = store::InsightsRepository(**db).CreateSavedReply(r);
    if (!made.ok()) return made.status();
    id = *made;
    return core::Status::Ok();
  }));
  return id;
}

core::Status InsightsService::UpdateSavedReply(const auth::Principal* who, int64_t id, const SavedReplyInput& in) {
  ENTRAIDE_RETURN_IF_ERROR(auth::Require(who, auth::Action::kTriage));
  ENTRAIDE_RETURN_IF_ERROR(CheckSavedReply(in));
  model::SavedReply r{id,
                      std::string(core::Trim(in.title_fr)),
                      std::string(core::Trim(in.title_en)),
                      in.body_fr,
                      in.body_en,
                      0,
                      0,
                      clock_.NowSeconds()};
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  return store::InTransaction(**db, [&] { return store::InsightsRepository(**db).UpdateSavedReply(r); });
}

core::Status InsightsService::DeleteSavedReply(const auth::Principal* who, int64_t id) {
  ENTRAIDE_RETURN_IF_ERROR(auth::Require(who, auth::Action::kTriage));
  auto db = pool_.Acquire();
  if (!db.ok()) return db.status();
  return store::InTransaction(**db, [&] { return store::InsightsRepository(**db).DeleteSavedReply(id); });
}

}  // namespace entraide::insights
