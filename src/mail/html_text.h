// HTML made readable text, for a mail that has no text/plain part: paragraphs and line breaks kept, lists as
// "- ", links as "text (url)", quoted parts (<blockquote>) as "> " lines, entities decoded, no markup and no
// script, style or head content. A small tolerant tokenizer of our own, not a browser: mail HTML is read once,
// shown as text. Input and output are UTF-8 (invalid bytes become U+FFFD). Thread-safe (no state).
#pragma once

#include <string>
#include <string_view>

namespace entraide::mail {

std::string HtmlToText(std::string_view html);

// The charset an HTML document declares in <meta charset=...> or <meta http-equiv content="...; charset=...">,
// lower case; "" when none (only the first 2 KiB are looked at, as browsers do).
std::string HtmlMetaCharset(std::string_view html);

}  // namespace entraide::mail
