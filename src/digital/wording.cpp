#include "digital/wording.hpp"

namespace digital {

std::string invalid_number_message(std::string_view code) {
    std::string why;
    if (code == "empty") why = "ange ett organisationsnummer eller ett kundnummer";
    else if (code == "characters") why = "numret får bara innehålla siffror och ett bindestreck";
    else if (code == "length") why = "ett organisationsnummer har 10 eller 12 siffror, ett kundnummer 4–10 siffror";
    else if (code == "century") why = "de två första siffrorna i det 12-siffriga numret stämmer inte";
    else if (code == "impossible_date") why = "datumet i personnumret finns inte";
    else if (code == "check_digit") why = "kontrollsiffran stämmer inte – kontrollera att numret är rätt skrivet";
    else why = "numret kunde inte läsas";
    return "Ogiltigt nummer: " + why + ".";
}

std::string not_found_message(std::string_view query) {
    return "Ingen klient med numret " + std::string(query) +
           " finns i registret. Kontrollera numret, eller be klienten om organisationsnummer eller kundnummer.";
}

std::string may_request_message(const store::Client& c, int administrators) {
    return "Du kan skicka en förfrågan om koppling till " + c.name + ". " +
           (administrators == 1 ? std::string("Klientens systemadministratör")
                                : "Klientens " + std::to_string(administrators) + " systemadministratörer") +
           " får ett e-postmeddelande med en personlig länk för att godkänna.";
}

std::string refusal_message(Refusal r, const store::Bureau& b, const store::Client& c,
                            const std::optional<store::Linkage>& live) {
    switch (r) {
        case Refusal::bureau_excluded:
            return b.name + " kopplar klienter med undertecknad blankett, inte digitalt. " + k_paper_form_hint;
        case Refusal::bureau_multi_company:
            return b.name + " arbetar med ett flerbolagsupplägg och kopplar därför klienter med blankett. " +
                   k_paper_form_hint;
        case Refusal::client_multi_company:
            return c.name + " är ett flerbolagsupplägg och kan inte kopplas digitalt. " + k_paper_form_hint;
        case Refusal::no_administrator:
            return c.name + " har ingen systemadministratör som kan godkänna en digital förfrågan. " +
                   k_paper_form_hint;
        case Refusal::live_linkage:
            return "Det finns redan en koppling mellan " + b.name + " och " + c.name + " (" +
                   (live ? state_sv(live->state) : std::string("pågår")) + "). Ingenting har ändrats.";
        case Refusal::none: break;
    }
    return "";
}

std::string state_sv(core::LinkageState s) {
    switch (s) {
        case core::LinkageState::requested: return "väntar på godkännande";
        case core::LinkageState::approved: return "godkänd, väntar på aktivering";
        case core::LinkageState::activated: return "aktiverad";
        case core::LinkageState::declined: return "avböjd";
        case core::LinkageState::expired: return "förfrågan har gått ut";
        case core::LinkageState::revoked: return "återkallad";
    }
    return "";
}

}  // namespace digital
