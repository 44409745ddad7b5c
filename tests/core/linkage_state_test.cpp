#include <boost/test/unit_test.hpp>

#include "core/linkage_state.hpp"

using core::LinkageState;

BOOST_AUTO_TEST_SUITE(linkage_state)

BOOST_AUTO_TEST_CASE(legal_transitions_are_exactly_those_of_the_spec) {
    using S = LinkageState;
    const S all[] = {S::requested, S::approved, S::activated, S::declined, S::expired, S::revoked};
    int legal = 0;
    for (S from : all)
        for (S to : all)
            if (core::is_legal_transition(from, to)) ++legal;
    BOOST_TEST(legal == 7);
    BOOST_TEST(core::is_legal_transition(S::requested, S::approved));
    BOOST_TEST(core::is_legal_transition(S::requested, S::declined));
    BOOST_TEST(core::is_legal_transition(S::requested, S::expired));
    BOOST_TEST(core::is_legal_transition(S::requested, S::revoked));
    BOOST_TEST(core::is_legal_transition(S::approved, S::activated));
    BOOST_TEST(core::is_legal_transition(S::approved, S::revoked));
    BOOST_TEST(core::is_legal_transition(S::activated, S::revoked));
}

BOOST_AUTO_TEST_CASE(illegal_transition_is_an_error_with_a_message) {
    auto r = core::transition(LinkageState::declined, LinkageState::approved);
    BOOST_TEST_REQUIRE(!r.has_value());
    BOOST_TEST(r.error().message.find("declined") != std::string::npos);
    BOOST_TEST(!core::transition(LinkageState::requested, LinkageState::activated).has_value());
    BOOST_TEST(!core::transition(LinkageState::approved, LinkageState::approved).has_value());
    BOOST_TEST((core::transition(LinkageState::approved, LinkageState::activated).value() == LinkageState::activated));
}

BOOST_AUTO_TEST_CASE(live_and_terminal_states) {
    BOOST_TEST(core::is_live(LinkageState::requested));
    BOOST_TEST(core::is_live(LinkageState::activated));
    BOOST_TEST(core::is_terminal(LinkageState::revoked));
    BOOST_TEST(core::is_terminal(LinkageState::expired));
}

BOOST_AUTO_TEST_CASE(names_round_trip) {
    for (auto s : {LinkageState::requested, LinkageState::approved, LinkageState::activated, LinkageState::declined,
                   LinkageState::expired, LinkageState::revoked})
        BOOST_TEST((core::parse_linkage_state(core::to_string(s)) == s));
    BOOST_TEST(!core::parse_linkage_state("pending").has_value());
}

BOOST_AUTO_TEST_SUITE_END()
