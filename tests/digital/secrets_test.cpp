#define BOOST_TEST_MODULE digital
#include <boost/test/unit_test.hpp>

#include "digital/secrets.hpp"

#include <set>

using namespace digital;

BOOST_AUTO_TEST_SUITE(secrets)

BOOST_AUTO_TEST_CASE(tokens_are_256_bit_base64url_and_distinct) {
    std::set<std::string> seen;
    for (int i = 0; i < 2000; ++i) {
        auto t = random_token();
        BOOST_TEST(t.size() == k_token_chars);
        BOOST_TEST(is_well_formed_token(t));
        seen.insert(t);
    }
    BOOST_TEST(seen.size() == 2000u);
    BOOST_TEST(random_token(16).size() == 22u);  // 128 bits, the minimum
    BOOST_CHECK_THROW(random_token(8), std::invalid_argument);
    BOOST_TEST(!is_well_formed_token(""));
    BOOST_TEST(!is_well_formed_token(std::string(43, '.')));
    BOOST_TEST(!is_well_formed_token("../../../../etc/passwd"));
    BOOST_TEST(random_id().size() == 16u);
}

BOOST_AUTO_TEST_CASE(sha256_matches_the_standard_vectors) {
    BOOST_TEST(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    BOOST_TEST(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

BOOST_AUTO_TEST_CASE(constant_time_equal_compares_whole_strings) {
    BOOST_TEST(constant_time_equal("abc", "abc"));
    BOOST_TEST(!constant_time_equal("abc", "abd"));
    BOOST_TEST(!constant_time_equal("abc", "abcd"));
    BOOST_TEST(constant_time_equal("", ""));
}

BOOST_AUTO_TEST_CASE(passwords_hash_with_salt_and_verify) {
    auto h1 = hash_password("korrekt häst batteri", 1000);
    auto h2 = hash_password("korrekt häst batteri", 1000);
    BOOST_TEST(h1 != h2);  // salted
    BOOST_TEST(h1.rfind("pbkdf2-sha256$1000$", 0) == 0u);
    BOOST_TEST(h1.find("korrekt") == std::string::npos);
    BOOST_TEST(verify_password("korrekt häst batteri", h1));
    BOOST_TEST(!verify_password("korrekt häst batteri ", h1));
    BOOST_TEST(!verify_password("", h1));
    BOOST_TEST(!verify_password("x", ""));
    BOOST_TEST(!verify_password("x", "pbkdf2-sha256$10$00$00"));  // too few iterations: refused
    BOOST_TEST(!verify_password("x", "md5$abc"));
    BOOST_CHECK_THROW(hash_password("x", 10), std::invalid_argument);
    BOOST_TEST(hash_password("x").rfind("pbkdf2-sha256$" + std::to_string(k_pbkdf2_iterations) + "$", 0) == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
