// Born-digital forms: the field value (/V) against what the rendered page shows.
#include <boost/test/unit_test.hpp>

#include "core/outcome.hpp"
#include "validate/appearance.hpp"

using validate::reconcile_appearance;

namespace {

core::FormReading shown(std::initializer_list<std::pair<const char*, const char*>> fields) {
    core::FormReading r;
    for (auto& [n, t] : fields) r.fields.push_back({n, t, 88, std::string(t).empty()});
    r.signature.present = true;
    return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(appearance)

BOOST_AUTO_TEST_CASE(values_the_page_shows_are_taken_as_typed) {
    auto r = reconcile_appearance(shown({{"client_orgnr", "559456-7892"}, {"place", "Göteborg"}}),
                                  {{"client_orgnr", "559456-7892"}, {"place", "  Göteborg "}});
    BOOST_TEST(r.failures.empty());
    BOOST_TEST(r.reading.born_digital);
    BOOST_TEST(r.reading.field("client_orgnr")->confidence == 100);
    BOOST_TEST(r.reading.field("place")->text == "Göteborg");
    BOOST_TEST(r.reading.signature.present);  // the page's signature verdict is kept
}

BOOST_AUTO_TEST_CASE(a_hidden_value_that_differs_from_the_page_goes_to_a_person) {
    auto r = reconcile_appearance(shown({{"client_orgnr", "559456-7892"}, {"place", "Göteborg"}}),
                                  {{"client_orgnr", "556612-3450"}, {"place", "Göteborg"}});
    BOOST_REQUIRE_EQUAL(r.failures.size(), 1u);
    BOOST_TEST(r.failures[0].code == std::string(core::reason::appearance_mismatch));
    BOOST_TEST(r.failures[0].field == "client_orgnr");
    BOOST_TEST(r.failures[0].detail.find("559456-7892") != std::string::npos);
    BOOST_TEST((r.failures[0].severity == validate::Severity::review));
}

BOOST_AUTO_TEST_CASE(a_value_the_page_does_not_show_goes_to_a_person) {
    auto r = reconcile_appearance(shown({{"signer_name", ""}}), {{"signer_name", "Karin Åkesson"}});
    BOOST_REQUIRE_EQUAL(r.failures.size(), 1u);
    BOOST_TEST(r.failures[0].detail.find("not shown") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_flattened_field_is_read_from_the_page) {
    // No /V (a flattened fill, text typed on top): the page as read, with OCR's own confidence.
    auto r = reconcile_appearance(shown({{"signer_name", "Karin Åkesson"}}), {});
    BOOST_TEST(r.failures.empty());
    BOOST_TEST(r.reading.field("signer_name")->text == "Karin Åkesson");
    BOOST_TEST(r.reading.field("signer_name")->confidence == 88);
}

BOOST_AUTO_TEST_CASE(one_letter_is_enough_to_differ) {
    auto r = reconcile_appearance(shown({{"signer_name", "Karin Akesson"}}), {{"signer_name", "Karin Åkesson"}});
    BOOST_TEST(r.failures.size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
