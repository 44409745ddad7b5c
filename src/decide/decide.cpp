#include "decide/decide.hpp"

#include <algorithm>

namespace decide {

namespace {
void add(std::vector<std::string>& v, const std::string& code) {
    if (std::find(v.begin(), v.end(), code) == v.end()) v.push_back(code);
}
}  // namespace

Decision decide(const Evidence& e, const Limits& limits) {
    Decision d;
    if (!e.reject_reasons.empty()) {
        d.outcome = core::Outcome::rejected;
        for (auto& r : e.reject_reasons) add(d.reasons, r);
        return d;
    }
    if (!e.registered) add(d.reasons, std::string(core::reason::registration_failed));
    else if (e.from_qr_only) add(d.reasons, std::string(core::reason::registration_failed));
    else if (e.residual_mm < 0 || e.residual_mm > limits.max_residual_mm)
        add(d.reasons, std::string(core::reason::registration_residual));
    for (auto& r : e.review_reasons) add(d.reasons, r);
    if (e.unexplained_marks) add(d.reasons, std::string(core::reason::unexplained_marks));
    d.outcome = d.reasons.empty() ? core::Outcome::accepted : core::Outcome::review;
    return d;
}

}  // namespace decide
