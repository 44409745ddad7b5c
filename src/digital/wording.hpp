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
// Both numbers given, no client holds both (or none holds them at all).
std::string not_found_pair_message(std::string_view orgnr, std::string_view subscription);
// `named`: the client was identified by both numbers, so its name may be said;
// otherwise the text says "klienten" and how to see the name.
std::string may_request_message(const store::Client& c, int administrators, bool named = true);
std::string refusal_message(Refusal r, const store::Bureau& b, const store::Client& c,
                            const std::optional<store::Linkage>& live, bool named = true);
// A bureau that may not link digitally: no directory, use the paper form.
std::string directory_refused_message(Refusal r, const store::Bureau& b);
std::string search_quota_message(int per_day);
// `when`: Swedish date and time (mail::swedish_datetime).
std::string cooldown_message(const std::string& when);
std::string mail_limit_message(int per_week, const std::string& when);
// Why an approval link no longer works, to its holder.
std::string invalidated_message(Refusal why, const std::string& bureau_name, const std::string& client_name);
// "väntar på godkännande", "godkänd", …
std::string state_sv(core::LinkageState s);

}  // namespace digital
