// Plus addressing (RFC 5233 "subaddress"): aide@reseau.example and a tag give aide+TAG@reseau.example, the reply
// address of a ticket notification (mail.reply_address), and such an address gives its tag back when a reply comes
// in. Tags are compared and returned in lower case: mail systems may lower-case the local part. The tag of a reply
// address is a fresh random token (NewReplyToken) whose hash is kept in reply_tokens (tickets/reply_tokens.h).
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace entraide::mail {

// ("aide@x.org", "ab1") -> "aide+ab1@x.org". `base` is an addr-spec (mail.reply_address, checked by the config).
std::string PlusAddress(std::string_view base, std::string_view tag);
// The tag of `address` when it is base's local part + "+" + tag at base's domain (case-insensitively), lower case.
// nullopt for anything else: another local part or domain, no tag, an empty tag, a tag with characters other than
// letters and digits (and "-", "_", "."), or no base.
std::optional<std::string> PlusTag(std::string_view base, std::string_view address);
// A reply address's tag: 128 random bits (libsodium) as 32 lower-case hex digits.
std::string NewReplyToken();

}  // namespace entraide::mail
