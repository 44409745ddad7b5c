#include "forms/qr_code.hpp"
#include "core/error.hpp"

#include <ZXing/BitMatrix.h>
#include <ZXing/MultiFormatWriter.h>

#include <stdexcept>

namespace forms {

QrModules encode_qr(const std::string& text) {
    ZXing::BitMatrix bits;
    try {
        // Width/height 0 with margin 0: one matrix cell per module.
        bits = ZXing::MultiFormatWriter(ZXing::BarcodeFormat::QRCode).setMargin(0).setEccLevel(4).encode(text, 0, 0);
    } catch (const std::exception& e) {
        throw core::InternalError("cannot encode QR code '" + text + "': " + e.what());
    }
    if (bits.width() != bits.height() || bits.width() < 21)
        throw core::InternalError("QR encoder returned an unexpected matrix for '" + text + "'");
    QrModules q;
    q.size = bits.width();
    q.dark.resize(static_cast<size_t>(q.size * q.size));
    for (int y = 0; y < q.size; ++y)
        for (int x = 0; x < q.size; ++x) q.dark[static_cast<size_t>(y * q.size + x)] = bits.get(x, y);
    return q;
}

}  // namespace forms
