// The library edited online: an article's fields as the editor holds them, its revisions, the review queue, the
// translations to do, and a word-level comparison. Plain values (std only): store/ and kb/ fill them, http/ and
// app/ show them. See kb/editorial.h for who may do what.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace entraide::model {

// What an article's file holds, field by field (kb/article_file.h turns it into the file's text and back).
struct ArticleFields {
  std::string lang, slug, key, title, summary, category, updated;  // updated: YYYY-MM-DD
  std::vector<std::string> tags;
  bool draft = false;  // `draft: true` in the front matter: imported but never served
  std::string body;    // Markdown
};

enum class RevisionState { kPending, kPublished, kDeclined, kConflict };
enum class RevisionOrigin { kWeb, kImport, kRestore, kTicket };

// The words of the database's CHECKs, the catalogs' ("revision_state_" + word) and the API's.
constexpr std::string_view ToString(RevisionState s) {
  switch (s) {
    case RevisionState::kPending:
      return "pending";
    case RevisionState::kPublished:
      return "published";
    case RevisionState::kDeclined:
      return "declined";
    case RevisionState::kConflict:
      return "conflict";
  }
  return "pending";
}
constexpr std::string_view ToString(RevisionOrigin o) {
  switch (o) {
    case RevisionOrigin::kWeb:
      return "web";
    case RevisionOrigin::kImport:
      return "import";
    case RevisionOrigin::kRestore:
      return "restore";
    case RevisionOrigin::kTicket:
      return "ticket";
  }
  return "web";
}
inline std::optional<RevisionState> ParseRevisionState(std::string_view w) {
  for (auto s :
       {RevisionState::kPending, RevisionState::kPublished, RevisionState::kDeclined, RevisionState::kConflict})
    if (ToString(s) == w) return s;
  return std::nullopt;
}
inline std::optional<RevisionOrigin> ParseRevisionOrigin(std::string_view w) {
  for (auto o : {RevisionOrigin::kWeb, RevisionOrigin::kImport, RevisionOrigin::kRestore, RevisionOrigin::kTicket})
    if (ToString(o) == w) return o;
  return std::nullopt;
}

// One saved version of an article. `source` (the whole file) is filled only where the caller needs the text
// (one revision, a comparison); lists leave it empty.
struct Revision {
  int64_t id = 0;
  std::string lang, slug, key, title;
  std::string source, source_hash;
  int64_t parent_id = 0;  // 0: the first
  RevisionState state = RevisionState::kPending;
  RevisionOrigin origin = RevisionOrigin::kWeb;
  std::string change_summary;
  int64_t author_id = 0;  // 0: import or the command line
  std::string author_name;
  int64_t created_at = 0;  // epoch seconds
  int64_t reviewed_by = 0;
  std::string reviewer_name;
  int64_t reviewed_at = 0;
  std::string review_note;
  bool needs_translation = false;
  int64_t follows_id = 0;     // a translation: the source revision it follows (0: none recorded)
  int64_t ticket_id = 0;      // drafted from this ticket (0: none)
  std::string ticket_ref;     // its reference, when ticket_id is set
  int64_t restored_from = 0;  // 0: not a restore
  bool current = false;       // the revision the article serves now
};

// A revision waiting in /{lang}/review: a draft of a new article (nothing published yet under its language and
// slug), a proposed change to a published one, or a file import found in conflict with an online edit.
struct ReviewItem {
  Revision revision;  // without source
  bool new_article = false;
  int64_t current_id = 0;  // the published revision it would replace (0: none)
};

// One line of /{lang}/translations: a served article whose other language is missing, or behind.
struct TranslationTodo {
  enum class Kind { kMissing, kStale };
  Kind kind = Kind::kMissing;
  std::string source_lang, source_slug, source_title;
  int64_t source_revision_id = 0;  // the source's current revision, to write beside
  std::string target_lang;
  std::string target_slug, target_title;  // kStale: the translation that is behind
  int64_t since = 0;                      // epoch seconds: when it became needed (oldest first)
};

// A word-level comparison of two texts: runs of unchanged, removed and added text, in order. Joining the
// kSame and kRemoved pieces gives the old text back; kSame and kAdded, the new one.
struct DiffPiece {
  enum class Kind { kSame, kRemoved, kAdded };
  Kind kind = Kind::kSame;
  std::string text;
};

}  // namespace entraide::model
