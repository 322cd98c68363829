#include "tickets/ticket_service.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "auth/accounts.h"
#include "core/sha256.h"
#include "kb/search_sync.h"
#include "search/resources.h"
#include "search/searcher.h"
#include "store/migrations.h"
#include "test_util.h"
#include "tickets/filename.h"
#include "tickets/questions.h"
#include "tickets/ticket_fixture.h"
#include "tickets/workflow.h"

namespace entraide::tickets {
namespace {

NewTicket NT(std::string subject, std::string body, std::string category, std::string urgency = "normal") {
  NewTicket t;
  t.subject = std::move(subject);
  t.body = std::move(body);
  t.category = std::move(category);
  t.urgency = std::move(urgency);
  return t;
}

TEST(SafeFilenameTest, NamesLoseWhatCanDisguiseThem) {
  struct Case {
    std::string in, out;
  };
  const Case cases[] = {
      {"rapport.pdf", "rapport.pdf"},
      {"Été 2026 — bilan.odt", "Été 2026 — bilan.odt"},
      {"facture\u202Etxt.exe", "facturetxt.exe"},                  // RIGHT-TO-LEFT OVERRIDE: "factureexe.txt"
      {"a\u202Db\u202Ac\u202Bd\u202Ce.txt", "abcde.txt"},          // LRO, LRE, RLE, PDF
      {"\u2066x\u2067y\u2068z\u2069.txt", "xyz.txt"},              // isolates
      {"l\u200Er\u200F.txt", "lr.txt"},                            // LRM, RLM
      {"zero\u200Bwidth\u200C\u200D\u2060.txt", "zerowidth.txt"},  // ZWSP, ZWNJ, ZWJ, WORD JOINER
      {"\uFEFFbom.txt", "bom.txt"},
      {"soft\u00ADhyphen.txt", "softhyphen.txt"},    // also Cf
      {"line\u2028para\u2029.txt", "linepara.txt"},  // Zl, Zp
      {"tab\there\r\n.txt", "tabhere.txt"},          // C0 controls
      {"del\x7F\u0085c1.txt", "delc1.txt"},          // DEL, a C1 control
      {"say \"hi\".txt", "say hi.txt"},
      {"../../etc/passwd", "passwd"},
      {"C:\\Users\\ana\\photo.png", "photo.png"},
      {"bad\xC3utf8.txt", "badutf8.txt"},
      {"  spaced.txt  ", "spaced.txt"},
      {"\u202E\u200B\uFEFF", "file"},
      {"", "file"},
      {"..", "file"},
      {"dir/", "file"},
      {std::string(300, 'a') + ".pdf", std::string(196, 'a') + ".pdf"},
      {"é" + std::string(199, 'a'), std::string(199, 'a')},  // never cut inside a character
  };
  for (const auto& c : cases) EXPECT_EQ(SafeFilename(c.in), c.out) << c.in;
}

TEST(WorkflowTest, OnlyTheDocumentedMovesAreAllowed) {
  struct Case {
    std::string from, to;
    Side side;
    bool ok;
  };
  const Case cases[] = {
      {"new", "triaged", Side::kVolunteer, true},
      {"new", "in_progress", Side::kVolunteer, true},
      {"triaged", "waiting_on_group", Side::kVolunteer, true},
      {"waiting_on_group", "in_progress", Side::kVolunteer, true},
      {"in_progress", "resolved", Side::kVolunteer, true},
      {"resolved", "closed", Side::kVolunteer, true},
      {"resolved", "closed", Side::kGroup, true},
      {"resolved", "triaged", Side::kGroup, true},    // reopen
      {"closed", "triaged", Side::kVolunteer, true},  // reopen
      {"closed", "in_progress", Side::kVolunteer, false},
      {"in_progress", "new", Side::kVolunteer, false},
      {"triaged", "new", Side::kVolunteer, false},
      {"in_progress", "closed", Side::kVolunteer, false},
      {"new", "in_progress", Side::kGroup, false},
      {"in_progress", "resolved", Side::kGroup, false},
      {"resolved", "in_progress", Side::kVolunteer, false},
  };
  for (const auto& c : cases) {
    core::Status st = CheckMove(*model::ParseTicketStatus(c.from), *model::ParseTicketStatus(c.to), c.side);
    EXPECT_EQ(st.ok(), c.ok) << c.from << " -> " << c.to;
    if (!c.ok) {
      EXPECT_EQ(st.code(), core::StatusCode::kConflict);
    }
  }
  EXPECT_EQ(ParseStatusField("bogus").status().code(), core::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseStatusField("bogus").status().field(), "status");
  for (auto s : model::kTicketStatuses) EXPECT_EQ(*ParseStatusField(model::ToString(s)), s);
}

constexpr int64_t kMiB = 1024 * 1024;

TEST_F(TicketServiceTest, SixtyRepliesAnHourPerPersonInternalNotesIncluded) {
  Ticket t = Open(member_a_);
  for (int i = 0; i < 30; ++i) {
    ASSERT_TRUE(service_->Reply(&volunteer_, t.id, Reply("note " + std::to_string(i), true)).ok()) << i;
    ASSERT_TRUE(service_->Reply(&volunteer_, t.id, Reply("reply " + std::to_string(i))).ok()) << i;
  }
  clock_.Advance(600);
  int64_t retry = 0;
  core::Status refused = service_->Reply(&volunteer_, t.id, Reply("one more", true), &retry);
  EXPECT_EQ(refused.code(), core::StatusCode::kResourceExhausted);
  EXPECT_EQ(refused.message(), "at most 60 replies an hour; try again in 51 minutes");
  EXPECT_EQ(refused.key(), "error_too_many_replies");
  ASSERT_NE(refused.Arg("minutes"), nullptr);
  EXPECT_EQ(*refused.Arg("minutes"), "51");
  EXPECT_EQ(retry, 3000) << "when the first of the hour's 60 leaves it";
  EXPECT_EQ(Count("SELECT count(*) FROM ticket_events WHERE body = 'one more'"), 0);
  EXPECT_TRUE(service_->Reply(&member_a_, t.id, Reply("the group still can")).ok());
  clock_.Advance(3000);
  EXPECT_TRUE(service_->Reply(&volunteer_, t.id, Reply("an hour later")).ok());
}

// Every reply is rendered when written; many in a row (the bounded renderer reused each time) all come out
// formatted. Prints the time per reply: the figure docs/PERFORMANCE.md quotes for ticket writes.
TEST_F(TicketServiceTest, ManyRepliesInARowAreAllRenderedFormatted) {
  Ticket t = Open(member_a_);
  const int kReplies = 240;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kReplies; ++i) {
    if (i % 50 == 49) clock_.Advance(3600);  // 60 replies an hour per person
    std::string body =
        "Merci, **essayez** ceci :\n\n1. débrancher\n2. [rebrancher](https://exemple.org/" + std::to_string(i) + ")\n";
    ASSERT_TRUE(service_->Reply(&volunteer_, t.id, Reply(body, i % 2 == 0)).ok()) << i;
  }
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count();
  std::cout << "[ timing ] " << kReplies << " replies: " << us / kReplies << " us each\n";
  EXPECT_EQ(Count("SELECT count(*) FROM ticket_events WHERE body_html LIKE '%<strong>essayez</strong>%<ol>%'"),
            kReplies);
}

TEST_F(TicketServiceTest, FiftyFilesAnHourPerPerson) {
  Ticket t1 = Open(member_a_, "one"), t2 = Open(member_a_, "two");
  for (int i = 0; i < 10; ++i) {
    std::vector<Upload> five;
    for (int f = 0; f < 5; ++f) five.push_back(File("f.txt", 1000));
    ASSERT_TRUE(service_->Reply(&member_a_, i % 2 ? t1.id : t2.id, WithFiles(std::move(five))).ok()) << i;
  }
  int64_t retry = 0;
  core::Status refused = service_->Reply(&member_a_, t1.id, WithFiles({File("51.txt", 1000)}), &retry);
  EXPECT_EQ(refused.code(), core::StatusCode::kResourceExhausted);
  EXPECT_EQ(refused.message().rfind("at most 50 files an hour", 0), 0u) << refused.message();
  EXPECT_GT(retry, 0);
  EXPECT_EQ(Count("SELECT count(*) FROM ticket_events WHERE kind = 'reply'"), 10) << "the refused reply is not kept";
  EXPECT_TRUE(service_->Reply(&member_a2_, t1.id, WithFiles({File("other.txt", 1000)})).ok()) << "per person";
  EXPECT_TRUE(service_->Reply(&member_a_, t1.id, Reply("text alone is fine")).ok());
}

TEST_F(TicketServiceTest, TwoHundredMiBOfFilesAnHourPerPersonOnEveryTicket) {
  // 10 MiB files, 5 a reply: 100 MiB on each of two tickets, then one more file anywhere is refused.
  Ticket t1 = Open(member_a_, "one"), t2 = Open(member_a_, "two"), t3 = Open(member_a_, "three");
  for (int i = 0; i < 4; ++i) {
    std::vector<Upload> five;
    for (int f = 0; f < 5; ++f) five.push_back(File("big.iso", 10 * kMiB));
    ASSERT_TRUE(service_->Reply(&member_a_, i < 2 ? t1.id : t2.id, WithFiles(std::move(five))).ok()) << i;
  }
  core::Status refused = service_->Reply(&member_a_, t3.id, WithFiles({File("small.txt", 1)}));
  EXPECT_EQ(refused.code(), core::StatusCode::kResourceExhausted);
  EXPECT_EQ(refused.message().rfind("at most 200 MiB of files an hour", 0), 0u) << refused.message();
  NewTicket with_file = NT("new one", "b", "other");
  with_file.uploads.push_back(File("small.txt", 1));
  EXPECT_EQ(service_->Create(&member_a_, with_file, nullptr).status().code(), core::StatusCode::kResourceExhausted)
      << "files of a new ticket count too";
  clock_.Advance(3601);
  EXPECT_TRUE(service_->Reply(&member_a_, t3.id, WithFiles({File("small.txt", 1)})).ok());
}

TEST_F(TicketServiceTest, ATicketHoldsAtMost100MiBOfFilesFromEveryone) {
  Ticket t = Open(member_a_);
  std::vector<Upload> five;
  for (int f = 0; f < 5; ++f) five.push_back(File("big.iso", 10 * kMiB));
  ASSERT_TRUE(service_->Reply(&member_a_, t.id, WithFiles(five)).ok());
  std::vector<Upload> four(five.begin(), five.begin() + 4);
  four.push_back(File("last.iso", 10 * kMiB - 1));
  ASSERT_TRUE(service_->Reply(&volunteer_, t.id, WithFiles(four)).ok()) << "100 MiB less one byte";
  core::Status refused = service_->Reply(&member_a2_, t.id, WithFiles({File("two-bytes.txt", 2)}));
  EXPECT_EQ(refused.code(), core::StatusCode::kTooLarge);
  EXPECT_EQ(refused.message(), "attachments: a ticket holds at most 100 MiB of files; this one has 0 MiB left");
  EXPECT_TRUE(service_->Reply(&member_a2_, t.id, WithFiles({File("one-byte.txt", 1)})).ok());
  EXPECT_EQ(Count("SELECT sum(size) FROM attachments WHERE ticket_id = " + std::to_string(t.id)), 100 * kMiB);
}

TEST_F(TicketServiceTest, SimultaneousUploadsCannotTogetherPassATicketsTotal) {
  for (int round = 0; round < 5; ++round) {
    clock_.Advance(3601);  // the volunteers' hourly 200 MiB start again
    Ticket t = Open(member_a_, "race " + std::to_string(round));
    std::vector<Upload> files;
    for (int f = 0; f < 5; ++f) files.push_back(File("big.iso", 10 * kMiB));
    std::vector<Upload> more = files;
    more.pop_back();
    ASSERT_TRUE(service_->Reply(&volunteer_, t.id, WithFiles(files)).ok());
    ASSERT_TRUE(service_->Reply(&volunteer2_, t.id, WithFiles(more)).ok());  // 90 MiB
    std::atomic<int> go{0};
    core::Status a, b;
    Upload ua = File("a.iso", 6 * kMiB), ub = File("b.iso", 6 * kMiB);
    std::thread t1([&] {
      while (!go) {
      }
      a = service_->Reply(&member_a_, t.id, WithFiles({ua}));
    });
    std::thread t2([&] {
      while (!go) {
      }
      b = service_->Reply(&member_a2_, t.id, WithFiles({ub}));
    });
    go = 1;
    t1.join();
    t2.join();
    EXPECT_EQ(a.ok() + b.ok(), 1) << a.ToString() << " / " << b.ToString();
    EXPECT_EQ((a.ok() ? b : a).code(), core::StatusCode::kTooLarge);
    EXPECT_EQ(Count("SELECT sum(size) FROM attachments WHERE ticket_id = " + std::to_string(t.id)), 96 * kMiB);
  }
}

TEST_F(TicketServiceTest, AChangeWithOneBadFieldChangesNothing) {
  Ticket t = Open(member_a_);
  int64_t events = Count("SELECT count(*) FROM ticket_events");
  int64_t mail = Count("SELECT count(*) FROM outbox");
  struct Case {
    TicketChanges changes;
    core::StatusCode code;
    std::string field;
  };
  auto changes = [](std::optional<std::string> status, std::optional<std::string> urgency,
                    std::optional<std::string> category, std::optional<std::optional<int64_t>> assignee) {
    TicketChanges c;
    c.status = std::move(status);
    c.urgency = std::move(urgency);
    c.category = std::move(category);
    c.assignee = assignee;
    return c;
  };
  const Case cases[] = {
      {changes("resolved", "urgent!", std::nullopt, std::nullopt), core::StatusCode::kInvalidArgument, "urgency:"},
      {changes("resolved", "low", "cooking", std::nullopt), core::StatusCode::kInvalidArgument, "category:"},
      {changes("resolved", "low", "email", std::optional<int64_t>(member_a_.user_id)),
       core::StatusCode::kInvalidArgument, "assignee:"},
      {changes("sleeping", "low", std::nullopt, std::nullopt), core::StatusCode::kInvalidArgument, "status:"},
      {changes("new", "low", std::nullopt, std::nullopt), core::StatusCode::kConflict, "a ticket cannot go"},
  };
  for (const auto& c : cases) {
    core::Status st = service_->Update(&volunteer_, t.id, c.changes);
    EXPECT_EQ(st.code(), c.code) << st.ToString();
    EXPECT_EQ(st.message().rfind(c.field, 0), 0u) << st.message();
  }
  auto after = service_->Get(&volunteer_, t.id);
  EXPECT_EQ(after->ticket.status, model::TicketStatus::kNew);
  EXPECT_EQ(after->ticket.urgency, "high");
  EXPECT_EQ(after->ticket.category, "hardware");
  EXPECT_FALSE(after->ticket.assignee_id.has_value());
  EXPECT_EQ(Count("SELECT count(*) FROM ticket_events"), events);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox"), mail) << "no 'resolved' email for a change that was not made";
  EXPECT_EQ(service_->Update(&member_a_, t.id, changes(std::nullopt, "low", std::nullopt, std::nullopt)).code(),
            core::StatusCode::kPermissionDenied);

  ASSERT_TRUE(
      service_
          ->Update(&volunteer_, t.id, changes("resolved", "low", "email", std::optional<int64_t>(volunteer2_.user_id)))
          .ok());
  after = service_->Get(&volunteer_, t.id);
  EXPECT_EQ(after->ticket.status, model::TicketStatus::kResolved);
  EXPECT_EQ(after->ticket.urgency, "low");
  EXPECT_EQ(after->ticket.category, "email");
  EXPECT_EQ(after->ticket.assignee_id, volunteer2_.user_id);
  EXPECT_EQ(Count("SELECT count(*) FROM ticket_events"), events + 4);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE kind = 'ticket_resolved'"), 2) << "both members of the group";
}

TEST_F(TicketServiceTest, AReplyOfSixtyKilobytesOfQuotesIsStoredAsPlainTextUnderTheCap) {
  Ticket t = Open(member_a_);
  ASSERT_TRUE(service_->Reply(&member_a_, t.id, Reply(std::string(60000, '>'))).ok());
  EXPECT_LE(Count("SELECT max(length(body_html)) FROM ticket_events"), 256 * 1024);
  EXPECT_EQ(Count("SELECT count(*) FROM ticket_events WHERE body_html LIKE '<p>&gt;&gt;&gt;%'"), 1);
  core::Status refused = service_->Reply(&member_a_, t.id, Reply(std::string(60000, '"')));
  EXPECT_EQ(refused.code(), core::StatusCode::kInvalidArgument);
  EXPECT_EQ(refused.message().rfind("body: the formatted text is too large", 0), 0u) << refused.message();
}

TEST_F(TicketServiceTest, CreatingGivesAYearlyReferenceAndRendersTheDescriptionOnce) {
  Ticket t1 = Open(member_a_);
  Ticket t2 = Open(member_a_);
  EXPECT_EQ(t1.ref, "ENT-2027-0001");
  EXPECT_EQ(t2.ref, "ENT-2027-0002");
  EXPECT_EQ(t1.status, model::TicketStatus::kNew);
  EXPECT_NE(t1.body_html.find("<strong>clignote</strong>"), std::string::npos);
  EXPECT_EQ(Count("SELECT count(*) FROM ticket_events WHERE kind = 'created'"), 2);
}

TEST_F(TicketServiceTest, InvalidValuesNameTheirFieldAndTheirSentence) {
  struct Case {
    std::string subject, body, category, urgency, field, key;
  };
  const Case cases[] = {
      {"", "b", "hardware", "normal", "subject", "error_subject_required"},
      {"s", "  ", "hardware", "normal", "body", "error_body_required"},
      {"s", "b", "nope", "normal", "category", "error_category_unknown"},
      {"s", "b", "hardware", "urgent!", "urgency", ""},
      {"two\nlines", "b", "hardware", "normal", "subject", "error_subject_one_line"},
      {std::string(201, 's'), "b", "hardware", "normal", "subject", "error_subject_too_long"},
  };
  for (const auto& c : cases) {
    NewTicket t = NT(c.subject, c.body, c.category, c.urgency);
    auto r = service_->Create(&member_a_, t, nullptr);
    ASSERT_FALSE(r.ok()) << c.field;
    EXPECT_EQ(r.status().message().rfind(c.field + ":", 0), 0u) << r.status().message();
    EXPECT_EQ(r.status().field(), c.field) << r.status().message();
    EXPECT_EQ(r.status().key(), c.key) << r.status().message();
  }
  NewTicket big = NT("s", std::string(64 * 1024 + 1, 'a'), "hardware", "normal");
  EXPECT_EQ(service_->Create(&member_a_, big, nullptr).status().code(), core::StatusCode::kTooLarge);
  EXPECT_EQ(service_->Create(&member_a_, big, nullptr).status().key(), "error_body_too_long");
  EXPECT_EQ(service_->Create(nullptr, NT("s", "b", "hardware"), nullptr).status().code(),
            core::StatusCode::kUnauthenticated);
  EXPECT_EQ(service_->Create(&volunteer_, NT("s", "b", "hardware"), nullptr).status().code(),
            core::StatusCode::kInvalidArgument)
      << "a volunteer with no group acts for no group";
}

TEST_F(TicketServiceTest, APathologicalDescriptionCannotHoldTheServer) {
  std::string evil;
  while (evil.size() + 2 < 60000) evil += " -";
  evil += "x" + std::string(2000, '\n');
  NewTicket t = NT("Pathological", evil, "other", "low");
  auto start = std::chrono::steady_clock::now();
  auto r = service_->Create(&member_a_, t, nullptr);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_LT(ms, 2000) << "rendering is bounded (250 ms budget) and falls back to escaped text";
  EXPECT_EQ(r->body_html.substr(0, 3), "<p>");
}

TEST_F(TicketServiceTest, TwentyTicketsAnHourPerPerson) {
  for (int i = 0; i < 20; ++i) Open(member_a_, "t" + std::to_string(i));
  int64_t retry = 0;
  auto r = service_->Create(&member_a_, NT("one more", "b", "other"), &retry);
  EXPECT_EQ(r.status().code(), core::StatusCode::kResourceExhausted);
  EXPECT_GT(retry, 0);
  EXPECT_TRUE(service_->Create(&member_a2_, NT("someone else", "b", "other"), nullptr).ok());
  clock_.Advance(3601);
  EXPECT_TRUE(service_->Create(&member_a_, NT("later", "b", "other"), nullptr).ok());
}

TEST_F(TicketServiceTest, SimultaneousRequestsCannotGetPastTheHourlyLimit) {
  std::atomic<int> go{0}, created{0}, refused{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 26; ++i) {
    threads.emplace_back([&, i] {
      while (!go) {
      }
      auto r = service_->Create(&member_a_, NT("burst " + std::to_string(i), "b", "other"), nullptr);
      if (r.ok())
        ++created;
      else if (r.status().code() == core::StatusCode::kResourceExhausted)
        ++refused;
    });
  }
  go = 1;
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), 20);
  EXPECT_EQ(refused.load(), 6);
}

