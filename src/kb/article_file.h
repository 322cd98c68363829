// An article as a file and back: the one canonical way the library writes an article's front matter and body
// (what online edits are saved as, and what export-content writes for them). ParseArticle (content.h) reads it
// back field for field. Pure; thread-safe.
#pragma once

#include <string>

#include "kb/content.h"
#include "model/editorial.h"

namespace entraide::kb {

// "---\n" + front matter (title, slug, lang, key, category, tags, summary, updated, draft when true; a value is
// written plain when YAML reads it back as the same text, double-quoted otherwise) + "---\n\n" + body.
std::string WriteArticleFile(const model::ArticleFields& fields);

// The fields of a parsed file, its body normalized (NormalizeBody).
model::ArticleFields FieldsOf(const ArticleSource& source);

// Line ends as LF (a browser sends a textarea's lines as CRLF), no blank lines before the first line of text,
// and exactly one LF at the end ("" stays "").
std::string NormalizeBody(std::string_view body);

}  // namespace entraide::kb
