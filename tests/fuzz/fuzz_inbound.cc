// Fuzz target: an inbound mail message (mail::ParseMessage), its text without the quoted history, its DMARC
// result, and HTML made text. The first byte picks small limits (so that they are reached) or the defaults.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/strings.h"
#include "fuzz_util.h"
#include "mail/html_text.h"
#include "mail/inbound.h"

namespace {

bool ValidUtf8(const std::string& s) { return entraide::core::ToValidUtf8(s) == s; }

}  // namespace

extern "C" int FuzzInbound(const uint8_t* data, size_t size) {
  using namespace entraide::mail;
  if (size == 0) return 0;
  InboundLimits limits;
  if (data[0] & 1) {
    limits.max_message_bytes = 4096;
    limits.max_attachment_bytes = 64;
    limits.max_attachments = 1 + (data[0] >> 5);
  }
  std::string_view raw = entraide::fuzz::AsText(data + 1, size - 1);
  auto parsed = ParseMessage(raw, limits);
  FUZZ_CHECK(parsed.ok() || parsed.status().code() == entraide::core::StatusCode::kInvalidArgument);
  if (parsed.ok()) {
    const InboundMessage& m = *parsed;
    FUZZ_CHECK(raw.size() <= limits.max_message_bytes);
    FUZZ_CHECK(m.size == raw.size());
    FUZZ_CHECK(ValidUtf8(m.text) && ValidUtf8(m.subject) && ValidUtf8(m.from_name) && ValidUtf8(m.from_address));
    FUZZ_CHECK(static_cast<int>(m.attachments.size()) <= limits.max_attachments);
    for (const auto& a : m.attachments) {
      FUZZ_CHECK(a.data.size() <= limits.max_attachment_bytes);
      FUZZ_CHECK(ValidUtf8(a.filename));
    }
    FUZZ_CHECK(!m.null_return_path || m.return_path.empty());
    for (const auto& h : m.authentication_results) FUZZ_CHECK(h.find_first_of("\r\n") == std::string::npos);
    std::string reply = StripQuotedReply(m.text);
    FUZZ_CHECK(ValidUtf8(reply) && reply.size() <= m.text.size());
    if (auto v = DmarcResult(m, "mx.reseau.example")) FUZZ_CHECK(!v->result.empty());
    if (m.report) m.report->Permanent();
  }
  FUZZ_CHECK(ValidUtf8(HtmlToText(raw)));
  return 0;
}

ENTRAIDE_FUZZ_TARGET(FuzzInbound)
