#include "mail/unsubscribe.h"

#include "core/random.h"
#include "core/sha256.h"
#include "core/strings.h"
#include "store/database.h"
#include "store/mail_repo.h"

namespace entraide::mail {
namespace {

char Letter(Topic t) {
  switch (t) {
    case Topic::kNotifications:
      return 'n';
    case Topic::kNewTicketAlerts:
      return 'a';
    case Topic::kVolunteerDigest:
      return 'v';
    case Topic::kGroupDigest:
      return 'g';
    case Topic::kCoordinatorSummary:
      return 'c';
    case Topic::kTransactional:
      break;
  }
  return 0;
}

std::optional<Topic> FromLetter(char c) {
  switch (c) {
    case 'n':
      return Topic::kNotifications;
    case 'a':
      return Topic::kNewTicketAlerts;
    case 'v':
      return Topic::kVolunteerDigest;
    case 'g':
      return Topic::kGroupDigest;
    case 'c':
      return Topic::kCoordinatorSummary;
    default:
      return std::nullopt;
  }
}

}  // namespace

Topic TopicOf(model::DigestKind digest) {
  switch (digest) {
    case model::DigestKind::kVolunteer:
      return Topic::kVolunteerDigest;
    case model::DigestKind::kGroup:
      return Topic::kGroupDigest;
    case model::DigestKind::kCoordinator:
      break;
  }
  return Topic::kCoordinatorSummary;
}

Topic TopicOf(model::MailKind kind) {
  if (model::IsLinkMail(kind)) return Topic::kTransactional;
  if (kind == model::MailKind::kNewTicketAlert) return Topic::kNewTicketAlerts;
  if (auto digest = model::DigestOf(kind)) return TopicOf(*digest);
  return Topic::kNotifications;
}

std::optional<model::DigestKind> DigestOf(Topic topic) {
  for (model::DigestKind d : model::kDigestKinds)
    if (TopicOf(d) == topic) return d;
  return std::nullopt;
}

std::string_view TopicName(Topic topic) {
  if (topic == Topic::kTransactional) return "";
  if (auto digest = DigestOf(topic)) return model::ToString(*digest);
  if (topic == Topic::kNewTicketAlerts) return "new_ticket_alerts";
  return "notifications";
}

core::StatusOr<UnsubscribeTokens> UnsubscribeTokens::Load(store::Database& db) {
  auto secret = store::MailRepository(db).MetaValueOrInsert("mail_unsubscribe_secret", core::RandomHex(32));
  if (!secret.ok()) return secret.status();
  return UnsubscribeTokens(*secret);
}

std::string UnsubscribeTokens::Mac(int64_t user_id, char topic) const {
  auto mac = core::HmacSha256(secret_, "entraide-unsubscribe-v1:" + std::to_string(user_id) + ":" + topic);
  return core::HexEncode(mac.data(), 16);  // 128 bits are plenty for a link
}

std::string UnsubscribeTokens::Sign(int64_t user_id, Topic topic) const {
  char letter = Letter(topic);
  if (!letter || user_id <= 0) return "";
  return std::to_string(user_id) + "-" + letter + "-" + Mac(user_id, letter);
}

core::StatusOr<UnsubscribeClaim> UnsubscribeTokens::Verify(std::string_view token) const {
  core::Status bad = core::Unauthenticated("this unsubscribe link is not valid");
  auto parts = core::Split(token, '-');
  if (token.size() > 80 || parts.size() != 3 || parts[0].empty() || parts[0].size() > 18 || parts[1].size() != 1)
    return bad;
  for (char c : parts[0])
    if (c < '0' || c > '9') return bad;
  auto topic = FromLetter(parts[1][0]);
  if (!topic) return bad;
  int64_t user_id = std::stoll(parts[0]);
  if (user_id <= 0 || !core::ConstantTimeEquals(Mac(user_id, parts[1][0]), parts[2])) return bad;
  return UnsubscribeClaim{user_id, *topic};
}

}  // namespace entraide::mail