TEST_F(TicketServiceTest, AnotherGroupsTicketIsNotFoundForEveryAction) {
  Ticket t = Open(member_a_);
  EXPECT_EQ(service_->Get(&member_b_, t.id).status().code(), core::StatusCode::kNotFound);
  EXPECT_EQ(service_->Reply(&member_b_, t.id, Reply("hi")).code(), core::StatusCode::kNotFound);
  EXPECT_EQ(service_->Close(&member_b_, t.id).code(), core::StatusCode::kNotFound);
  EXPECT_EQ(service_->ChangeStatus(&member_b_, t.id, "triaged").code(), core::StatusCode::kNotFound);
  EXPECT_EQ(service_->Claim(&member_b_, t.id).code(), core::StatusCode::kNotFound);
  EXPECT_EQ(service_->attachments().Get(&member_b_, t.id, 1).status().code(), core::StatusCode::kNotFound);
  auto list = service_->List(&member_b_, {});
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->empty());
  EXPECT_EQ(service_->Get(&member_a2_, t.id).status().code(), core::StatusCode::kOk) << "the whole group sees it";
  EXPECT_EQ(service_->Get(&volunteer_, t.id).status().code(), core::StatusCode::kOk);
  EXPECT_EQ(service_->Get(&member_a_, 999).status().code(), core::StatusCode::kNotFound);
}

