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
  out = std::string(core::Utf8Suffix(out, kMaxBytes));  // the end, with the extension
  if (out.empty() || out == "." || out == "..") return "file";
  return out;
}

}  // namespace entraide::tickets
