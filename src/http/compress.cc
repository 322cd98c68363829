#include "http/compress.h"

#include <Poco/DeflatingStream.h>

#include <sstream>

#include "core/strings.h"

namespace entraide::http {

std::string GzipCompress(std::string_view data) {
  std::ostringstream out;
  Poco::DeflatingOutputStream gz(out, Poco::DeflatingStreamBuf::STREAM_GZIP, 6);
  gz.write(data.data(), static_cast<std::streamsize>(data.size()));
  gz.close();
  return out.str();
}

bool AcceptsGzip(std::string_view header) {
  for (const auto& [coding, q] : core::ParseQualityList(header))
    if ((coding == "gzip" || coding == "*") && q > 0) return true;
  return false;
}

}  // namespace entraide::http
