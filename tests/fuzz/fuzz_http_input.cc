// Fuzz target: what arrives from the network before a handler runs: the request target (path and
// query string), form bodies, cookies and Accept-Language.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/escape.h"
#include "core/strings.h"
#include "fuzz_util.h"
#include "http/message.h"
#include "http/server.h"
#include "i18n/catalog.h"

extern "C" int FuzzHttpInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  entraide::http::Request req;
  int status = entraide::http::ParseTarget(text, 8192, req);
  if (status == 0) {
    // An accepted path never contains a traversal segment.
    for (const auto& seg : entraide::core::Split(req.path, '/')) FUZZ_CHECK(seg != ".." && seg != ".");
    FUZZ_CHECK(req.path.find('\0') == std::string::npos);
  }
  (void)entraide::core::ParseFormUrlEncoded(text);
  (void)entraide::http::ParseCookies(text);
  auto lang = entraide::i18n::NegotiateLanguage(text);
  if (lang) FUZZ_CHECK(entraide::i18n::IsSupportedLang(*lang));
  return 0;
}

ENTRAIDE_FUZZ_TARGET(FuzzHttpInput)
