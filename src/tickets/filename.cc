#include "tickets/filename.h"

#include "core/strings.h"
#include "search/text.h"

namespace entraide::tickets {

std::string SafeFilename(std::string_view name) {
  size_t slash = name.find_last_of("/\\");
  if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
  std::string visible = search::StripFormatCharacters(name);  // also drops invalid UTF-8 and controls
  std::string out;
  for (char c : visible)
    if (c != '"') out += c;
  out = std::string(core::Trim(out));
  constexpr size_t kMaxBytes = 200;
  if (out.size() > kMaxBytes) {
    size_t cut = out.size() - kMaxBytes;
    while (cut < out.size() && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) ++cut;  // not mid-character
    out = out.substr(cut);
  }
  if (out.empty() || out == "." || out == "..") return "file";
  return out;
}

}  // namespace entraide::tickets