TEST_F(TicketServiceTest, TheQueueIsForVolunteersNewAndUnassignedFirstThenUrgencyThenAge) {
  EXPECT_EQ(service_->Queue(&member_a_, {}).status().code(), core::StatusCode::kPermissionDenied);
  NewTicket low = NT("low", "b", "other", "low");
  NewTicket blocking = NT("blocking", "b", "other", "blocking");
  auto t_low = service_->Create(&member_a_, low, nullptr);
  clock_.Advance(10);
  auto t_block = service_->Create(&member_b_, blocking, nullptr);
  clock_.Advance(10);
  auto t_claimed = service_->Create(&member_a_, blocking, nullptr);
  ASSERT_TRUE(service_->Claim(&volunteer_, t_claimed->id).ok());
  auto q = service_->Queue(&volunteer_, {});
  ASSERT_TRUE(q.ok());
  ASSERT_EQ(q->size(), 3u);
  EXPECT_EQ((*q)[0].id, t_block->id);
  EXPECT_EQ((*q)[1].id, t_low->id);
  EXPECT_EQ((*q)[2].id, t_claimed->id);
  TicketFilter mine;
  mine.assignee = volunteer_.user_id;
  EXPECT_EQ(service_->Queue(&volunteer_, mine)->size(), 1u);
  TicketFilter unassigned;
  unassigned.assignee = 0;
  EXPECT_EQ(service_->Queue(&volunteer_, unassigned)->size(), 2u);
  TicketFilter by_group;
  by_group.group_id = member_b_.groups[0].id;
  EXPECT_EQ(service_->Queue(&volunteer_, by_group)->size(), 1u);
}

