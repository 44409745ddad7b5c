// Swedish wording of the digital path's outcomes, shared by the JSON API and
// the HTML pages so both say the same thing. Plain text (the pages escape it).
// Thread-safety: stateless.
#pragma once

#include "core/linkage_state.hpp"
#include "digital/desk.hpp"
#include "store/records.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace digital {

// The paper form people are pointed to when the digital path is closed.
inline constexpr const char* k_paper_form_hint =
    "Använd i stället blanketten för koppling (KOPPLING v1): skriv ut den, låt klientens firmatecknare "
    "skriva under och skicka den till oss.";

std::string invalid_number_message(std::string_view code);
std::string not_found_message(std::string_view query);
std::string may_request_message(const store::Client& c, int administrators);
std::string refusal_message(Refusal r, const store::Bureau& b, const store::Client& c,
                            const std::optional<store::Linkage>& live);
// "väntar på godkännande", "godkänd", …
std::string state_sv(core::LinkageState s);

}  // namespace digital
