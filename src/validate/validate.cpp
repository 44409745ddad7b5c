#include "validate/validate.hpp"

#include "core/org_number.hpp"
#include "core/outcome.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace validate {

bool Validation::has(std::string_view code) const {
    return std::any_of(failures.begin(), failures.end(), [&](auto& f) { return f.code == code; });
}

std::string normalise_person_name(std::string_view name) {
    // Reuses the legal-name folding (case, å/ä/ö, punctuation); company-form
    // words do not occur in person names.
    return core::normalise_legal_name(name);
}

namespace {

std::string lower_ascii(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

void fail(Validation& v, std::string_view code, const std::string& field, std::string detail,
          Severity sev = Severity::review) {
    v.failures.push_back({std::string(code), field, std::move(detail), sev});
}

}  // namespace

double confidence_needed(std::string_view field, const Thresholds& th) {
    return field == "bureau_orgnr" || field == "client_orgnr" || field == "client_subscription"
               ? th.min_confidence_checked
               : th.min_confidence;
}

NameMatch match_company_name(std::string_view registered, std::string_view read, bool read_confidently) {
    const std::string a = core::normalise_legal_name(registered), b = core::normalise_legal_name(read);
    if (a == b) return NameMatch::exact;
    // One slipped letter in a confidently read name of some length is an OCR
    // slip, not another company: the organisation number (check digit,
    // registry) is the identity, the name its confirmation.
    const auto ca = core::code_points(a), cb = core::code_points(b);
    if (read_confidently && ca.size() >= 8 && core::edit_distance(ca, cb, 1) <= 1) return NameMatch::one_slip;
    return NameMatch::none;
}

Validation validate_form(const core::FormReading& reading, const std::optional<std::string>& reference,
                         RegistryView& registry, const core::Rules& rules, const Thresholds& th,
                         const core::Clock& clock) {
    Validation v;
    auto value = [&](const std::string& name) -> std::string {
        auto f = reading.field(name);
        return f ? f->text : std::string();
    };
    for (auto& f : reading.fields) v.values[f.name] = f.text;
    // A place name begins with a capital (Växjö, Upplands-Bro): a small first
    // letter is a slip of the read, not part of the value.
    if (auto it = v.values.find("place"); it != v.values.end() && !it->second.empty()) {
        std::string& place = it->second;
        auto c = static_cast<unsigned char>(place[0]);
        if (c >= 'a' && c <= 'z') place[0] = static_cast<char>(c - 'a' + 'A');
        else if (c == 0xC3 && place.size() > 1 && (static_cast<unsigned char>(place[1]) == 0xA5 ||
                                                   static_cast<unsigned char>(place[1]) == 0xA4 ||
                                                   static_cast<unsigned char>(place[1]) == 0xB6))
            place[1] = static_cast<char>(static_cast<unsigned char>(place[1]) - 0x20);  // å ä ö → Å Ä Ö
    }

    // Signature first: an unsigned form cannot become a linkage whatever it says.
    // The judge's verdict decides (read/signature.hpp): only handwriting passes;
    // a box with nothing but specks, creases or streaks is unsigned; anything
    // else in it (a stamp, printed text, a blot, a small mark) goes to a person.
    // A born-digital form's rendered box is judged like a scan, unless it
    // carries a digital signature value (which this system does not verify).
    const auto& sig = reading.signature;
    using Verdict = core::SignatureVerdict;
    if (reading.born_digital && reading.digital_signature_value) {
        fail(v, core::reason::signature_unverified, "signature",
             "the filled PDF carries a digital signature that this system does not verify");
    } else if (sig.verdict == Verdict::not_judged) {
        // A born-digital form whose page was not rendered and read: nothing drawn
        // was seen. A reading restored from evidence older than the judge: the ink rule.
        if (reading.born_digital)
            fail(v, core::reason::unsigned_form, "signature", "the filled PDF is not signed", Severity::reject);
        else if (sig.ink_percent < th.unsigned_below_ink)
            fail(v, core::reason::unsigned_form, "signature", "the signature box is empty", Severity::reject);
        else if (!sig.present)
            fail(v, core::reason::signature_unclear, "signature",
                 "very little ink in the signature box (" + std::to_string(sig.ink_percent) + " %)");
    } else if (sig.verdict == Verdict::empty) {
        fail(v, core::reason::unsigned_form, "signature",
             std::string(reading.born_digital ? "the filled PDF is not signed: " : "the signature box is empty: ") +
                 sig.evidence.why,
             Severity::reject);
    } else if (sig.verdict == Verdict::unclear) {
        fail(v, core::reason::signature_unclear, "signature",
             "the signature box holds ink that is not clearly a handwritten signature: " + sig.evidence.why);
    }

    // Fields read with too little confidence. A name or e-mail address that
    // then turns out to be exactly the registered one (after case and
    // punctuation folding) is confirmed by the registry through an
    // organisation number that was itself read with confidence and passed
    // its check digit: the registry's spelling is kept, and the doubt about
    // the read is lifted. An OCR error that lands exactly on the registered
    // name is not a realistic failure; a paper that says something else
    // still never matches.
    std::vector<const core::FieldReading*> doubtful;
    auto confident = [&](const core::FieldReading& f) { return f.confidence >= confidence_needed(f.name, th); };
    for (auto& f : reading.fields) {
        if (f.empty || f.text.empty())
            fail(v, core::reason::field_missing, f.name, "nothing could be read in " + f.name);
        else if (!confident(f))
            doubtful.push_back(&f);
    }
    // Read with the confidence it needs by itself (an organisation number so
    // read is the anchor that confirms the names reached through it).
    auto is_confident = [&](const std::string& name) {
        auto f = reading.field(name);
        return f && !f->empty && confident(*f);
    };
    std::vector<std::string> confirmed;

    auto bureau_on = core::OrgNumber::parse(value("bureau_orgnr"));
    if (!value("bureau_orgnr").empty()) {
        if (!bureau_on) {
            fail(v, core::reason::orgnr_invalid, "bureau_orgnr", "bureau_orgnr: " + bureau_on.error().message);
        } else {
            v.values["bureau_orgnr"] = bureau_on->canonical();
            v.bureau = registry.bureau(bureau_on->canonical());
            if (!v.bureau)
                fail(v, core::reason::bureau_unknown, "bureau_orgnr", "no bureau " + bureau_on->canonical() + " in the registry");
            else if (auto m = match_company_name(v.bureau->name, value("bureau_name"), is_confident("bureau_name"));
                     m == NameMatch::none)
                fail(v, core::reason::name_mismatch, "bureau_name",
                     "the form says '" + value("bureau_name") + "', the registry '" + v.bureau->name + "'");
            else {
                v.values["bureau_name"] = v.bureau->name;  // the same name: keep the registry's spelling
                if (m == NameMatch::exact && is_confident("bureau_orgnr")) confirmed.push_back("bureau_name");
            }
        }
    }

    auto client_on = core::OrgNumber::parse(value("client_orgnr"));
    if (!value("client_orgnr").empty()) {
        if (!client_on) {
            fail(v, core::reason::orgnr_invalid, "client_orgnr", "client_orgnr: " + client_on.error().message);
        } else {
            v.values["client_orgnr"] = client_on->canonical();
            v.client = registry.client_by_orgnr(client_on->canonical());
            if (!v.client)
                fail(v, core::reason::client_unknown, "client_orgnr", "no client " + client_on->canonical() + " in the registry");
            else if (auto m = match_company_name(v.client->name, value("client_name"), is_confident("client_name"));
                     m == NameMatch::none)
                fail(v, core::reason::name_mismatch, "client_name",
                     "the form says '" + value("client_name") + "', the registry '" + v.client->name + "'");
            else {
                v.values["client_name"] = v.client->name;
                if (m == NameMatch::exact && is_confident("client_orgnr")) confirmed.push_back("client_name");
            }
        }
    }

    if (!value("client_subscription").empty()) {
        auto sub = core::normalise_subscription(value("client_subscription"), rules.subscription);
        if (!sub) {
            fail(v, core::reason::subscription_invalid, "client_subscription", sub.error());
        } else {
            v.values["client_subscription"] = *sub;
            auto owner = registry.client_by_subscription(*sub);
            if (v.client && (!owner || owner->id != v.client->id))
                fail(v, core::reason::subscription_mismatch, "client_subscription",
                     "subscription " + *sub + (owner ? " belongs to " + owner->name : " is not in the registry") +
                         ", not to " + v.client->name);
        }
    }

    if (v.client && !value("signer_name").empty()) {
        auto admins = registry.administrators(v.client->id);
        std::string signer = normalise_person_name(value("signer_name"));
        const KnownPerson* match = nullptr;
        for (auto& a : admins)
            if (normalise_person_name(a.name) == signer) match = &a;
        if (!match) {
            fail(v, core::reason::signer_not_admin, "signer_name",
                 "'" + value("signer_name") + "' is not a registered system administrator of " + v.client->name);
        } else if (!value("signer_email").empty() && lower_ascii(value("signer_email")) != lower_ascii(match->email)) {
            fail(v, core::reason::signer_email_mismatch, "signer_email",
                 "the form gives '" + value("signer_email") + "', the registry '" + match->email + "'");
        } else {
            v.values["signer_name"] = match->name;
            if (!value("signer_email").empty()) v.values["signer_email"] = match->email;
            if (is_confident("client_orgnr")) {
                confirmed.push_back("signer_name");
                if (!value("signer_email").empty()) confirmed.push_back("signer_email");
            }
        }
    }

    // Nothing else vouches for the place: a name a letter or two from a known
    // place, and not itself known, is most likely that place misread.
    if (auto it = v.values.find("place"); it != v.values.end() && !it->second.empty())
        if (const std::string* near = rules.place_misread_from(it->second))
            fail(v, core::reason::place_unclear, "place",
                 "'" + it->second + "' is a letter or two from the place name '" + *near + "': probably misread");

    if (std::string d = value("date"); !d.empty()) {
        int y = 0, m = 0, day = 0;
        char extra = 0;
        using namespace std::chrono;
        bool shape = d.size() == 10 && d[4] == '-' && d[7] == '-' &&
                     std::sscanf(d.c_str(), "%4d-%2d-%2d%c", &y, &m, &day, &extra) == 3;
        year_month_day ymd{year{y}, month{static_cast<unsigned>(m)}, std::chrono::day{static_cast<unsigned>(day)}};
        if (!shape || !ymd.ok()) {
            fail(v, core::reason::date_invalid, "date", "'" + d + "' is not a date of the form YYYY-MM-DD");
        } else {
            auto today = floor<days>(clock.now());
            if (sys_days{ymd} > today)
                fail(v, core::reason::date_in_future, "date", d + " lies in the future");
            else if (today - sys_days{ymd} > days{th.max_form_age_days})
                fail(v, core::reason::date_too_old, "date",
                     d + " is more than " + std::to_string(th.max_form_age_days) + " days ago");
        }
    }

    for (auto* f : doubtful)
        if (std::find(confirmed.begin(), confirmed.end(), f->name) == confirmed.end() ||
            f->confidence < th.min_confidence_confirmed)
            fail(v, core::reason::low_confidence, f->name,
                 f->name + " read as '" + f->text + "' with confidence " + std::to_string(static_cast<int>(f->confidence)));

    if (reference) {
        v.reference = registry.linkage_by_reference(*reference);
        if (!v.reference) {
            fail(v, core::reason::reference_unknown, "", "reference code " + *reference + " is not in the store");
        } else {
            if ((bureau_on && bureau_on->canonical() != v.reference->bureau_orgnr) ||
                (client_on && client_on->canonical() != v.reference->client_orgnr))
                fail(v, core::reason::reference_mismatch, "",
                     "the printed bureau/client differ from those the reference code " + *reference + " was issued for");
            if (!v.reference->live)
                fail(v, core::reason::linkage_closed, "",
                     "the linkage of reference code " + *reference + " is no longer open");
        }
    }
    return v;
}

}  // namespace validate
