// Issue #21: the pure parts of the pages' fixes (where sign-in returns, the queue's one filter parser, the
// nested table of contents, tables wrapped for the keyboard, validators).
#include <gtest/gtest.h>

#include "http/prose.h"
#include "http/queue_filter.h"
#include "http/return_to.h"
#include "http/validators.h"

namespace entraide::http {
namespace {

// Item 11: sign-in returns to same-site paths only (no open redirect).
TEST(ReturnToTest, OnlyPlainPathsOfThisSiteAreKept) {
  for (const char* ok : {"/en/tickets/new?subject=Printer%20jam", "/fr/queue?group=3&page=2", "/fr/tickets/12#reply",
                         "/en/articles/backups-3-2-1"})
    EXPECT_EQ(SafeReturnPath(ok), ok);
  for (const char* bad : {"",
                          "/",
                          "//evil.example/x",
                          "https://evil.example/",
                          "http:/evil.example",
                          "/\\evil.example",
                          "\\\\evil",
                          "javascript:alert(1)",
                          "/en//evil.example",
                          "/en/../..//evil.example",
                          "/en/./x",
                          "/en/..",
                          " /en/tickets",
                          "/en/tickets\r\nLocation: https://evil.example",
                          "/en/tickets\tx",
                          "/xx/tickets",
                          "/en",
                          "/api/v1/tickets",
                          "/en/signin",
                          "/en/signin?next=/en/signin",
                          "/fr/signout",
                          "/en/tickets\\..\\x",
                          "%2F%2Fevil.example"})
    EXPECT_EQ(SafeReturnPath(bad), "") << bad;
  EXPECT_EQ(SafeReturnPath("/en/" + std::string(2000, 'a')), "");
}

TEST(ReturnToTest, SignInUrlCarriesTheSafeTargetAndRolesLandWhereTheyWork) {
  EXPECT_EQ(SignInUrl("en", "/en/tickets/new?subject=a%20b"),
            "/en/signin?next=%2Fen%2Ftickets%2Fnew%3Fsubject%3Da%2520b");
  EXPECT_EQ(SignInUrl("en", "/en/tickets/new?subject=a b"), "/en/signin") << "a request target has no space";
  EXPECT_EQ(SignInUrl("fr", "//evil.example"), "/fr/signin");
  auth::Principal member, volunteer, coordinator;
  member.role = model::Role::kMember;
  volunteer.role = model::Role::kVolunteer;
  coordinator.role = model::Role::kCoordinator;
  EXPECT_EQ(AfterSignIn("fr", "", member), "/fr/tickets");
  EXPECT_EQ(AfterSignIn("fr", "", volunteer), "/fr/queue");
  EXPECT_EQ(AfterSignIn("en", "https://evil.example", coordinator), "/en/queue");
  EXPECT_EQ(AfterSignIn("en", "/en/tickets/new?subject=x", volunteer), "/en/tickets/new?subject=x");
}

Request QueueRequest(std::vector<std::pair<std::string, std::string>> query) {
  Request r;
  r.method = "GET";
  r.path = "/fr/queue";
  r.query = std::move(query);
  return r;
}

// Item 13: one parser for the page and the API; a value it cannot read names its field and its sentence.
TEST(QueueFilterTest, ReadsEveryFilterAndRefusesWhatItCannotRead) {
  auto q = ParseQueueQuery(QueueRequest({{"status", "open"},
                                         {"urgency", "high"},
                                         {"assignee", "me"},
                                         {"group", "7"},
                                         {"page", "3"},
                                         {"ticket_lang", "en"},
                                         {"category", "email"}}),
                           42, "ticket_lang", 50);
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_EQ(q->filter.status.Word(), "open");
  EXPECT_EQ(q->filter.urgency, "high");
  EXPECT_EQ(q->filter.assignee, 42);
  EXPECT_EQ(q->filter.group_id, 7);
  EXPECT_EQ(q->filter.lang, "en");
  EXPECT_EQ(q->filter.category, "email");
  EXPECT_EQ(q->page, 3);
  EXPECT_EQ(q->filter.offset, 100);
  EXPECT_EQ(ParseQueueQuery(QueueRequest({{"assignee", "none"}}), 42, "lang", 200)->filter.assignee, 0);
  struct Bad {
    const char *name, *value, *field, *key;
  };
  for (const Bad& b :
       {Bad{"group", "abc", "group", "error_queue_group"}, Bad{"page", "abc", "page", "error_queue_page"},
        Bad{"page", "0", "page", "error_queue_page"}, Bad{"page", "10001", "page", "error_queue_page"},
        Bad{"status", "lost", "status", "error_queue_status"}, Bad{"urgency", "now", "urgency", "error_queue_urgency"},
        Bad{"assignee", "abc", "assignee", "error_queue_assignee"},
        Bad{"ticket_lang", "de", "ticket_lang", "error_queue_lang"}}) {
    auto r = ParseQueueQuery(QueueRequest({{b.name, b.value}}), 42, "ticket_lang", 50);
    ASSERT_FALSE(r.ok()) << b.name << "=" << b.value;
    EXPECT_EQ(r.status().code(), core::StatusCode::kInvalidArgument);
    EXPECT_EQ(r.status().field(), b.field);
    EXPECT_EQ(r.status().key(), b.key);
  }
}

const view::Value& Field(const view::Value& v, const std::string& key) {
  for (const auto& [k, val] : v.object())
    if (k == key) return val;
  static const view::Value none = view::Value::List();
  return none;
}

// Item 5: sub-headings nest under their heading, three levels at most.
TEST(ProseTest, TheTableOfContentsNests) {
  std::vector<kb::TocEntry> toc = {{2, "a", "A"},       {3, "a1", "A1"}, {4, "a1x", "A1x"},
                                   {5, "deep", "Deep"}, {3, "a2", "A2"}, {2, "b", "B"}};
  view::Value v = NestedToc(toc);
  ASSERT_EQ(v.list().size(), 2u);
  const auto& a = v.list()[0];
  ASSERT_EQ(Field(a, "children").list().size(), 2u);
  const auto& a1 = Field(a, "children").list()[0];
  ASSERT_EQ(Field(a1, "children").list().size(), 2u) << "h5 listed with the h4: three levels at most";
  EXPECT_TRUE(Field(Field(a1, "children").list()[0], "children").list().empty());
  EXPECT_TRUE(Field(v.list()[1], "children").list().empty());
  // A first heading deeper than the rest still starts the list.
  EXPECT_EQ(NestedToc({{3, "x", "X"}, {2, "y", "Y"}}).list().size(), 2u);
}

// Item 6: every table in a named region the keyboard reaches.
TEST(ProseTest, TablesAreWrappedInAFocusableNamedRegion) {
  std::string html = "<p>a</p>\n<table>\n<tr><td>1</td></tr>\n</table>\n<table>\n</table>\n";
  std::string out = WrapTables(html, "Tableau \"défilant\"");
  EXPECT_EQ(out,
            "<p>a</p>\n<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Tableau "
            "&quot;défilant&quot;\"><table>\n<tr><td>1</td></tr>\n</table></div>\n<div class=\"table-scroll\" "
            "tabindex=\"0\" role=\"region\" aria-label=\"Tableau &quot;défilant&quot;\"><table>\n</table></div>\n");
  EXPECT_EQ(WrapTables("<p>no table</p>", "x"), "<p>no table</p>");
}

// Item 8: a weak ETag from the body; If-None-Match lists compared weakly.
TEST(ValidatorsTest, IfNoneMatchNamingTheTagAnswers304) {
  Response r = Response::Html(200, "<p>page</p>");
  Request req;
  AnswerConditionally(req, r);
  std::string etag = r.FindHeader("ETag");
  EXPECT_EQ(etag, BodyETag("<p>page</p>"));
  EXPECT_EQ(etag.substr(0, 3), "W/\"");
  EXPECT_EQ(r.status, 200);
  for (const std::string& inm : {etag, "\"x\", " + etag, etag.substr(2), std::string("*")}) {
    Response again = Response::Html(200, "<p>page</p>");
    Request cond;
    cond.headers["if-none-match"] = inm;
    AnswerConditionally(cond, again);
    EXPECT_EQ(again.status, 304) << inm;
    EXPECT_TRUE(again.body.empty());
  }
  Response other = Response::Html(200, "<p>changed</p>");
  Request cond;
  cond.headers["if-none-match"] = etag;
  AnswerConditionally(cond, other);
  EXPECT_EQ(other.status, 200);
}

}  // namespace
}  // namespace entraide::http
