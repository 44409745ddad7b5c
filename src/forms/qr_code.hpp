// QR code encoding: the one wrapper around zxing-cpp's writer. Turns a text
// into its module matrix (true = dark), without the quiet zone; the caller
// draws it and keeps the quiet zone free. zxing ECC level 4 of 8 (QR level Q,
// ~25 % of the symbol may be damaged), for scuffed and stamped scans.
// Thread-safety: stateless.
#pragma once

#include <string>
#include <vector>

namespace forms {

struct QrModules {
    int size = 0;             // modules per side
    std::vector<bool> dark;   // size * size, row-major, row 0 at the top
    bool at(int x, int y) const { return dark[static_cast<size_t>(y * size + x)]; }
};

// Throws std::runtime_error when zxing cannot encode the text (too long).
QrModules encode_qr(const std::string& text);

}  // namespace forms
