// The library edited online: saving, the stale-revision conflict, review, publish, restore, history, the
// translations to do, who may do what, and drafts that stay invisible until published.
#include "editorial/editorial_service.h"

#include <gtest/gtest.h>

#include "auth/policy.h"
#include "fixtures.h"
#include "kb/article_service.h"
#include "kb/importer.h"
#include "store/article_repo.h"
#include "store/digest_repo.h"
#include "test_util.h"

namespace entraide::editorial {
namespace {

using model::RevisionState;

class EditorialTest : public testing::PeopleTest {
 protected:
  void SetUp() override {
    PeopleTest::SetUp();
    dir_.Write("content/categories.yml",
               "- slug: security\n  name: {en: Security, fr: Sécurité}\n  description: {en: Safe, fr: Sûr}\n");
    dir_.Write("content/en/backups.md",
               "---\ntitle: Backups\nkey: backups\ncategory: security\nupdated: 2026-01-01\n---\n\n"
               "Keep three copies of your files.\n");
    dir_.Write("content/fr/sauvegardes.md",
               "---\ntitle: Sauvegardes\nkey: backups\ncategory: security\nupdated: 2026-01-01\n---\n\n"
               "Gardez trois copies de vos fichiers.\n");
    dir_.Write(
        "content/en/passwords.md",
        "---\ntitle: Passwords\nkey: passwords\ncategory: security\nupdated: 2026-01-01\n---\n\nUse a manager.\n");
    auto report = kb::ImportContent(Db(), dir_.Join("content"), clock_.NowSeconds());
    ASSERT_TRUE(report.ok() && !report->has_errors()) << report->Summary();
    service_ = std::make_unique<EditorialService>(*pool_, clock_);
    service_->SetPublishedHook([this] { ++published_calls_; });
    Groups({{"cafe", "Café solidaire", "fr"}});
    coordinator_ = Person("coord@example.org", "Coralie", "coordinator", {});
    volunteer_ = Person("vol@example.org", "Victor", "volunteer", {});
    editor_ = Person("ed@example.org", "Édith", "volunteer", {});
    ASSERT_TRUE(auth_->directory.SetEditor(coordinator_, editor_.user_id, true).ok());
    auto reloaded = auth_->sessions.PrincipalOf(editor_.user_id);
    ASSERT_TRUE(reloaded.ok());
    editor_ = *reloaded;
    member_ = Person("membre@example.org", "Marie", "member", {"cafe"});
  }

  SaveRequest EditOf(const auth::Principal& who, const std::string& lang, const std::string& slug,
                     const std::string& body) {
    auto open = service_->Open(&who, lang, slug);
    EXPECT_TRUE(open.ok()) << open.status().ToString();
    SaveRequest r;
    if (!open.ok()) return r;
    r.fields = open->fields;
    r.fields.body = body;
    r.base_revision_id = open->base_revision_id;
    r.change_summary = "clearer";
    return r;
  }
  int64_t Saved(const auth::Principal& who, const SaveRequest& r) {
    auto out = service_->Save(&who, r);
    EXPECT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_TRUE(out.ok() && !out->conflict_with);
    return out.ok() ? out->revision_id : 0;
  }
  std::string ServedHtml(const std::string& lang, const std::string& slug) {
    auto a = store::ArticleRepository(Db()).FindServed(lang, slug);
    return a.ok() && *a ? (*a)->html : "";
  }