TEST_F(TicketServiceTest, ClaimingMakesItInProgressAndSomeoneElsesClaimIsAConflict) {
  Ticket t = Open(member_a_);
  ASSERT_TRUE(service_->Claim(&volunteer_, t.id).ok());
  EXPECT_EQ(Status(t.id), "in_progress");
  EXPECT_EQ(service_->Claim(&volunteer2_, t.id).code(), core::StatusCode::kConflict);
  EXPECT_TRUE(service_->Claim(&volunteer_, t.id).ok()) << "claiming your own ticket again is fine";
  EXPECT_EQ(service_->Claim(&member_a_, t.id).code(), core::StatusCode::kPermissionDenied);
}

TEST_F(TicketServiceTest, TwoVolunteersClaimingAtTheSameMomentExactlyOneWins) {
  for (int round = 0; round < 10; ++round) {
    Ticket t = Open(member_a_, "race " + std::to_string(round));
    std::atomic<int> go{0};
    core::Status a, b;
    std::thread t1([&] {
      while (!go) {
      }
      a = service_->Claim(&volunteer_, t.id);
    });
    std::thread t2([&] {
      while (!go) {
      }
      b = service_->Claim(&volunteer2_, t.id);
    });
    go = 1;
    t1.join();
    t2.join();
    EXPECT_EQ(a.ok() + b.ok(), 1) << a.ToString() << " / " << b.ToString();
    const core::Status& loser = a.ok() ? b : a;
    EXPECT_TRUE(loser.code() == core::StatusCode::kConflict || loser.code() == core::StatusCode::kUnavailable)
        << loser.ToString();
  }
}

