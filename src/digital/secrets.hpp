// Secrets: the random tokens, hashes and password hashes of the digital path,
// and the one wrapper around OpenSSL's crypto (SHA-256, PBKDF2, constant-time
// compare). Randomness comes from the kernel CSPRNG (getrandom(2)).
//
// Thread-safety: every function is stateless and safe from any thread.
// Errors: a failing kernel RNG or OpenSSL call is a broken environment and
// throws std::runtime_error; nothing here returns a weak value instead.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace digital {

// Characters of a token made by random_token(): 256 random bits as
// base64url without padding (43 characters).
inline constexpr std::size_t k_token_chars = 43;

// `bytes` (>= 16) random bytes from getrandom(2), as base64url without padding.
std::string random_token(std::size_t bytes = 32);
// A short random id for logs and Message-IDs (16 hex digits, 64 bits).
std::string random_id();
// True for a string that random_token(32) could have produced (43 base64url chars).
bool is_well_formed_token(std::string_view text);

// Lower-case hex SHA-256 of `text` (64 characters).
std::string sha256_hex(std::string_view text);
// Compares in time that depends only on the lengths (CRYPTO_memcmp).
bool constant_time_equal(std::string_view a, std::string_view b);

// PBKDF2-HMAC-SHA256 with a 128-bit random salt, stored as
// "pbkdf2-sha256$ITERATIONS$SALT_HEX$HASH_HEX". Iterations: >= 1000.
inline constexpr int k_pbkdf2_iterations = 210000;
std::string hash_password(std::string_view password, int iterations = k_pbkdf2_iterations);
// False for a wrong password and for a stored text in another format (or empty).
bool verify_password(std::string_view password, std::string_view stored);

}  // namespace digital
