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
  for (const auto& part : core::Split(header, ',', true)) {
    auto fields = core::Split(part, ';');
    std::string coding = core::ToLowerAscii(core::Trim(fields[0]));
    if (coding != "gzip" && coding != "*") continue;
    double q = 1.0;
    for (size_t i = 1; i < fields.size(); ++i) {
      auto f = core::Trim(fields[i]);
      if (core::StartsWith(f, "q=")) {
        try {
          q = std::stod(std::string(f.substr(2)));
        } catch (...) {
          q = 0;
        }
      }
    }
    if (q > 0) return true;
  }
  return false;
}

}  // namespace entraide::http
