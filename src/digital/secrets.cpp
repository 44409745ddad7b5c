#include "digital/secrets.hpp"
#include "core/error.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <sys/random.h>

#include <cerrno>
#include <stdexcept>
#include <vector>

namespace digital {

namespace {

void fill_random(unsigned char* out, std::size_t n) {
    std::size_t done = 0;
    while (done < n) {
        ssize_t got = getrandom(out + done, n - done, 0);
        if (got < 0) {
            if (errno == EINTR) continue;
            throw core::InternalError("the kernel random number generator failed (getrandom)");
        }
        done += static_cast<std::size_t>(got);
    }
}

std::string to_hex(const unsigned char* p, std::size_t n) {
    static constexpr char k_digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(n * 2);
    for (std::size_t i = 0; i < n; ++i) {
        out.push_back(k_digits[p[i] >> 4]);
        out.push_back(k_digits[p[i] & 15]);
    }
    return out;
}

std::vector<unsigned char> from_hex(std::string_view hex) {
    std::vector<unsigned char> out;
    if (hex.size() % 2) return {};
    auto val = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        return -1;
    };
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        int hi = val(hex[i]), lo = val(hex[i + 1]);
        if (hi < 0 || lo < 0) return {};
        out.push_back(static_cast<unsigned char>(hi * 16 + lo));
    }
    return out;
}

std::string pbkdf2_hex(std::string_view password, const unsigned char* salt, std::size_t salt_len, int iterations) {
    unsigned char key[32];
    if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), salt, static_cast<int>(salt_len),
                          iterations, EVP_sha256(), sizeof key, key) != 1)
        throw core::InternalError("OpenSSL PBKDF2 failed");
    return to_hex(key, sizeof key);
}

}  // namespace

std::string random_token(std::size_t bytes) {
    if (bytes < 16) throw std::invalid_argument("a token needs at least 128 random bits");
    std::vector<unsigned char> raw(bytes);
    fill_random(raw.data(), raw.size());
    static constexpr char k_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    std::uint32_t acc = 0;
    int bits = 0;
    for (unsigned char b : raw) {
        acc = (acc << 8) | b;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out.push_back(k_alphabet[(acc >> bits) & 63]);
        }
    }
    if (bits > 0) out.push_back(k_alphabet[(acc << (6 - bits)) & 63]);
    return out;
}

std::string random_id() {
    unsigned char raw[8];
    fill_random(raw, sizeof raw);
    return to_hex(raw, sizeof raw);
}

bool is_well_formed_token(std::string_view text) {
    if (text.size() != k_token_chars) return false;
    for (char c : text)
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return false;
    return true;
}

std::string sha256_hex(std::string_view text) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(text.data(), text.size(), digest, &len, EVP_sha256(), nullptr) != 1)
        throw core::InternalError("OpenSSL SHA-256 failed");
    return to_hex(digest, len);
}

bool constant_time_equal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string hash_password(std::string_view password, int iterations) {
    if (iterations < 1000) throw std::invalid_argument("PBKDF2 needs at least 1000 iterations");
    unsigned char salt[16];
    fill_random(salt, sizeof salt);
    return "pbkdf2-sha256$" + std::to_string(iterations) + "$" + to_hex(salt, sizeof salt) + "$" +
           pbkdf2_hex(password, salt, sizeof salt, iterations);
}

bool verify_password(std::string_view password, std::string_view stored) {
    constexpr std::string_view k_prefix = "pbkdf2-sha256$";
    if (stored.substr(0, k_prefix.size()) != k_prefix) return false;
    std::string_view rest = stored.substr(k_prefix.size());
    auto d1 = rest.find('$');
    if (d1 == std::string_view::npos) return false;
    auto d2 = rest.find('$', d1 + 1);
    if (d2 == std::string_view::npos) return false;
    int iterations = 0;
    for (char c : rest.substr(0, d1)) {
        if (c < '0' || c > '9' || iterations > 10'000'000) return false;
        iterations = iterations * 10 + (c - '0');
    }
    if (iterations < 1000) return false;
    auto salt = from_hex(rest.substr(d1 + 1, d2 - d1 - 1));
    if (salt.empty()) return false;
    std::string expected(rest.substr(d2 + 1));
    return constant_time_equal(pbkdf2_hex(password, salt.data(), salt.size(), iterations), expected);
}

}  // namespace digital
