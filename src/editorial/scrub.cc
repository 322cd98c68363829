// Placeholder until the scrubber lands (helper "draft" replaces this file).
#include "editorial/scrub.h"

namespace entraide::editorial {
std::string ScrubPersonalData(std::string_view text, const ScrubContext&, ScrubCounts*) { return std::string(text); }
}  // namespace entraide::editorial
