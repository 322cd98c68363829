// Services: what handlers may use, wired by app/. References outlive the server; all are thread-safe.
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "auth/directory.h"
#include "auth/session_service.h"
#include "core/metrics.h"
#include "editorial/editorial_service.h"
#include "http/page_cache.h"
#include "http/static_files.h"
#include "i18n/catalog.h"
#include "inbox/receiver.h"
#include "insights/insights_service.h"
#include "kb/article_service.h"
#include "kb/search_service.h"
#include "mail/outbox_admin.h"
#include "mail/preferences.h"
#include "privacy/privacy_service.h"
#include "tickets/category_service.h"
#include "tickets/questions.h"
#include "tickets/take_links.h"
#include "tickets/ticket_service.h"
#include "view/renderer.h"

namespace entraide::http {

struct SiteInfo {
  std::string name = "Entraide";
  std::string base_url = "http://127.0.0.1:8080";  // no trailing slash
  std::string default_lang = "fr";
  std::string account_contact = "";  // who gives accounts (sign-in page); "" when not configured
};

struct Services {
  kb::ArticleService& articles;
  kb::SearchService& search;
  auth::SessionService& sessions;  // who is signed in: sign-in, links, sessions, passwords
  auth::Directory& directory;      // people and groups: administration, profiles
  tickets::CategoryService& categories;
  tickets::TicketService& tickets;
  tickets::TakeLinkService& take_links;  // a volunteer digest's "I'll take it" links
  tickets::QuestionService& questions;   // answered tickets published as questions
  const view::Renderer& views;
  const i18n::Catalogs& catalogs;
  const StaticFiles& static_files;
  SiteInfo site;
  mail::PreferenceService* mail_prefs = nullptr;  // email preferences and unsubscribe links (set by app/)
  mail::OutboxAdmin* mail_admin = nullptr;        // failed messages, for coordinators (set by app/)
  PageCache* page_cache = nullptr;                // optional: library pages for visitors who are not signed in
  // optional: true while serve imports content/ in the background (a restart: /healthz says "content": "importing")
  const std::atomic<bool>* content_importing = nullptr;
  privacy::PrivacyService* privacy = nullptr;        // a member's own data from the account page (set by app/)
  insights::InsightsService* insights = nullptr;     // feedback, search gaps, dashboard, saved replies (set by app/)
  inbox::Receiver* receiver = nullptr;               // mail received: confirmation of tickets by mail (set by app/)
  editorial::EditorialService* editorial = nullptr;  // the library edited online (set by app/)
  std::vector<const core::MetricsSource*> metrics_sources = {};  // what /metrics reports, in order (set by app/)
};

}  // namespace entraide::http