TEST_F(TicketServiceTest, TheConversationMovesTheWorkflow) {
  Ticket t = Open(member_a_);
  ASSERT_TRUE(service_->Claim(&volunteer_, t.id).ok());
  ASSERT_TRUE(service_->Reply(&volunteer_, t.id, Reply("Quel modèle?", false, true)).ok());
  EXPECT_EQ(Status(t.id), "waiting_on_group");
  ASSERT_TRUE(service_->Reply(&member_a2_, t.id, Reply("Un HP 2700.")).ok());
  EXPECT_EQ(Status(t.id), "in_progress");
  ASSERT_TRUE(service_->Reply(&volunteer_, t.id, Reply("Changez la cartouche.", false, false, true)).ok());
  EXPECT_EQ(Status(t.id), "resolved");
  EXPECT_EQ(service_->ChangeStatus(&volunteer_, t.id, "in_progress").code(), core::StatusCode::kConflict);
  ASSERT_TRUE(service_->Close(&member_a_, t.id).ok());
  EXPECT_EQ(Status(t.id), "closed");
  EXPECT_EQ(service_->ChangeStatus(&volunteer_, t.id, "in_progress").code(), core::StatusCode::kConflict)
      << "closed -> in_progress needs a reopen";
  EXPECT_EQ(service_->ChangeStatus(&volunteer_, t.id, "new").code(), core::StatusCode::kConflict);
  ASSERT_TRUE(service_->Reopen(&member_a_, t.id).ok());
  EXPECT_EQ(Status(t.id), "triaged");
  EXPECT_EQ(service_->Close(&member_a_, t.id).code(), core::StatusCode::kConflict) << "only a resolved ticket closes";
}

