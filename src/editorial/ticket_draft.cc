#include "editorial/ticket_draft.h"

#include <algorithm>
#include <map>
#include <set>
#include <string_view>
#include <vector>

#include "auth/policy.h"
#include "core/strings.h"
#include "i18n/catalog.h"
#include "store/account_repo.h"
#include "store/pool.h"
#include "store/ticket_repo.h"
#include "tickets/rules.h"

namespace entraide::editorial {
namespace {

// The big public mail providers: an address there says nothing about the group's own site. The one list.
bool IsPublicMailProvider(std::string_view domain) {
  static const std::set<std::string_view> kProviders = {
      "gmail.com", "googlemail.com", "outlook.com", "outlook.fr",   "hotmail.com", "hotmail.ca",   "hotmail.fr",
      "live.com",  "live.ca",        "msn.com",     "videotron.ca", "icloud.com",  "me.com",       "mac.com",
      "proton.me", "protonmail.com", "pm.me",       "aol.com",      "bell.net",    "sympatico.ca", "cogeco.ca",
      "telus.net", "shaw.ca",        "rogers.com",  "fastmail.com", "gmx.com",     "gmx.net",      "mail.com",
      "zoho.com",  "tutanota.com",   "laposte.net", "orange.fr",    "free.fr"};
  return kProviders.count(domain) > 0 || core::StartsWith(domain, "yahoo.") || core::StartsWith(domain, "ymail.");
}

std::string DomainOf(const std::string& email) {
  size_t at = email.rfind('@');
  return at == std::string::npos ? "" : core::ToLowerAscii(email.substr(at + 1));
}

// Host names in `text` (runs of letters, digits, '-' and '.' with a dot) that hold `slug`: the group's sites
// named in the ticket ("https://www.cafe-solidaire.org/…" for the group cafe-solidaire).
void HostsHolding(std::string_view text, const std::string& slug, std::set<std::string>& out) {
  if (slug.size() < 4) return;  // too short to tell a site by
  std::string lower = core::ToLowerAscii(text);
  for (size_t p = lower.find(slug); p != std::string::npos; p = lower.find(slug, p + 1)) {
    auto host = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'; };
    size_t b = p, e = p + slug.size();
    while (b > 0 && host(lower[b - 1])) --b;
    while (e < lower.size() && host(lower[e])) ++e;
    std::string h = lower.substr(b, e - b);
    while (!h.empty() && (h.back() == '.' || h.back() == '-')) h.pop_back();
    while (!h.empty() && (h.front() == '.' || h.front() == '-')) h.erase(0, 1);
    if (core::StartsWith(h, "www.")) h.erase(0, 4);
    if (h.find('.') != std::string::npos && !IsPublicMailProvider(h)) out.insert(h);
  }
}

void AddParagraph(std::string& body, const std::string& text) {
  std::string_view t = core::Trim(text);
  if (t.empty()) return;
  body.append(t);
  body += "\n\n";
}

}  // namespace

DraftWords DraftWordsIn(const i18n::Catalog& t) {
  DraftWords w;
  w.placeholders.email = t.Get("draft_placeholder_email");
  w.placeholders.phone = t.Get("draft_placeholder_phone");
  w.placeholders.postal_code = t.Get("draft_placeholder_postal_code");
  w.placeholders.name = t.Get("draft_placeholder_name");
  w.placeholders.site = t.Get("draft_placeholder_site");
  w.question_heading = t.Get("draft_question_heading");
  w.answer_heading = t.Get("draft_answer_heading");
  return w;
}

core::StatusOr<TicketDraft> DraftFromTicket(store::Pool& pool, const auth::Principal* who, int64_t ticket_id,
                                            const std::string& lang, const DraftWords& words) {
  if (!who) return core::Unauthenticated("sign in first");
  if (!i18n::IsSupportedLang(lang)) return core::InvalidField("lang", "not a language of the site");
  auto db = pool.Acquire();
  if (!db.ok()) return db.status();
  store::TicketRepository tickets(**db);
  store::AccountRepository accounts(**db);
  // Not visible is not there (a member of another group); a member of the ticket's group may not write.
  auto t = tickets::LoadVisible(tickets, who, ticket_id);
  if (!t.ok()) return t.status();
  ENTRAIDE_RETURN_IF_ERROR(auth::Require(who, auth::Action::kWriteArticle));
  if (model::IsOpen(t->status)) return core::Conflict("only a resolved or closed ticket can become an article");
  if (t->redacted_at) return core::Conflict("this ticket's text was removed by the retention rule");
  auto events = tickets.Events(ticket_id, /*include_internal=*/true);
  if (!events.ok()) return events.status();
  auto members = accounts.MembersOf(t->group_id);
  if (!members.ok()) return members.status();

  // Who is named: the opener, everyone who wrote (internal notes too: their authors may be quoted), the
  // group's members; the group's name; the sites of the members' own domains and any host holding the slug.
  ScrubContext context;
  context.placeholders = words.placeholders;
  std::set<std::string> names = {t->opened_by_name}, domains;
  std::map<int64_t, bool> volunteer;  // actor id -> volunteer or coordinator
  for (const auto& m : *members) {
    names.insert(m.name);
    if (auto d = DomainOf(m.email); !d.empty() && !IsPublicMailProvider(d)) domains.insert(d);
  }
  for (const auto& e : *events) {
    if (!e.actor_name.empty()) names.insert(e.actor_name);
    if (!e.actor_id || volunteer.count(*e.actor_id)) continue;
    auto user = accounts.FindUserById(*e.actor_id);
    if (!user.ok()) return user.status();
    volunteer[*e.actor_id] = *user && model::IsVolunteerOrMore((*user)->role);
  }
  names.erase("");
  context.names.assign(names.begin(), names.end());
  context.groups = {t->group_name};

  // The question (the group's own public follow-ups folded in, in order), then the volunteers' public answers.
  std::string question, answers;
  AddParagraph(question, t->body);
  for (const auto& e : *events) {
    if (e.internal || e.kind != "reply") continue;
    bool by_volunteer = e.actor_id && volunteer[*e.actor_id];
    AddParagraph(by_volunteer ? answers : question, e.body);
  }
  HostsHolding(t->subject, t->group_slug, domains);
  HostsHolding(question, t->group_slug, domains);
  HostsHolding(answers, t->group_slug, domains);
  context.domains.assign(domains.begin(), domains.end());

  TicketDraft draft;
  draft.ticket_id = t->id;
  draft.ticket_ref = t->ref;
  ScrubCounts title_counts, body_counts;
  draft.fields.lang = lang;
  draft.fields.title = std::string(core::Trim(ScrubPersonalData(t->subject, context, &title_counts)));
  std::string body =
      "## " + words.question_heading + "\n\n" + question + "## " + words.answer_heading + "\n\n" + answers;
  while (!body.empty() && body.back() == '\n') body.pop_back();
  draft.fields.body = ScrubPersonalData(body, context, &body_counts) + "\n";
  draft.fields.slug = core::Slugify(draft.fields.title);
  if (draft.fields.slug.empty()) draft.fields.slug = "article-" + std::to_string(t->id);
  draft.fields.key = draft.fields.slug;
  draft.removed.emails = title_counts.emails + body_counts.emails;
  draft.removed.phones = title_counts.phones + body_counts.phones;
  draft.removed.postal_codes = title_counts.postal_codes + body_counts.postal_codes;
  draft.removed.names = title_counts.names + body_counts.names;
  draft.removed.sites = title_counts.sites + body_counts.sites;
  return draft;
}

}  // namespace entraide::editorial
