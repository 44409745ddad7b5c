#define BOOST_TEST_MODULE validate
#include <boost/test/unit_test.hpp>

#include "core/outcome.hpp"
#include "decide/decide.hpp"
#include "test_support.hpp"
#include "validate/validate.hpp"

using namespace validate;

namespace {

class FakeRegistry final : public RegistryView {
public:
    std::optional<KnownBureau> bureau(const std::string& o) override {
        if (o == "559123-4561") return KnownBureau{1, o, "Redovisningsbyrån Norrsken AB"};
        return std::nullopt;
    }
    std::optional<KnownClient> client_by_orgnr(const std::string& o) override {
        if (o == "559456-7892") return KnownClient{10, o, "100234", "Åkesson Bygg & Måleri AB"};
        if (o == "556612-3450") return KnownClient{11, o, "100871", "Öresunds Fisk AB"};
        return std::nullopt;
    }
    std::optional<KnownClient> client_by_subscription(const std::string& s) override {
        if (s == "100234") return client_by_orgnr("559456-7892");
        if (s == "100871") return client_by_orgnr("556612-3450");
        return std::nullopt;
    }
    std::vector<KnownPerson> administrators(std::int64_t id) override {
        if (id == 10) return {{"Karin Åkesson", "karin@akessonbygg.example"}};
        return {};
    }
    std::optional<ReferencedLinkage> linkage_by_reference(const std::string& code) override {
        if (code == "R7K2-9QX4") return ReferencedLinkage{5, "559123-4561", "559456-7892", true};
        return std::nullopt;
    }
};

core::SignatureReading signature(core::SignatureVerdict verdict, double ink, std::string why = {}) {
    core::SignatureReading s;
    s.ink_percent = ink;
    s.verdict = verdict;
    s.present = verdict == core::SignatureVerdict::handwriting;
    s.evidence.why = std::move(why);
    return s;
}

// A reading restored from evidence older than the signature judge: ink only.
core::SignatureReading by_ink(double ink) {
    core::SignatureReading s;
    s.ink_percent = ink;
    s.present = ink >= 0.4;
    return s;
}

core::FormReading good_form() {
    core::FormReading r;
    auto add = [&](const char* n, const char* v) { r.fields.push_back({n, v, 95, false}); };
    add("bureau_name", "Redovisningsbyrån Norrsken AB");
    add("bureau_orgnr", "559123-4561");
    add("client_name", "ÅKESSON BYGG & MÅLERI AB");  // case differs: still the same name
    add("client_orgnr", "5594567892");
    add("client_subscription", "100234");
    add("signer_name", "Karin Åkesson");
    add("signer_email", "karin@akessonbygg.example");
    add("place", "Göteborg");
    add("date", "2026-11-20");
    r.signature = signature(core::SignatureVerdict::handwriting, 3.0);
    return r;
}

struct Fixture {
    FakeRegistry reg;
    core::Rules rules = test_support::shipped_rules();
    core::ManualClock clock = test_support::test_clock();
    Thresholds th;
    Validation run(const core::FormReading& r, std::optional<std::string> ref = std::nullopt) {
        return validate_form(r, ref, reg, rules, th, clock);
    }
    void set(core::FormReading& r, const std::string& name, const std::string& value, double conf = 95) {
        for (auto& f : r.fields)
            if (f.name == name) {
                f.text = value;
                f.confidence = conf;
                f.empty = value.empty();
            }
    }
};

decide::Decision decision_of(const Validation& v, double residual = 0.2) {
    decide::Evidence e;
    e.registered = true;
    e.residual_mm = residual;
    for (auto& f : v.failures) (f.severity == Severity::reject ? e.reject_reasons : e.review_reasons).push_back(f.code);
    return decide::decide(e, {});
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(validate_form, Fixture)

BOOST_AUTO_TEST_CASE(a_clean_form_passes_every_check) {
    auto v = run(good_form());
    BOOST_TEST(v.failures.empty());
    BOOST_TEST(v.values["client_orgnr"] == "559456-7892");
    BOOST_TEST(v.client->id == 10);
    BOOST_TEST((decision_of(v).outcome == core::Outcome::accepted));
}

BOOST_AUTO_TEST_CASE(each_problem_has_its_reason_and_outcome) {
    struct Case {
        const char* field;
        const char* value;
        const char* reason;
        core::Outcome outcome;
    };
    const std::vector<Case> cases{
        {"client_orgnr", "559456-7893", "orgnr_invalid", core::Outcome::review},
        {"bureau_orgnr", "556012-5790", "bureau_unknown", core::Outcome::review},
        {"client_orgnr", "556016-0680", "client_unknown", core::Outcome::review},
        {"client_subscription", "100871", "subscription_mismatch", core::Outcome::review},
        {"client_subscription", "12", "subscription_invalid", core::Outcome::review},
        {"signer_name", "Mats Svensson", "signer_not_admin", core::Outcome::review},
        {"signer_email", "annan@example.se", "signer_email_mismatch", core::Outcome::review},
        {"date", "2026-13-01", "date_invalid", core::Outcome::review},
        {"date", "2026-12-24", "date_in_future", core::Outcome::review},
        {"date", "2025-01-02", "date_too_old", core::Outcome::review},
        {"client_name", "Åkessons Bygg AB", "name_mismatch", core::Outcome::review},
        {"place", "", "field_missing", core::Outcome::review},
    };
    for (auto& c : cases) {
        auto r = good_form();
        set(r, c.field, c.value);
        auto v = run(r);
        BOOST_TEST_INFO(c.field << "=" << c.value);
        BOOST_TEST(v.has(c.reason));
        BOOST_TEST((decision_of(v).outcome == c.outcome));
    }
}

BOOST_AUTO_TEST_CASE(low_confidence_is_never_accepted) {
    // Free text needs min_confidence (80); numbers that are cross-checked anyway min_confidence_checked (65).
    auto r = good_form();
    set(r, "place", "Göteborg", 79.9);  // nothing cross-checks a place
    auto v = run(r);
    BOOST_TEST(v.has("low_confidence"));
    BOOST_TEST((decision_of(v).outcome == core::Outcome::review));
    auto n = good_form();
    set(n, "client_orgnr", "559456-7892", 70);
    BOOST_TEST(run(n).failures.empty());
    set(n, "client_orgnr", "559456-7892", 64.9);
    BOOST_TEST(run(n).has("low_confidence"));
}

BOOST_AUTO_TEST_CASE(a_doubtful_read_that_equals_the_registry_record_is_confirmed) {
    // The recogniser doubted these reads, but each is exactly the registry's
    // record, reached through an organisation number read with confidence.
    auto r = good_form();
    set(r, "bureau_name", "Redovisningsbyrån Norrsken AB", 13);
    set(r, "client_name", "Åkesson Bygg & Måleri AB", 32);
    set(r, "signer_name", "Karin Åkesson", 20);
    set(r, "signer_email", "karin@akessonbygg.example", 0);
    auto v = run(r);
    BOOST_TEST(v.failures.empty());
    BOOST_TEST((decision_of(v).outcome == core::Outcome::accepted));
    // A configured floor still applies.
    th.min_confidence_confirmed = 15;
    v = run(r);
    BOOST_TEST(v.failures.size() == 2u);  // bureau_name (13), signer_email (0)
    BOOST_TEST(v.has("low_confidence"));
}

BOOST_AUTO_TEST_CASE(no_confirmation_without_a_confident_anchor_or_an_exact_match) {
    // The organisation number that leads to the record is itself doubtful.
    auto r = good_form();
    set(r, "client_orgnr", "559456-7892", 60);
    set(r, "client_name", "Åkesson Bygg & Måleri AB", 32);
    auto v = run(r);
    std::vector<std::string> low;
    for (auto& f : v.failures)
        if (f.code == "low_confidence") low.push_back(f.field);
    BOOST_TEST(low == (std::vector<std::string>{"client_name", "client_orgnr"}), boost::test_tools::per_element());
    // A doubtful read that is not the record: doubtful and a mismatch.
    auto m = good_form();
    set(m, "signer_name", "Karin Åkessen", 40);
    auto w = run(m);
    BOOST_TEST(w.has("low_confidence"));
    BOOST_TEST(w.has("signer_not_admin"));
}

BOOST_AUTO_TEST_CASE(a_company_name_may_carry_one_slipped_letter_a_person_name_none) {
    auto r = good_form();
    set(r, "bureau_name", "Redovisningsbyrån Norrskeh AB", 91);
    auto v = run(r);
    BOOST_TEST(v.failures.empty());
    BOOST_TEST(v.values["bureau_name"] == "Redovisningsbyrån Norrsken AB");  // the registry's spelling
    set(r, "bureau_name", "Redovisningsbyrån Norrskeh AB", 70);  // a slip needs a confident read
    BOOST_TEST(run(r).has("name_mismatch"));
    set(r, "bureau_name", "Redovisningsbyrån Norrskog AB", 95);  // two letters: another name
    BOOST_TEST(run(r).has("name_mismatch"));
    BOOST_TEST((match_company_name("Ica AB", "Ixa AB", true) == NameMatch::none));  // too short to tell
    BOOST_TEST((match_company_name("Öresunds Fisk AB", "Oresunds Fisk AB", true) == NameMatch::one_slip));
    BOOST_TEST((match_company_name("Öresunds Fisk AB", "ÖRESUNDS FISK", false) == NameMatch::exact));
    auto p = good_form();
    set(p, "signer_name", "Karin Åkessen", 95);
    BOOST_TEST(run(p).has("signer_not_admin"));
}

BOOST_AUTO_TEST_CASE(a_place_a_letter_or_two_from_a_known_place_goes_to_review) {
    auto r = good_form();
    set(r, "place", "Götebarg", 92);
    auto v = run(r);
    BOOST_TEST(v.has("place_unclear"));
    BOOST_TEST((decision_of(v).outcome == core::Outcome::review));
    set(r, "place", "Göteborg", 92);  // the known name itself
    BOOST_TEST(run(r).failures.empty());
    set(r, "place", "Abisko", 92);  // far from every known name: taken as read
    BOOST_TEST(run(r).failures.empty());
    set(r, "place", "Mora", 92);  // short names one letter apart (Nora) are both known
    BOOST_TEST(run(r).failures.empty());
    set(r, "place", "Morra", 92);
    BOOST_TEST(run(r).has("place_unclear"));
    // A small first letter is a slip of the read: the place is stored capitalised.
    set(r, "place", "växjö", 92);
    auto w = run(r);
    BOOST_TEST(w.failures.empty());
    BOOST_TEST(w.values["place"] == "Växjö");
}

BOOST_AUTO_TEST_CASE(the_signature_verdict_decides_not_the_ink) {
    using V = core::SignatureVerdict;
    auto r = good_form();
    BOOST_TEST(!run(r).has("signature_unclear"));
    BOOST_TEST(!run(r).has("unsigned"));
    // An empty box, or one with only a crease across it: unsigned, rejected.
    r.signature = signature(V::empty, 0.9, "only straight lines across the box (a crease or a streak)");
    auto v = run(r);
    BOOST_TEST(v.has("unsigned"));
    BOOST_TEST((decision_of(v).outcome == core::Outcome::rejected));
    BOOST_TEST(v.failures.front().detail.find("crease") != std::string::npos);
    // Plenty of ink that is not handwriting (a received-stamp): never accepted, a person looks.
    r.signature = signature(V::unclear, 6.0, "a stamp or printed text (INKOM 2026-11-30)");
    v = run(r);
    BOOST_TEST(v.has("signature_unclear"));
    BOOST_TEST(!v.has("unsigned"));
    BOOST_TEST((decision_of(v).outcome == core::Outcome::review));
    BOOST_TEST(v.failures.front().detail.find("INKOM") != std::string::npos);
    // Even when a caller also says "present": the verdict decides.
    r.signature.present = true;
    BOOST_TEST((decision_of(run(r)).outcome == core::Outcome::review));
    // Faint handwriting with little ink is still handwriting.
    r.signature = signature(V::handwriting, 0.2);
    BOOST_TEST((decision_of(run(r)).outcome == core::Outcome::accepted));
}

BOOST_AUTO_TEST_CASE(a_reading_restored_without_a_verdict_keeps_the_ink_rule) {
    auto r = good_form();
    r.signature = by_ink(0.0);
    BOOST_TEST((decision_of(run(r)).outcome == core::Outcome::rejected));
    r.signature = by_ink(0.2);
    auto v = run(r);
    BOOST_TEST(v.has("signature_unclear"));
    BOOST_TEST((decision_of(v).outcome == core::Outcome::review));
    r.signature = by_ink(3.0);
    BOOST_TEST(!run(r).has("signature_unclear"));
}

BOOST_AUTO_TEST_CASE(born_digital_without_signature_is_rejected_with_one_to_review) {
    auto r = good_form();
    r.born_digital = true;
    r.signature = {};
    BOOST_TEST((decision_of(run(r)).outcome == core::Outcome::rejected));
    r.digital_signature_value = true;
    auto v = run(r);
    BOOST_TEST(v.has("signature_unverified"));
    BOOST_TEST((decision_of(v).outcome == core::Outcome::review));
}

BOOST_AUTO_TEST_CASE(born_digital_the_rendered_box_is_judged_like_a_scan) {
    using V = core::SignatureVerdict;
    auto r = good_form();
    r.born_digital = true;
    // An Ink annotation or a signature image in the rendered box.
    r.signature = signature(V::handwriting, 1.5);
    BOOST_TEST(run(r).failures.empty());
    BOOST_TEST((decision_of(run(r)).outcome == core::Outcome::accepted));
    r.signature = signature(V::unclear, 4.0, "printed text or a stamp frame");
    BOOST_TEST((decision_of(run(r)).outcome == core::Outcome::review));
    BOOST_TEST(run(r).has("signature_unclear"));
    r.signature = signature(V::empty, 0);
    BOOST_TEST((decision_of(run(r)).outcome == core::Outcome::rejected));
    // A digital signature value: not verified here, whatever the box shows.
    r.signature = signature(V::handwriting, 1.5);
    r.digital_signature_value = true;
    BOOST_TEST(run(r).has("signature_unverified"));
    BOOST_TEST((decision_of(run(r)).outcome == core::Outcome::review));
}

BOOST_AUTO_TEST_CASE(reference_code_must_match_the_printed_pair) {
    BOOST_TEST(run(good_form(), std::string("R7K2-9QX4")).failures.empty());
    BOOST_TEST(run(good_form(), std::string("XXXX-YYYY")).has("reference_unknown"));
    auto r = good_form();
    set(r, "client_orgnr", "556612-3450");
    set(r, "client_name", "Öresunds Fisk AB");
    set(r, "client_subscription", "100871");
    BOOST_TEST(run(r, std::string("R7K2-9QX4")).has("reference_mismatch"));
}

BOOST_AUTO_TEST_CASE(registration_problems_send_to_review) {
    auto v = run(good_form());
    BOOST_TEST((decision_of(v, 2.5).outcome == core::Outcome::review));
    BOOST_TEST(decision_of(v, 2.5).reasons.front() == "registration_residual");
    decide::Evidence e;
    e.registered = true;
    e.from_qr_only = true;
    e.residual_mm = 0.1;
    BOOST_TEST((decide::decide(e, {}).outcome == core::Outcome::review));
    e.registered = false;
    BOOST_TEST(decide::decide(e, {}).reasons.front() == "registration_failed");
}

BOOST_AUTO_TEST_SUITE_END()
