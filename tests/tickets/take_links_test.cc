#include "tickets/take_links.h"

#include <gtest/gtest.h>

#include <cctype>

#include "core/sha256.h"
#include "store/take_link_repo.h"
#include "test_util.h"
#include "tickets/ticket_fixture.h"

namespace entraide::tickets {
namespace {

using Result = TakeOutcome::Result;

// The links' own contract, with link rows written here (tests/mail/digest_test.cc follows the digest's links).
class TakeLinkServiceTest : public TicketServiceTest {
 protected:
  void SetUp() override {
    TicketServiceTest::SetUp();
    links_ = std::make_unique<TakeLinkService>(*pool_, clock_);
    ticket_ = Open(member_a_);
  }
  // A link for `volunteer` to the ticket, valid for `days`; its token.
  std::string Link(const auth::Principal& volunteer, int days = 7) {
    std::string token = core::Sha256Hex("token " + std::to_string(++links_made_));
    store::TakeLinkRecord r;
    r.token_hash = core::Sha256Hex(token);
    r.user_id = volunteer.user_id;
    r.ticket_id = ticket_.id;
    r.created_at = clock_.NowSeconds();
    r.expires_at = r.created_at + days * 24 * 3600;
    auto db = pool_->Acquire();
    EXPECT_TRUE(store::TakeLinkRepository(**db).Add(r).ok());
    return token;
  }
  std::optional<int64_t> Holder() { return service_->Get(&volunteer_, ticket_.id)->ticket.assignee_id; }

  std::unique_ptr<TakeLinkService> links_;
  Ticket ticket_;
  int links_made_ = 0;
};

TEST_F(TakeLinkServiceTest, CheckingChangesNothingTakingClaimsForTheLinksVolunteer) {
  std::string token = Link(volunteer_);
  auto check = links_->Check(token);
  ASSERT_TRUE(check.ok()) << check.status().ToString();
  EXPECT_EQ(check->result, Result::kReady);
  EXPECT_EQ(check->volunteer_name, "v");
  EXPECT_EQ(Holder(), std::nullopt);
  EXPECT_EQ(Count("SELECT count(*) FROM take_links WHERE used_at IS NOT NULL"), 0);
  auto taken = links_->Take(token);
  ASSERT_TRUE(taken.ok()) << taken.status().ToString();
  EXPECT_EQ(taken->result, Result::kTaken);
  EXPECT_EQ(Holder(), volunteer_.user_id);
  EXPECT_EQ(Status(ticket_.id), "in_progress");
}

TEST_F(TakeLinkServiceTest, AUsedLinkIsRefused) {
  std::string token = Link(volunteer_);
  ASSERT_EQ(links_->Take(token)->result, Result::kTaken);
  ASSERT_TRUE(service_->Assign(&volunteer2_, ticket_.id, std::nullopt).ok());  // released
  EXPECT_EQ(links_->Check(token)->result, Result::kUsed);
  EXPECT_EQ(links_->Take(token)->result, Result::kUsed);
  EXPECT_EQ(Holder(), std::nullopt) << "a used link never takes the ticket again";
}

TEST_F(TakeLinkServiceTest, AnExpiredLinkIsRefused) {
  std::string token = Link(volunteer_, 1);
  clock_.Advance(24 * 3600);
  EXPECT_EQ(links_->Check(token)->result, Result::kExpired);
  EXPECT_EQ(links_->Take(token)->result, Result::kExpired);
  EXPECT_EQ(Holder(), std::nullopt);
}

TEST_F(TakeLinkServiceTest, AnUnknownOrMalformedTokenIsUnauthenticated) {
  std::string token = Link(volunteer_);
  std::string upper = token;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (const std::string& bad : {core::Sha256Hex("never issued"), upper, token.substr(0, 63), std::string()})
    EXPECT_EQ(links_->Take(bad).status().code(), core::StatusCode::kUnauthenticated) << bad;
  EXPECT_EQ(Holder(), std::nullopt);
}

TEST_F(TakeLinkServiceTest, AMemberCannotTakeWithALinkMadeOutToThem) {
  // The same authorisation as the Claim button: a link issued to someone who is not a volunteer takes nothing.
  std::string token = Link(member_a2_);
  EXPECT_EQ(links_->Take(token).status().code(), core::StatusCode::kUnauthenticated);
  EXPECT_EQ(Holder(), std::nullopt);
}

}  // namespace
}  // namespace entraide::tickets
