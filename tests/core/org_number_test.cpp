#define BOOST_TEST_MODULE core
#include <boost/test/unit_test.hpp>

#include "core/org_number.hpp"

#include <chrono>
#include <string>
#include <vector>

using core::OrgNumber;
using core::OrgNumberError;
using namespace std::chrono;

namespace {
constexpr year_month_day k_today{year{2026}, month{11}, day{26}};

struct Valid {
    const char* input;
    const char* canonical;
};
struct Invalid {
    const char* input;
    OrgNumberError error;
};
}  // namespace

BOOST_AUTO_TEST_SUITE(org_number)

BOOST_AUTO_TEST_CASE(real_public_organisation_numbers_are_valid) {
    // Public organisation numbers of well-known Swedish companies and authorities.
    const std::vector<Valid> cases{
        {"556012-5790", "556012-5790"},   // AB Volvo
        {"556016-0680", "556016-0680"},   // Telefonaktiebolaget LM Ericsson
        {"556042-7220", "556042-7220"},   // H & M Hennes & Mauritz AB
        {"556703-7485", "556703-7485"},   // Spotify AB
        {"502032-9081", "502032-9081"},   // Skandinaviska Enskilda Banken AB
        {"502017-7753", "502017-7753"},   // Swedbank AB
        {"502007-7862", "502007-7862"},   // Svenska Handelsbanken AB
        {"202100-5448", "202100-5448"},   // Skatteverket
        {"202100-2742", "202100-2742"},   // Sveriges riksbank
        {"212000-0142", "212000-0142"},   // Stockholms kommun
        {"212000-1355", "212000-1355"},   // Göteborgs kommun
        {"556271-5309", "556271-5309"},   // Deloitte AB
        {"556043-4465", "556043-4465"},   // KPMG AB
        {"556053-5873", "556053-5873"},   // Ernst & Young AB
        {"556036-0793", "556036-0793"},
        {"556000-4615", "556000-4615"},
        {"202100-4151", "202100-4151"},
        {"556134-1248", "556134-1248"},
        {"232100-0016", "232100-0016"},
        {"556024-2496", "556024-2496"},
    };
    for (auto& c : cases) {
        auto r = OrgNumber::parse(c.input, k_today);
        BOOST_TEST_INFO(c.input);
        BOOST_TEST_REQUIRE(r.has_value());
        BOOST_TEST(r->canonical() == c.canonical);
        BOOST_TEST(r->is_legal_person());
    }
}

BOOST_AUTO_TEST_CASE(accepted_input_forms_normalise_to_one_canonical_form) {
    const std::vector<Valid> cases{
        {"5560125790", "556012-5790"},
        {"16556012-5790", "556012-5790"},
        {"165560125790", "556012-5790"},
        {"  556012-5790\t", "556012-5790"},
        {"811218-9876", "19811218-9876"},      // personal number, century from '-'
        {"8112189876", "19811218-9876"},
        {"19811218-9876", "19811218-9876"},
        {"198112189876", "19811218-9876"},
        {"121212-1212", "20121212-1212"},      // born 2012: under 100
        {"121212+1212", "19121212-1212"},      // '+': 100 or older
        {"19121212-1212", "19121212-1212"},
        {"811278-9873", "19811278-9873"},      // coordination number (day + 60)
        {"000229-1235", "20000229-1235"},      // leap day 2000
    };
    for (auto& c : cases) {
        auto r = OrgNumber::parse(c.input, k_today);
        BOOST_TEST_INFO(c.input);
        BOOST_TEST_REQUIRE(r.has_value(), (r ? "" : r.error().message));
        BOOST_TEST(r->canonical() == c.canonical);
    }
}

BOOST_AUTO_TEST_CASE(invalid_numbers_say_why) {
    const std::vector<Invalid> cases{
        {"", OrgNumberError::empty},
        {"   ", OrgNumberError::empty},
        {"556012-579", OrgNumberError::length},
        {"55601257900", OrgNumberError::length},
        {"556012-57901", OrgNumberError::length},
        {"1234567890123", OrgNumberError::length},
        {"556O12-5790", OrgNumberError::characters},   // letter O
        {"556012 5790", OrgNumberError::characters},
        {"556012--5790", OrgNumberError::characters},
        {"5560-125790", OrgNumberError::characters},    // separator in the wrong place
        {"556012+5790", OrgNumberError::characters},    // '+' on a legal person
        {"556012-5791", OrgNumberError::check_digit},
        {"556016-0681", OrgNumberError::check_digit},
        {"502032-9080", OrgNumberError::check_digit},
        {"212000-0143", OrgNumberError::check_digit},
        {"811218-9875", OrgNumberError::check_digit},
        {"19556012-5790", OrgNumberError::century},     // legal person with 19
        {"20556012-5790", OrgNumberError::century},
        {"16811218-9876", OrgNumberError::century},     // personal number with 16
        {"21811218-9876", OrgNumberError::century},
        {"811318-9872", OrgNumberError::impossible_date},  // month 13
        {"810230-1234", OrgNumberError::impossible_date},  // 30 February
        {"010229-1234", OrgNumberError::impossible_date},  // 2001 is not a leap year
        {"811200-9876", OrgNumberError::impossible_date},  // day 0
        {"20301218-9876", OrgNumberError::impossible_date},// born in the future
    };
    for (auto& c : cases) {
        auto r = OrgNumber::parse(c.input, k_today);
        BOOST_TEST_INFO("input '" << c.input << "'");
        BOOST_TEST_REQUIRE(!r.has_value());
        BOOST_TEST(static_cast<int>(r.error().error) == static_cast<int>(c.error), r.error().message);
        BOOST_TEST(!r.error().message.empty());
    }
}

BOOST_AUTO_TEST_CASE(luhn_digit_matches_hand_computation) {
    // 556012579: 5*2=10→1, 5, 6*2=12→3, 0, 1*2=2, 2, 5*2=10→1, 7, 9*2=18→9 → 1+5+3+0+2+2+1+7+9=30 → 0
    BOOST_TEST(core::luhn_check_digit("556012579") == 0);
    BOOST_TEST(core::luhn_check_digit("811218987") == 6);
}

BOOST_AUTO_TEST_CASE(every_single_digit_error_is_caught) {
    // Luhn detects any single-digit substitution: change each digit of a valid number.
    const std::string valid = "5560125790";
    for (size_t pos = 0; pos < valid.size(); ++pos) {
        for (char d = '0'; d <= '9'; ++d) {
            if (d == valid[pos]) continue;
            std::string s = valid;
            s[pos] = d;
            auto r = OrgNumber::parse(s, k_today);
            BOOST_TEST_INFO(s);
            // A changed third digit may turn it into a personal number with an impossible date; still invalid.
            BOOST_TEST(!r.has_value());
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
