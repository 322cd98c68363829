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

Topic TopicOfKind(std::string_view kind) {
  if (kind == "signin_link" || kind == "invitation" || kind == "password_reset") return Topic::kTransactional;
  if (kind == "volunteer_digest") return Topic::kVolunteerDigest;
  if (kind == "group_digest") return Topic::kGroupDigest;
  if (kind == "coordinator_summary") return Topic::kCoordinatorSummary;
  return Topic::kNotifications;
}

const char* TopicName(Topic topic) {
  switch (topic) {
    case Topic::kNotifications:
      return "notifications";
    case Topic::kVolunteerDigest:
      return "volunteer_digest";
    case Topic::kGroupDigest:
      return "group_digest";
    case Topic::kCoordinatorSummary:
      return "coordinator_summary";
    case Topic::kTransactional:
      break;
  }
  return "";
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
