// decide: checks → exactly one outcome with its reasons (SPEC §4.7). The
// rule that matters most: a form is accepted only when nothing at all is in
// doubt — every field read with confidence and cross-checked, the page
// registered from its marks within the residual limit. Anything a person can
// fix goes to review; what cannot become a linkage is rejected.
//
// Pure and stateless. Duplicates are decided earlier, by checksum (intake).
#pragma once

#include "core/outcome.hpp"

#include <string>
#include <vector>

namespace decide {

struct Evidence {
    bool registered = false;        // a transform was found
    bool from_qr_only = false;      // fewer than three marks
    double residual_mm = -1;
    // Marks on the page that neither the blank form nor the read values
    // explain (marks::find_unexplained): a person looks, never accepted.
    bool unexplained_marks = false;
    std::vector<std::string> reject_reasons;  // failures of severity reject
    std::vector<std::string> review_reasons;  // failures of severity review
};

struct Limits {
    double max_residual_mm = 1.5;
};

struct Decision {
    core::Outcome outcome = core::Outcome::review;
    std::vector<std::string> reasons;  // stable codes, deduplicated, in first-seen order
};

Decision decide(const Evidence& e, const Limits& limits);

}  // namespace decide
