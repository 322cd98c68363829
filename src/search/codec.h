// Encoding of a Document into a Xapian document's data and back. Pure functions.
#pragma once

#include <optional>
#include <string>

#include "search/document.h"

namespace entraide::search {

std::string EncodeDocument(const Document& d);
std::optional<Document> DecodeDocument(const std::string& data);

}  // namespace entraide::search
