#include "digital/wording.hpp"

namespace digital {

std::string invalid_number_message(std::string_view code) {
    std::string why;
    if (code == "empty") why = "ange ett organisationsnummer eller ett abonnemangsnummer";
    else if (code == "characters") why = "numret får bara innehålla siffror och ett bindestreck";
    else if (code == "length") why = "ett organisationsnummer har 10 eller 12 siffror, ett abonnemangsnummer 4–10 siffror";
    else if (code == "century") why = "de två första siffrorna i det 12-siffriga numret stämmer inte";
    else if (code == "impossible_date") why = "datumet i personnumret finns inte";
    else if (code == "check_digit") why = "kontrollsiffran stämmer inte – kontrollera att numret är rätt skrivet";
    else if (code == "subscription") why = "kundnumret ska ha 4–10 siffror";
    else why = "numret kunde inte läsas";
    return "Ogiltigt nummer: " + why + ".";
}

std::string not_found_message(std::string_view query) {
    return "Ingen klient med numret " + std::string(query) +
           " finns i registret. Kontrollera numret, eller be klienten om organisationsnummer eller abonnemangsnummer.";
}

std::string not_found_pair_message(std::string_view orgnr, std::string_view subscription) {
    return "Ingen klient med organisationsnummer " + std::string(orgnr) + " och abonnemangsnummer " +
           std::string(subscription) +
           " finns i registret. Kontrollera båda numren – de ska höra till samma klient.";
}

std::string may_request_message(const store::Client& c, int administrators, bool named) {
    const std::string admins =
        administrators == 1 ? std::string("Klientens systemadministratör")
                            : "Klientens " + std::to_string(administrators) + " systemadministratörer";
    if (!named)
        return "Klienten finns i registret och ni kan skicka en förfrågan om koppling. " + admins +
               " får ett e-postmeddelande med en personlig länk för att godkänna. Ange både organisationsnummer "
               "och abonnemangsnummer för att se klientens namn.";
    return "Du kan skicka en förfrågan om koppling till " + c.name + ". " + admins +
           " får ett e-postmeddelande med en personlig länk för att godkänna.";
}

std::string refusal_message(Refusal r, const store::Bureau& b, const store::Client& c,
                            const std::optional<store::Linkage>& live, bool named) {
    const std::string who = named ? c.name : std::string("Klienten");
    const std::string whom = named ? c.name : std::string("klienten");
    switch (r) {
        case Refusal::bureau_excluded:
            return b.name + " kopplar klienter med undertecknad blankett, inte digitalt. " + k_paper_form_hint;
        case Refusal::bureau_multi_company:
            return b.name + " arbetar med ett flerbolagsupplägg och kopplar därför klienter med blankett. " +
                   k_paper_form_hint;
        case Refusal::client_multi_company:
            return who + " är ett flerbolagsupplägg och kan inte kopplas digitalt. " + k_paper_form_hint;
        case Refusal::no_administrator:
            return who + " har ingen systemadministratör som kan godkänna en digital förfrågan. " +
                   k_paper_form_hint;
        case Refusal::live_linkage:
            return "Det finns redan en koppling mellan " + b.name + " och " + whom + " (" +
                   (live ? state_sv(live->state) : std::string("pågår")) + "). Ingenting har ändrats.";
        case Refusal::not_administrator:
        case Refusal::none: break;
    }
    return "";
}

std::string directory_refused_message(Refusal r, const store::Bureau& b) {
    return refusal_message(r, b, store::Client{}, std::nullopt) +
           " Därför kan ni inte heller söka i klientregistret.";
}

std::string search_quota_message(int per_day) {
    return "Du har gjort " + std::to_string(per_day) +
           " sökningar i klientregistret i dag, vilket är det högsta antalet per dag. Försök igen i morgon.";
}

std::string cooldown_message(const std::string& when) {
    return "Den senaste förfrågan till klienten avböjdes eller återkallades nyligen. En ny förfrågan kan "
           "skickas tidigast " + when + ".";
}

std::string mail_limit_message(int per_week, const std::string& when) {
    return "Klientens systemadministratörer har redan fått " + std::to_string(per_week) +
           " förfrågningar om koppling den senaste veckan, vilket är det högsta antalet. En ny förfrågan kan "
           "skickas tidigast " + when + ".";
}

std::string invalidated_message(Refusal why, const std::string& bureau_name, const std::string& client_name) {
    switch (why) {
        case Refusal::not_administrator:
            return "Länken gäller inte längre eftersom du inte längre är registrerad som systemadministratör för " +
                   client_name + ". Ingenting har ändrats.";
        case Refusal::client_multi_company:
            return "Länken gäller inte längre eftersom " + client_name +
                   " nu är registrerad som ett flerbolagsupplägg, som bara kan kopplas med undertecknad blankett. "
                   "Ingenting har ändrats.";
        case Refusal::bureau_excluded:
        case Refusal::bureau_multi_company:
            return "Länken gäller inte längre eftersom " + bureau_name +
                   " inte längre får kopplas digitalt; kopplingen måste göras med undertecknad blankett. "
                   "Ingenting har ändrats.";
        default: break;
    }
    return "Länken gäller inte längre. Ingenting har ändrats.";
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
