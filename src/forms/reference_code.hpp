// Reference codes: the short code printed on a pre-filled form (and in its
// QR code) that ties the paper to one pending paper linkage in the store.
// Format "XXXX-XXXX" over an unambiguous alphabet (no 0/O, 1/I/L, 5/S, 2/Z,
// 8/B, U/V): 23^8, about 36 random bits, from the OS CSPRNG.
// Thread-safety: stateless (getrandom is thread-safe).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace forms {

inline constexpr std::string_view k_reference_alphabet = "34679ACDEFGHJKMNPQRTWXY";

// A fresh random code. Throws std::runtime_error when the OS has no randomness.
std::string new_reference_code();

// The canonical form of a code typed or read back ("r7k3 9qx4" → "R7K3-9QX4"),
// or nullopt when it is not a well-formed code.
std::optional<std::string> normalise_reference_code(std::string_view text);

}  // namespace forms