  std::unique_ptr<EditorialService> service_;
  int published_calls_ = 0;
  auth::Principal coordinator_, volunteer_, editor_, member_;
};

TEST_F(EditorialTest, AVolunteersChangeWaitsForReviewAndNothingServedChanges) {
  int64_t generation = Count("SELECT value FROM meta WHERE key = 'content_generation'");
  int64_t queued = Count("SELECT count(*) FROM index_queue");
  int64_t id = Saved(volunteer_, EditOf(volunteer_, "en", "backups", "Keep **four** copies of your files.\n"));
  ASSERT_GT(id, 0);
  auto rev = service_->Get(&volunteer_, id);
  ASSERT_TRUE(rev.ok());
  EXPECT_EQ(rev->state, RevisionState::kPending);
  EXPECT_EQ(rev->author_name, "Victor");
  EXPECT_EQ(rev->change_summary, "clearer");
  EXPECT_NE(rev->source.find("Keep **four** copies"), std::string::npos);
  EXPECT_NE(ServedHtml("en", "backups").find("three copies"), std::string::npos);
  EXPECT_EQ(Count("SELECT value FROM meta WHERE key = 'content_generation'"), generation);
  EXPECT_EQ(Count("SELECT count(*) FROM index_queue"), queued);
  EXPECT_EQ(published_calls_, 0);
  auto waiting = service_->Waiting(&volunteer_);
  ASSERT_TRUE(waiting.ok());
  ASSERT_EQ(waiting->size(), 1u);
  EXPECT_EQ((*waiting)[0].revision.id, id);
  EXPECT_FALSE((*waiting)[0].new_article);
  EXPECT_GT((*waiting)[0].current_id, 0);
  // The editor opens the head: the waiting change, so a second proposal builds on it.
  auto open = service_->Open(&editor_, "en", "backups");
  ASSERT_TRUE(open.ok());
  EXPECT_EQ(open->base_revision_id, id);
  EXPECT_TRUE(open->published);
}

TEST_F(EditorialTest, AnEditorPublishesFromReviewAndTheArticleSearchAndFeedFollow) {
  int64_t id = Saved(volunteer_, EditOf(volunteer_, "en", "backups", "Keep **four** copies of your files.\n"));
  int64_t queued = Count("SELECT count(*) FROM index_queue");
  int64_t generation = Count("SELECT value FROM meta WHERE key = 'content_generation'");
  ASSERT_TRUE(service_->Publish(&editor_, id).ok());
  EXPECT_NE(ServedHtml("en", "backups").find("<strong>four</strong>"), std::string::npos);
  EXPECT_EQ(Count("SELECT count(*) FROM index_queue"), queued + 1);  // the search index follows
  EXPECT_EQ(Count("SELECT value FROM meta WHERE key = 'content_generation'"), generation + 1);  // cached pages too
  EXPECT_EQ(published_calls_, 1);
  auto rev = service_->Get(&editor_, id);
  ASSERT_TRUE(rev.ok());
  EXPECT_EQ(rev->state, RevisionState::kPublished);
  EXPECT_TRUE(rev->current);
  EXPECT_EQ(rev->reviewer_name, "Édith");
  kb::ArticleService articles(*pool_);
  auto feed = articles.Feed("en", 10);
  ASSERT_TRUE(feed.ok());
  bool in_feed = false;
  for (const auto& a : *feed) in_feed = in_feed || a.html.find("<strong>four</strong>") != std::string::npos;
  EXPECT_TRUE(in_feed);
  EXPECT_TRUE(service_->Waiting(&editor_)->empty());
  // Twice is refused: it no longer waits.
  EXPECT_EQ(service_->Publish(&editor_, id).code(), core::StatusCode::kConflict);
}

TEST_F(EditorialTest, TwoEditorsOnOneRevisionTheSecondSaveIsAConflictAndNothingIsOverwritten) {
  SaveRequest first = EditOf(editor_, "fr", "sauvegardes", "Gardez quatre copies.\n");
  SaveRequest second = EditOf(coordinator_, "fr", "sauvegardes", "Gardez cinq copies.\n");
  ASSERT_EQ(first.base_revision_id, second.base_revision_id);
  first.publish = true;
  int64_t saved = Saved(editor_, first);
  int64_t revisions = Count("SELECT count(*) FROM article_revisions");
  second.publish = true;
  auto out = service_->Save(&coordinator_, second);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ASSERT_TRUE(out->conflict_with.has_value());
  EXPECT_EQ(out->revision_id, 0);
  EXPECT_EQ(out->conflict_with->id, saved);
  EXPECT_NE(out->conflict_with->source.find("quatre"), std::string::npos);  // their version, to show beside
  EXPECT_EQ(Count("SELECT count(*) FROM article_revisions"), revisions);
  EXPECT_NE(ServedHtml("fr", "sauvegardes").find("quatre"), std::string::npos);
  // Saved again on their revision, deliberately: it goes through.
  second.base_revision_id = saved;
  EXPECT_GT(Saved(coordinator_, second), 0);
  EXPECT_NE(ServedHtml("fr", "sauvegardes").find("cinq"), std::string::npos);
}

TEST_F(EditorialTest, WhoMayWriteAndWhoMayPublish) {
  SaveRequest r = EditOf(volunteer_, "en", "backups", "A volunteer's text.\n");
  // Nobody signed in, a member: nothing.
  EXPECT_EQ(service_->Open(nullptr, "en", "backups").status().code(), core::StatusCode::kUnauthenticated);
  EXPECT_EQ(service_->Open(&member_, "en", "backups").status().code(), core::StatusCode::kPermissionDenied);
  EXPECT_EQ(service_->Save(&member_, r).status().code(), core::StatusCode::kPermissionDenied);
  EXPECT_EQ(service_->Preview(&member_, "x").status().code(), core::StatusCode::kPermissionDenied);
  EXPECT_EQ(service_->History(&member_, "en", "backups").status().code(), core::StatusCode::kPermissionDenied);
  EXPECT_EQ(service_->Waiting(&member_).status().code(), core::StatusCode::kPermissionDenied);
  EXPECT_EQ(service_->Translations(&member_).status().code(), core::StatusCode::kPermissionDenied);
  // A volunteer proposes, but may not publish at once, publish, decline or restore at once.
  SaveRequest now = r;
  now.publish = true;
  EXPECT_EQ(service_->Save(&volunteer_, now).status().code(), core::StatusCode::kPermissionDenied);
  int64_t id = Saved(volunteer_, r);
  EXPECT_EQ(service_->Publish(&volunteer_, id).code(), core::StatusCode::kPermissionDenied);
  EXPECT_EQ(service_->Decline(&volunteer_, id, "").code(), core::StatusCode::kPermissionDenied);
  EXPECT_EQ(service_->Publish(&member_, id).code(), core::StatusCode::kPermissionDenied);
  // Named editor: the flag is read with the person, and only volunteers can have it.
  EXPECT_TRUE(editor_.editor);
  EXPECT_TRUE(auth::Allows(&editor_, auth::Action::kPublishArticle));
  EXPECT_FALSE(auth::Allows(&volunteer_, auth::Action::kPublishArticle));
  EXPECT_TRUE(auth::Allows(&coordinator_, auth::Action::kPublishArticle));
  EXPECT_EQ(auth_->directory.SetEditor(coordinator_, member_.user_id, true).code(), core::StatusCode::kInvalidArgument);
  EXPECT_EQ(auth_->directory.SetEditor(volunteer_, volunteer_.user_id, true).code(),
            core::StatusCode::kPermissionDenied);
  ASSERT_TRUE(auth_->directory.SetEditor(coordinator_, editor_.user_id, false).ok());
  auto reloaded = auth_->sessions.PrincipalOf(editor_.user_id);
  ASSERT_TRUE(reloaded.ok());
  EXPECT_FALSE(reloaded->editor);
  EXPECT_EQ(service_->Publish(&*reloaded, id).code(), core::StatusCode::kPermissionDenied);
}

TEST_F(EditorialTest, DeclineRestoreAndHistory) {
  int64_t imported = service_->Open(&editor_, "en", "backups")->base_revision_id;
  SaveRequest a = EditOf(editor_, "en", "backups", "Version A.\n");
  a.publish = true;
  int64_t va = Saved(editor_, a);
  int64_t proposal = Saved(volunteer_, EditOf(volunteer_, "en", "backups", "Version B, proposed.\n"));
  EXPECT_EQ(service_->Decline(&editor_, proposal, "too short").code(), core::StatusCode::kOk);
  EXPECT_EQ(service_->Get(&editor_, proposal)->state, RevisionState::kDeclined);
  EXPECT_EQ(service_->Get(&editor_, proposal)->review_note, "too short");
  EXPECT_EQ(service_->Decline(&editor_, proposal, "").code(), core::StatusCode::kConflict);
  // The head is the published version again (a declined one is not built on).
  EXPECT_EQ(service_->Open(&editor_, "en", "backups")->base_revision_id, va);
  // Restoring the imported text makes a new revision, published at once for an editor.
  auto restored = service_->Restore(&editor_, imported);
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  EXPECT_NE(ServedHtml("en", "backups").find("three copies"), std::string::npos);
  auto r = service_->Get(&editor_, *restored);
  EXPECT_EQ(r->restored_from, imported);
  EXPECT_EQ(r->origin, model::RevisionOrigin::kRestore);
  EXPECT_EQ(r->source, service_->Get(&editor_, imported)->source);
  // A volunteer's restore waits for review.
  auto waits = service_->Restore(&volunteer_, va);
  ASSERT_TRUE(waits.ok());
  EXPECT_EQ(service_->Get(&editor_, *waits)->state, RevisionState::kPending);
  EXPECT_NE(ServedHtml("en", "backups").find("three copies"), std::string::npos);
  auto history = service_->History(&volunteer_, "en", "backups");
  ASSERT_TRUE(history.ok());
  std::vector<int64_t> ids;
  for (const auto& h : *history) ids.push_back(h.id);
  EXPECT_EQ(ids, (std::vector<int64_t>{*waits, *restored, proposal, va, imported}));
  EXPECT_TRUE((*history)[1].current);
  EXPECT_EQ(service_->History(&volunteer_, "en", "nothing-here").status().code(), core::StatusCode::kNotFound);
  // Any two compare; the pieces give both texts back.
  auto comparison = service_->Compare(&volunteer_, va, *restored);
  ASSERT_TRUE(comparison.ok());
  EXPECT_EQ(comparison->from.id, va);
  EXPECT_EQ(comparison->to.id, *restored);
  std::string old_text, new_text;
  for (const auto& p : comparison->pieces) {
    if (p.kind != model::DiffPiece::Kind::kAdded) old_text += p.text;
    if (p.kind != model::DiffPiece::Kind::kRemoved) new_text += p.text;
  }
  EXPECT_EQ(old_text, service_->Get(&editor_, va)->source);
  EXPECT_EQ(new_text, service_->Get(&editor_, *restored)->source);
}

TEST_F(EditorialTest, AProposalWrittenBeforeTheArticleMovedOnIsNotPublishedOverIt) {
  int64_t old = Saved(volunteer_, EditOf(volunteer_, "en", "passwords", "Proposal on the old text.\n"));
  // Meanwhile, the file changes and is imported (nobody published online): the article moves on.
  dir_.Write(
      "content/en/passwords.md",
      "---\ntitle: Passwords\nkey: passwords\ncategory: security\nupdated: 2026-02-01\n---\n\nUse a good one.\n");
  ASSERT_TRUE(kb::ImportContent(Db(), dir_.Join("content"), clock_.NowSeconds()).ok());
  auto st = service_->Publish(&editor_, old);
  EXPECT_EQ(st.code(), core::StatusCode::kConflict);
  EXPECT_EQ(st.key(), "error_article_moved_on");
  EXPECT_NE(ServedHtml("en", "passwords").find("good one"), std::string::npos);
}

TEST_F(EditorialTest, PublishingAChangeSettlesTheProposalsItWasWrittenOn) {
  int64_t p1 = Saved(volunteer_, EditOf(volunteer_, "en", "backups", "First proposal.\n"));
  SaveRequest p2 = EditOf(editor_, "en", "backups", "First proposal, reworded.\n");
  EXPECT_EQ(p2.base_revision_id, p1);
  p2.publish = true;
  int64_t id2 = Saved(editor_, p2);
  EXPECT_EQ(service_->Get(&editor_, p1)->state, RevisionState::kPublished);
  EXPECT_TRUE(service_->Get(&editor_, id2)->current);
  EXPECT_TRUE(service_->Waiting(&editor_)->empty());
}

TEST_F(EditorialTest, RestoringWhileAProposalWaitsLeavesTheProposalWaiting) {
  int64_t imported = service_->Open(&editor_, "en", "backups")->base_revision_id;
  SaveRequest a = EditOf(editor_, "en", "backups", "Version A.\n");
  a.publish = true;
  Saved(editor_, a);
  int64_t proposal = Saved(volunteer_, EditOf(volunteer_, "en", "backups", "A proposal that waits.\n"));
  auto restored = service_->Restore(&editor_, imported);
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  EXPECT_NE(ServedHtml("en", "backups").find("three copies"), std::string::npos);
  // The restored text does not hold the proposal's change: it still waits (and now would be published over a
  // version it was not written on, so publishing it is refused until someone edits it again).
  EXPECT_EQ(service_->Get(&editor_, proposal)->state, RevisionState::kPending);
  EXPECT_EQ(service_->Publish(&editor_, proposal).code(), core::StatusCode::kConflict);
}

TEST_F(EditorialTest, ANewArticleIsADraftNobodySeesUntilPublished) {
  SaveRequest r;
  r.fields.lang = "en";
  r.fields.title = "Choosing a host";
  r.fields.summary = "Where your data sleeps.";
  r.fields.category = "security";
  r.fields.tags = {"Hosting", "data location", "hosting"};
  r.fields.body = "\r\n\r\nAsk **where** the servers are.\r\n";
  int64_t id = Saved(volunteer_, r);
  auto rev = service_->Get(&volunteer_, id);
  ASSERT_TRUE(rev.ok());
  EXPECT_EQ(rev->slug, "choosing-a-host");
  EXPECT_EQ(rev->key, "choosing-a-host");
  EXPECT_NE(rev->source.find("tags: [hosting, data-location]"), std::string::npos) << rev->source;
  EXPECT_NE(rev->source.find("---\n\nAsk **where** the servers are.\n"), std::string::npos) << rev->source;
  EXPECT_NE(rev->source.find("updated: 2027-01-01"), std::string::npos);
  // Invisible: no page, no list, no tag, no feed, no digest, nothing queued for search.
  kb::ArticleService articles(*pool_);
  EXPECT_EQ(articles.Get("en", "choosing-a-host").status().code(), core::StatusCode::kNotFound);
  model::ArticleFilter english;
  english.lang = "en";
  auto list = articles.List(english);
  ASSERT_TRUE(list.ok());
  for (const auto& a : *list) EXPECT_NE(a.slug, "choosing-a-host");
  EXPECT_EQ(articles.Tags("en")->count("hosting"), 0u);
  auto feed = articles.Feed("en", 50);
  ASSERT_TRUE(feed.ok());
  for (const auto& a : *feed) EXPECT_NE(a.slug, "choosing-a-host");
  auto changed = store::DigestRepository(Db()).ArticlesChanged("", 0, clock_.NowSeconds() + 86400);
  ASSERT_TRUE(changed.ok());
  for (const auto& a : *changed) EXPECT_NE(a.slug, "choosing-a-host");
  EXPECT_EQ(Count("SELECT count(*) FROM index_queue iq JOIN articles a ON a.id = iq.item_id "
                  "WHERE a.slug = 'choosing-a-host'"),
            0);
  auto waiting = service_->Waiting(&editor_);
  ASSERT_EQ(waiting->size(), 1u);
  EXPECT_TRUE((*waiting)[0].new_article);
  // The same slug again is refused; publishing makes it an article like the others.
  auto again = service_->Save(&volunteer_, r);
  EXPECT_EQ(again.status().code(), core::StatusCode::kAlreadyExists);
  EXPECT_EQ(again.status().field(), "slug");
  ASSERT_TRUE(service_->Publish(&coordinator_, id).ok());
  auto page = articles.Get("en", "choosing-a-host");
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->article.source_path, "en/choosing-a-host.md");
  EXPECT_EQ(articles.Tags("en")->count("hosting"), 1u);
  // An online article is not import's to remove: the next import leaves it served.
  auto report = kb::ImportContent(Db(), dir_.Join("content"), clock_.NowSeconds());
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->unpublished, 0);
  EXPECT_TRUE(articles.Get("en", "choosing-a-host").ok());
}

