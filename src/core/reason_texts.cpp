#include "core/reason_texts.hpp"

#include <map>
#include <regex>
#include <string>

namespace core {

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

namespace {

// The number after "limit of " in a detail ("exceeds the limit of 500 pages"), or empty.
std::string limit_in(std::string_view detail) {
    static const std::regex k_limit("limit of ([0-9]+)");
    std::match_results<std::string_view::const_iterator> m;
    if (std::regex_search(detail.begin(), detail.end(), m, k_limit)) return m[1].str();
    return {};
}

bool has(std::string_view detail, std::string_view what) { return detail.find(what) != std::string_view::npos; }

}  // namespace

std::string file_note_sv(std::string_view code, std::string_view detail) {
    const std::string limit = limit_in(detail);
    const std::string at_most = limit.empty() ? "" : " (högst " + limit;
    if (code == "too_large") {
        if (has(detail, "limits.max_pages"))
            return "Filen har fler sidor än tillåtet i en fil" + (at_most.empty() ? "" : at_most + " sidor)") +
                   ". Dela upp bunten i flera filer och lägg in dem var för sig.";
        if (has(detail, "limits.max_file_mb"))
            return "Filen är större än tillåtet" + (at_most.empty() ? "" : at_most + " MiB)") +
                   ". Skanna i 200–300 dpi, gärna i gråskala eller svartvitt, eller dela upp filen.";
        if (has(detail, "megapixels"))
            return "En sida har fler bildpunkter än tillåtet" + (at_most.empty() ? "" : at_most + " megapixel)") +
                   ". Skanna i 200–300 dpi.";
        if (has(detail, "limits.max_pdf_objects"))
            return "PDF-filen är mer sammansatt än tillåtet" + (at_most.empty() ? "" : at_most + " objekt)") +
                   ". Skriv ut blanketten och skanna den, eller skicka den ifyllda blanketten som den sparades.";
        if (has(detail, "memory"))
            return "Filen kräver mer minne än tillåtet för att läsas. Skanna i 200–300 dpi eller dela upp filen.";
    }
    if (code == "unsupported_format" && has(detail, "not a PDF, TIFF, PNG or JPEG"))
        return "Filen är varken PDF, TIFF, PNG eller JPEG (bedömt på innehållet, inte filnamnet). Skicka "
               "skanningen i något av de formaten.";
    if (code == "unsupported_format")
        return "Filen innehåller en bild som inte kan läsas här. Skanna blanketten igen och spara som PDF, TIFF, "
               "PNG eller JPEG.";
    if (code == "unreadable" && (has(detail, "password") || has(detail, "encrypt")))
        return "PDF-filen är lösenordsskyddad eller krypterad så att den inte kan öppnas. Skicka den utan lösenord.";
    if (code == "unreadable" && has(detail, "empty"))
        return "Filen är tom (0 byte). Skanna blanketten igen.";
    return reason_text_sv(code);
}

}  // namespace core
