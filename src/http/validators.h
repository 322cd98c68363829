// HTTP validators for pages that look the same to every visitor (issue #21): a weak ETag from the body, and
// the 304 answer to an If-None-Match that names it. Pure functions; thread-safe.
#pragma once

#include <string>

#include "http/message.h"

namespace entraide::http {

// W/"<16 hex digits of the body's SHA-256>". Weak: the server may send the body gzipped or not.
std::string BodyETag(const std::string& body);

// Adds the ETag of `r`'s body (when it has none) and, when the request's If-None-Match names it (or is "*"),
// turns `r` into a 304 without a body (its other headers kept). Only for 200 answers.
void AnswerConditionally(const Request& req, Response& r);

}  // namespace entraide::http
