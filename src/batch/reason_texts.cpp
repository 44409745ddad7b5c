#include "batch/reason_texts.hpp"

#include <map>

namespace batch {

std::string reason_text_sv(std::string_view code) {
    static const std::map<std::string_view, std::string> k_texts{
        {"unreadable", "Filen går inte att läsa (skadad eller avbruten). Skanna blanketten igen."},
        {"unsupported_format", "Filformatet stöds inte. Skicka PDF, TIFF, PNG eller JPEG från skannern."},
        {"too_large", "Filen är större än tillåtet. Skanna i 200–300 dpi, en blankett per sida."},
        {"not_a_form", "Ingen sida i filen är kopplingsblanketten. Kontrollera att rätt dokument skannats."},
        {"unsigned", "Blanketten saknar underskrift. Be klienten skriva under och skicka den igen."},
        {"unknown_form_version", "Blanketten är av en okänd version. Använd den aktuella blanketten."},
        {"internal_error", "Ett internt fel uppstod vid behandlingen. Filen är sparad; kontakta drift."},
        {"duplicate_file", "Exakt samma fil har redan behandlats; originalet finns i arkivet."},
        {"low_confidence", "Ett fält gick inte att läsa säkert."},
        {"field_missing", "Ett obligatoriskt fält är tomt."},
        {"orgnr_invalid", "Organisationsnumret är ogiltigt (kontrollsiffran stämmer inte)."},
        {"subscription_invalid", "Abonnemangsnumret har fel format."},
        {"bureau_unknown", "Byrån finns inte i registret."},
        {"client_unknown", "Klienten finns inte i registret."},
        {"subscription_mismatch", "Abonnemangsnumret hör inte till klientens organisationsnummer."},
        {"name_mismatch", "Namnet på blanketten stämmer inte med registret."},
        {"signer_not_admin", "Undertecknaren är inte registrerad systemadministratör hos klienten."},
        {"place_unclear", "Orten liknar ett känt ortnamn men stämmer inte exakt; kontrollera orten."},
        {"signer_email_mismatch", "Undertecknarens e-postadress stämmer inte med registret."},
        {"date_invalid", "Datumet går inte att tolka (ÅÅÅÅ-MM-DD)."},
        {"date_in_future", "Datumet ligger i framtiden."},
        {"date_too_old", "Blanketten är för gammal."},
        {"registration_residual", "Sidan är skev eller förvrängd; kontrollera värdena."},
        {"registration_failed", "Hörnmarkeringarna hittades inte; kontrollera värdena."},
        {"reference_unknown", "Referenskoden är okänd."},
        {"reference_mismatch", "Uppgifterna stämmer inte med den förifyllda blankettens referenskod."},
        {"rescan_differs", "En tidigare skanning av samma blankett har andra värden."},
        {"appearance_mismatch", "Det som syns på blanketten stämmer inte med värdet i PDF-fältet; kontrollera vad klienten har skrivit under."},
        {"signature_unverified", "Blanketten är undertecknad med en digital underskrift, som inte kan kontrolleras automatiskt. En handläggare granskar den; klienten behöver inte göra något."},
        {"signature_unclear", "Underskriften är otydlig."},
        {"unexplained_marks",
         "Blanketten har markeringar som varken hör till blanketten eller de ifyllda uppgifterna (till exempel en "
         "stämpel, en överstrykning, text över sidan eller en övertäckt ruta)."},
        {"linkage_closed", "Kopplingen för referenskoden är redan avslutad."},
    };
    auto it = k_texts.find(code);
    return it != k_texts.end() ? it->second : "Blanketten behöver granskas (" + std::string(code) + ").";
}

}  // namespace batch