TEST_F(TicketServiceTest, ReplyToClosedTicketReopensIt) {
  Ticket t = Open(member_a_);
  ASSERT_TRUE(service_->ChangeStatus(&volunteer_, t.id, "resolved").ok());
  ASSERT_TRUE(service_->Close(&volunteer_, t.id).ok());
  ASSERT_TRUE(service_->Reply(&member_a_, t.id, Reply("It broke again")).ok());
  EXPECT_EQ(Status(t.id), "triaged");
}

TEST_F(TicketServiceTest, InternalNotesNeverReachTheGroup) {
  Ticket t = Open(member_a_);
  ASSERT_TRUE(service_->Reply(&volunteer_, t.id, Reply("secret: their router is ancient", true)).ok());
  ASSERT_TRUE(service_->Reply(&volunteer_, t.id, Reply("public answer")).ok());
  auto group_view = service_->Get(&member_a_, t.id);
  ASSERT_TRUE(group_view.ok());
  for (const auto& e : group_view->events) EXPECT_EQ(e.body.find("secret"), std::string::npos);
  auto vol_view = service_->Get(&volunteer2_, t.id);
  bool seen = false;
  for (const auto& e : vol_view->events) seen = seen || (e.internal && e.body.find("secret") != std::string::npos);
  EXPECT_TRUE(seen);
  EXPECT_EQ(service_->Reply(&member_a_, t.id, Reply("note?", true)).code(), core::StatusCode::kPermissionDenied);
}