TEST_F(EditorialTest, EachFieldIsCheckedWithItsSentence) {
  struct Case {
    std::string what;
    std::function<void(SaveRequest&)> change;
    std::string field, key;
  };
  std::vector<Case> cases = {
      {"no title", [](SaveRequest& r) { r.fields.title = "  "; }, "title", "error_article_title_required"},
      {"long title", [](SaveRequest& r) { r.fields.title = std::string(201, 'a'); }, "title",
       "error_article_title_long"},
      {"long summary", [](SaveRequest& r) { r.fields.summary = std::string(601, 'a'); }, "summary",
       "error_article_summary_long"},
      {"unknown category", [](SaveRequest& r) { r.fields.category = "nope"; }, "category", "error_article_category"},
      {"13 tags",
       [](SaveRequest& r) {
         r.fields.tags.clear();
         for (int i = 0; i < 13; ++i) r.fields.tags.push_back("t" + std::to_string(i));
       },
       "tags", "error_article_tags"},
      {"a tag of 41 letters", [](SaveRequest& r) { r.fields.tags = {std::string(41, 'a')}; }, "tags",
       "error_article_tags"},
      {"no body", [](SaveRequest& r) { r.fields.body = "\n \n"; }, "body", "error_article_body_required"},
      {"body over 512 KiB", [](SaveRequest& r) { r.fields.body = std::string(512 * 1024 + 1, 'a'); }, "body",
       "error_article_body_large"},
      {"long change summary", [](SaveRequest& r) { r.change_summary = std::string(301, 'a'); }, "change_summary",
       "error_article_change_summary_long"},
  };
  int64_t before = Count("SELECT count(*) FROM article_revisions");
  for (const auto& c : cases) {
    SaveRequest r = EditOf(volunteer_, "en", "backups", "Fine.\n");
    c.change(r);
    auto out = service_->Save(&volunteer_, r);
    EXPECT_FALSE(out.ok()) << c.what;
    EXPECT_EQ(out.status().field(), c.field) << c.what;
    EXPECT_EQ(out.status().key(), c.key) << c.what;
  }
  SaveRequest bad_slug;
  bad_slug.fields = {"en", "Not A Slug!", "", "Title", "", "", "", {}, false, "Body.\n"};
  EXPECT_EQ(service_->Save(&volunteer_, bad_slug).status().key(), "error_article_slug");
  bad_slug.fields.slug = "new";  // the address of the editor itself
  EXPECT_EQ(service_->Save(&volunteer_, bad_slug).status().key(), "error_article_slug_reserved");
  EXPECT_EQ(Count("SELECT count(*) FROM article_revisions"), before);
}

