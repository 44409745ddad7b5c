#include <boost/test/unit_test.hpp>

#include "forms/reference_code.hpp"

#include <regex>
#include <set>

BOOST_AUTO_TEST_SUITE(reference_code)

BOOST_AUTO_TEST_CASE(codes_have_the_format_and_only_unambiguous_characters) {
    const std::regex shape("[34679ACDEFGHJKMNPQRTWXY]{4}-[34679ACDEFGHJKMNPQRTWXY]{4}");
    for (int i = 0; i < 200; ++i) {
        auto c = forms::new_reference_code();
        BOOST_TEST_INFO(c);
        BOOST_TEST(std::regex_match(c, shape));
        for (char ambiguous : std::string("015OIL2ZS8BUV"))
            BOOST_TEST(c.find(ambiguous) == std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(codes_are_random) {
    std::set<std::string> seen;
    std::map<char, int> counts;
    for (int i = 0; i < 2000; ++i) {
        auto c = forms::new_reference_code();
        seen.insert(c);
        for (char ch : c)
            if (ch != '-') ++counts[ch];
    }
    BOOST_TEST(seen.size() == 2000u);
    // Every alphabet letter appears, none dominates (16000 draws, ~696 each).
    BOOST_TEST(counts.size() == forms::k_reference_alphabet.size());
    for (auto& [ch, n] : counts) {
        BOOST_TEST_INFO(ch);
        BOOST_TEST((n > 500 && n < 900));
    }
}

BOOST_AUTO_TEST_CASE(normalise_accepts_typed_variants_and_refuses_others) {
    BOOST_TEST(forms::normalise_reference_code("r7k3 9qx4").value_or("") == "R7K3-9QX4");
    BOOST_TEST(forms::normalise_reference_code("R7K3-9QX4").value_or("") == "R7K3-9QX4");
    BOOST_TEST(forms::normalise_reference_code("R7K39QX4").value_or("") == "R7K3-9QX4");
    BOOST_TEST(!forms::normalise_reference_code("R7K3-9QX"));
    BOOST_TEST(!forms::normalise_reference_code("R7K3-9QX44"));
    BOOST_TEST(!forms::normalise_reference_code("R0K3-9QX4"));  // 0 is not in the alphabet
    BOOST_TEST(!forms::normalise_reference_code(""));
}

BOOST_AUTO_TEST_SUITE_END()
