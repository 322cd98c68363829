// Gzip for response bodies. Thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace entraide::http {

std::string GzipCompress(std::string_view data);
// True when the Accept-Encoding header accepts gzip (q > 0).
bool AcceptsGzip(std::string_view accept_encoding);

}  // namespace entraide::http