TEST_F(EditorialTest, ThePreviewIsTheSafeBoundedRenderer) {
  auto html = service_->Preview(&volunteer_,
                                "# Title\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1)) "
                                "<img src=x onerror=alert(1)>\n\n**bold**\n");
  ASSERT_TRUE(html.ok()) << html.status().ToString();
  EXPECT_EQ(html->find("<script"), std::string::npos);
  EXPECT_EQ(html->find("javascript:"), std::string::npos);
  EXPECT_EQ(html->find("onerror"), std::string::npos);
  EXPECT_NE(html->find("<strong>bold</strong>"), std::string::npos);
  EXPECT_NE(html->find("<h2"), std::string::npos);  // the page's title is the only h1
  EXPECT_EQ(service_->Preview(&volunteer_, std::string(512 * 1024 + 1, 'a')).status().code(),
            core::StatusCode::kTooLarge);
}

TEST_F(EditorialTest, AMarkedChangeMakesTheTranslationStaleUntilItFollows) {
  kb::ArticleService articles(*pool_);
  auto todo = service_->Translations(&volunteer_);
  ASSERT_TRUE(todo.ok());
  // passwords has no French version: missing.
  ASSERT_EQ(todo->size(), 1u);
  EXPECT_EQ((*todo)[0].kind, model::TranslationTodo::Kind::kMissing);
  EXPECT_EQ((*todo)[0].source_slug, "passwords");
  EXPECT_EQ((*todo)[0].target_lang, "fr");
  EXPECT_FALSE(articles.Get("fr", "sauvegardes")->newer_translation.has_value());

  // An unmarked change says nothing to the French version (its date alone does not count for online saves).
  SaveRequest quiet = EditOf(editor_, "en", "backups", "Keep three copies, quietly.\n");
  quiet.publish = true;
  Saved(editor_, quiet);
  EXPECT_EQ(service_->Translations(&volunteer_)->size(), 1u);
  EXPECT_FALSE(articles.Get("fr", "sauvegardes")->newer_translation.has_value());

  clock_.Advance(3600);
  SaveRequest marked = EditOf(editor_, "en", "backups", "Keep three copies, one offsite.\n");
  marked.publish = true;
  marked.needs_translation = true;
  int64_t source = Saved(editor_, marked);
  todo = service_->Translations(&volunteer_);
  ASSERT_EQ(todo->size(), 2u);
  const auto& stale = (*todo)[1];  // oldest first: the missing one is older
  EXPECT_EQ(stale.kind, model::TranslationTodo::Kind::kStale);
  EXPECT_EQ(stale.source_slug, "backups");
  EXPECT_EQ(stale.source_revision_id, source);
  EXPECT_EQ(stale.target_lang, "fr");
  EXPECT_EQ(stale.target_slug, "sauvegardes");
  auto page = articles.Get("fr", "sauvegardes");
  ASSERT_TRUE(page->newer_translation.has_value());
  EXPECT_EQ(page->newer_translation->slug, "backups");

  // The French version, written beside that revision, follows it: no longer stale.
  SaveRequest follow = EditOf(editor_, "fr", "sauvegardes", "Gardez trois copies, dont une ailleurs.\n");
  follow.follows_id = source;
  follow.publish = true;
  Saved(editor_, follow);
  EXPECT_EQ(service_->Translations(&volunteer_)->size(), 1u);
  EXPECT_FALSE(articles.Get("fr", "sauvegardes")->newer_translation.has_value());
  // A translation follows a revision of the other language only.
  SaveRequest wrong = EditOf(editor_, "fr", "sauvegardes", "Encore.\n");
  wrong.follows_id = service_->Open(&editor_, "fr", "sauvegardes")->base_revision_id;
  EXPECT_EQ(service_->Save(&editor_, wrong).status().field(), "follows_id");
}

}  // namespace
}  // namespace entraide::editorial
