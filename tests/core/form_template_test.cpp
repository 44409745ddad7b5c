#include <boost/test/unit_test.hpp>

#include "core/form_template.hpp"
#include "test_support.hpp"

BOOST_AUTO_TEST_SUITE(form_template)

BOOST_AUTO_TEST_CASE(shipped_template_loads_and_names_every_spec_field) {
    auto t = core::FormTemplate::load(core::template_path(test_support::source_dir() / "templates", 1));
    BOOST_TEST(t.version == 1);
    BOOST_TEST(t.fields.size() == 9u);
    BOOST_TEST(t.signature_name == "signature");
    BOOST_TEST(t.field("client_orgnr")->whitelist == "0123456789-+");
    BOOST_TEST(t.display_id() == "KOPPLING v1");
    // Lines are read narrowed, except the place: a short word alone on its
    // line, whose first letter's case the recogniser tells by its width.
    BOOST_TEST(t.field("client_name")->ocr_squeeze == 0.75);
    BOOST_TEST(t.field("place")->ocr_squeeze == 1.0);
}

BOOST_AUTO_TEST_CASE(broken_templates_are_refused_with_a_reason) {
    auto text = test_support::read_file(core::template_path(test_support::source_dir() / "templates", 1));
    auto without = [&](const std::string& from, const std::string& to) {
        auto s = text;
        auto pos = s.find(from);
        BOOST_TEST_REQUIRE(pos != std::string::npos);
        s.replace(pos, from.size(), to);
        return s;
    };
    BOOST_CHECK_THROW(core::FormTemplate::parse("{"), core::TemplateError);
    // A field renamed: the contract with external tools is broken.
    BOOST_CHECK_THROW(core::FormTemplate::parse(without("\"client_orgnr\"", "\"kund_orgnr\"")), core::TemplateError);
    // A mark moved into the 10 mm margin.
    BOOST_CHECK_THROW(core::FormTemplate::parse(without("\"x\": 34.0,  \"y\": 34.0", "\"x\": 10.0,  \"y\": 34.0")),
                      core::TemplateError);
    // A squeeze outside 0.5–1 would stretch the line or crush it.
    BOOST_CHECK_THROW(core::FormTemplate::parse(without("\"ocr_squeeze\": 0.75", "\"ocr_squeeze\": 1.5")),
                      core::TemplateError);
    BOOST_CHECK_THROW(core::FormTemplate::parse(without("\"ocr_squeeze\": 0.75", "\"ocr_squeeze\": 0.2")),
                      core::TemplateError);
}

BOOST_AUTO_TEST_CASE(qr_payload_round_trips) {
    auto t = core::FormTemplate::load(core::template_path(test_support::source_dir() / "templates", 1));
    auto p = core::qr_payload(t, 1, std::string("R7K2-9QX4"));
    BOOST_TEST(p == "LINKAGE-FORM|KOPPLING|v1|p1|R7K2-9QX4");
    auto q = core::parse_qr_payload(p);
    BOOST_TEST_REQUIRE(q.has_value());
    BOOST_TEST(q->version == 1);
    BOOST_TEST(q->page == 1);
    BOOST_TEST(q->reference.value() == "R7K2-9QX4");
    BOOST_TEST(!core::parse_qr_payload(core::qr_payload(t, 1, std::nullopt))->reference.has_value());
    BOOST_TEST(!core::parse_qr_payload("https://example.com").has_value());
    BOOST_TEST(!core::parse_qr_payload("LINKAGE-FORM|X|vx|p1|-").has_value());
}

BOOST_AUTO_TEST_SUITE_END()
