// Placeholder: the lead is writing this file.
#include "editorial/editorial_service.h"

namespace entraide::editorial {
namespace {
core::Status NotYet() { return core::Unavailable("not yet"); }
}  // namespace
core::StatusOr<EditorState> EditorialService::Open(const auth::Principal*, const std::string&, const std::string&) {
  return NotYet();
}
core::StatusOr<SaveOutcome> EditorialService::Save(const auth::Principal*, const SaveRequest&) { return NotYet(); }
core::StatusOr<std::string> EditorialService::Preview(const auth::Principal*, const std::string&) { return NotYet(); }
core::Status EditorialService::Publish(const auth::Principal*, int64_t) { return NotYet(); }
core::Status EditorialService::Decline(const auth::Principal*, int64_t, const std::string&) { return NotYet(); }
core::StatusOr<int64_t> EditorialService::Restore(const auth::Principal*, int64_t) { return NotYet(); }
core::StatusOr<std::vector<model::Revision>> EditorialService::History(const auth::Principal*, const std::string&,
                                                                       const std::string&) {
  return NotYet();
}
core::StatusOr<model::Revision> EditorialService::Get(const auth::Principal*, int64_t) { return NotYet(); }
core::StatusOr<std::vector<model::DiffPiece>> EditorialService::Compare(const auth::Principal*, int64_t, int64_t) {
  return NotYet();
}
core::StatusOr<std::vector<model::ReviewItem>> EditorialService::Waiting(const auth::Principal*) { return NotYet(); }
core::StatusOr<std::vector<model::TranslationTodo>> EditorialService::Translations(const auth::Principal*) {
  return NotYet();
}
}  // namespace entraide::editorial
