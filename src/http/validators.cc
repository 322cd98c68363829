#include "http/validators.h"

#include "core/sha256.h"
#include "core/strings.h"

namespace entraide::http {

std::string BodyETag(const std::string& body) { return "W/\"" + core::Sha256Hex(body).substr(0, 16) + "\""; }

void AnswerConditionally(const Request& req, Response& r) {
  if (r.status != 200) return;
  std::string etag = r.FindHeader("ETag");
  if (etag.empty()) {
    etag = BodyETag(r.body);
    r.Header("ETag", etag);
  }
  std::string inm = req.Header("if-none-match");
  if (inm.empty()) return;
  // A list of tags, compared weakly (RFC 9110 13.1.2): W/ prefixes do not matter.
  auto opaque = [](std::string_view t) {
    t = core::Trim(t);
    if (t.size() > 2 && t.substr(0, 2) == "W/") t.remove_prefix(2);
    return t;
  };
  bool match = core::Trim(inm) == "*";
  for (std::string_view rest = inm; !match && !rest.empty();) {
    size_t comma = rest.find(',');
    match = opaque(rest.substr(0, comma)) == opaque(etag);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
  }
  if (!match) return;
  r.status = 304;
  r.body.clear();
}

}  // namespace entraide::http