TEST_F(TicketServiceTest, EmailsAreQueuedWithTheChangeThatCausesThem) {
  Ticket t = Open(member_a_);
  ASSERT_TRUE(service_->Claim(&volunteer_, t.id).ok());
  ASSERT_TRUE(service_->Reply(&volunteer_, t.id, Reply("Try this", false, true)).ok());
  // Both members of the group (the volunteer is not one) get the question.
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE kind = 'ticket_question'"), 2);
  ASSERT_TRUE(service_->Reply(&member_a_, t.id, Reply("Done")).ok());
  EXPECT_EQ(
      Count("SELECT count(*) FROM outbox WHERE kind = 'ticket_group_reply' AND recipient_email = 'v@example.org'"), 1);
  ASSERT_TRUE(service_->Reply(&volunteer_, t.id, Reply("note", true)).ok());
  // The new ticket's acknowledgement and its alerts to the two volunteers (a high one), then the three above.
  EXPECT_EQ(Count("SELECT count(*) FROM outbox"), 6) << "internal notes email nobody";
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE data_json LIKE '%https://entraide.example.org/fr/tickets/" +
                  std::to_string(t.id) + "%'"),
            6);
}

TEST_F(TicketServiceTest, TheQueuePagesWithOffsetsAndListsFinishedTicketsMostRecentlyResolvedFirst) {
  std::vector<int64_t> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(Open(member_a_, "t" + std::to_string(i)).id);
    clock_.Advance(60);
  }
  TicketFilter page;
  page.limit = 2;
  std::vector<int64_t> seen;
  for (int offset = 0; offset < 6; offset += 2) {
    page.offset = offset;
    auto q = service_->Queue(&volunteer_, page);
    ASSERT_TRUE(q.ok());
    EXPECT_EQ(q->size(), offset < 4 ? 2u : 1u);
    for (const auto& t : *q) seen.push_back(t.id);
  }
  EXPECT_EQ(seen, ids) << "oldest first at the same urgency, each ticket once";
  // Resolve 3, then 1, then 4: the closed/resolved view shows the most recently resolved first.
  for (int i : {3, 1, 4}) {
    ASSERT_TRUE(service_->ChangeStatus(&volunteer_, ids[i], "resolved").ok());
    clock_.Advance(60);
  }
  TicketFilter resolved;
  resolved.status = model::StatusFilter::Only(model::TicketStatus::kResolved);
  auto q = service_->Queue(&volunteer_, resolved);
  ASSERT_TRUE(q.ok());
  ASSERT_EQ(q->size(), 3u);
  EXPECT_EQ((*q)[0].id, ids[4]);
  EXPECT_EQ((*q)[1].id, ids[1]);
  EXPECT_EQ((*q)[2].id, ids[3]);
}

TEST_F(TicketServiceTest, ResolvedTicketsCloseThemselvesAfter14Days) {
  Ticket t = Open(member_a_);
  ASSERT_TRUE(service_->ChangeStatus(&volunteer_, t.id, "resolved").ok());
  clock_.Advance(13 * 24 * 3600);
  EXPECT_EQ(Status(t.id), "resolved");
  clock_.Advance(24 * 3600 + 1);
  EXPECT_EQ(Status(t.id), "closed");
}

