// What the name of an uploaded file becomes before it is stored, listed and offered as a download name.
// Pure function; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace entraide::tickets {

// The last path component (after '/' or '\'), without the characters that can disguise a name: format
// characters (U+202E makes "txt.exe" look like "exe.txt"; zero-width spaces, U+FEFF...), controls, line
// separators, and '"'. Trimmed; at most 200 bytes (the end kept: it holds the extension), cut between two
// characters. "file" when nothing usable is left (empty, ".", "..", only invisible characters).
std::string SafeFilename(std::string_view name);

}  // namespace entraide::tickets