TEST_F(TicketServiceTest, WasItHelpfulIsAskedOnceResolvedAndCounted) {
  Ticket t = Open(member_a_);
  EXPECT_EQ(service_->Helpful(&member_a_, t.id, true, "").code(), core::StatusCode::kConflict);
  ASSERT_TRUE(service_->ChangeStatus(&volunteer_, t.id, "resolved").ok());
  EXPECT_EQ(service_->Helpful(&volunteer_, t.id, true, "").code(), core::StatusCode::kPermissionDenied);
  ASSERT_TRUE(service_->Helpful(&member_a_, t.id, true, "Merci!").ok());
  auto v = service_->Get(&volunteer_, t.id);
  ASSERT_TRUE(v->ticket.helpful.has_value());
  EXPECT_EQ(*v->ticket.helpful, 1);
  EXPECT_EQ(v->ticket.helpful_comment, "Merci!");
  auto coord = Person("c@example.org", "coordinator", {});
  auto counts = service_->HelpfulCounts(&coord);
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->first, 1);
  EXPECT_EQ(service_->HelpfulCounts(&volunteer_).status().code(), core::StatusCode::kPermissionDenied);
}

TEST_F(TicketServiceTest, AttachmentsAreStoredByHashAndFollowTheirTicketsVisibility) {
  std::string tmp = dir_.Join("upload1");
  { std::ofstream(tmp) << "screenshot bytes"; }
  NewTicket t = NT("with file", "see attached", "other", "normal");
  t.uploads.push_back({"../../etc/passwd", "image/png; charset=x", tmp, core::Sha256Hex("screenshot bytes"), 16});
  auto created = service_->Create(&member_a_, t, nullptr);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  auto view = service_->Get(&member_a_, created->id);
  ASSERT_EQ(view->attachments.size(), 1u);
  EXPECT_EQ(view->attachments[0].filename, "passwd") << "no path survives";
  auto file = service_->attachments().Get(&member_a2_, created->id, view->attachments[0].id);
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(testing::ReadFile(file->path), "screenshot bytes");
  EXPECT_NE(file->path.find(core::Sha256Hex("screenshot bytes")), std::string::npos);
  EXPECT_EQ(service_->attachments().Get(&member_b_, created->id, view->attachments[0].id).status().code(),
            core::StatusCode::kNotFound);
  NewTicket many = NT("many", "b", "other", "normal");
  for (int i = 0; i < 6; ++i) many.uploads.push_back({"f", "text/plain", tmp, std::string(64, 'a'), 1});
  EXPECT_EQ(service_->Create(&member_a_, many, nullptr).status().code(), core::StatusCode::kInvalidArgument);
  NewTicket huge = NT("huge", "b", "other", "normal");
  huge.uploads.push_back({"big.iso", "application/x-iso", tmp, std::string(64, 'a'), 11 * 1024 * 1024});
  EXPECT_EQ(service_->Create(&member_a_, huge, nullptr).status().code(), core::StatusCode::kTooLarge);
}

TEST_F(TicketServiceTest, AResolvedTicketCanBePublishedAsAnAnsweredQuestionThatSearchFinds) {
  Ticket t = Open(member_a_, "Imprimante Brother hors ligne");
  EXPECT_EQ(questions_->Publish(&volunteer_, t.id, "x", "q", "a").status().code(), core::StatusCode::kConflict);
  ASSERT_TRUE(service_->ChangeStatus(&volunteer_, t.id, "resolved").ok());
  EXPECT_EQ(questions_->Publish(&member_a_, t.id, "x", "q", "a").status().code(), core::StatusCode::kPermissionDenied);
  auto q = questions_->Publish(&volunteer_, t.id, "Imprimante Brother hors ligne",
                               "L'imprimante affiche « hors ligne ».", "Redémarrez le **spouleur**.");
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_EQ(questions_->Publish(&volunteer_, t.id, "again", "q", "a").status().code(), core::StatusCode::kConflict);
  auto found = questions_->Find("fr", q->slug);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_NE((*found)->answer_html.find("<strong>spouleur</strong>"), std::string::npos);
  // The index follows the store: the question was queued with the publication.
  auto db = pool_->Acquire();
  auto res = search::LoadResources(testing::SourceDir() + "/search");
  ASSERT_TRUE(kb::RebuildIndex(**db, dir_.path(), *res, nullptr, true).ok());
  search::Searcher searcher(dir_.path(), *res);
  model::SearchRequest req;
  req.q = "spouleur brother";
  req.visitor_lang = "fr";
  req.kind = "question";
  auto r = searcher.Search(req);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->hits.size(), 1u);
  EXPECT_EQ(r->hits[0].kind, "question");
  EXPECT_EQ(r->hits[0].url, "/fr/questions/" + q->slug);
}

TEST_F(TicketServiceTest, LinkedArticlesMustExist) {
  Ticket t = Open(member_a_);
  EXPECT_EQ(service_->LinkArticle(&volunteer_, t.id, "no-such-key").code(), core::StatusCode::kInvalidArgument);
  EXPECT_EQ(service_->LinkArticle(&member_a_, t.id, "backups").code(), core::StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace entraide::tickets
