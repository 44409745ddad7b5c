#include <boost/test/unit_test.hpp>

#include "forms/qr_code.hpp"

#include <ZXing/ReadBarcode.h>

BOOST_AUTO_TEST_SUITE(qr_code)

BOOST_AUTO_TEST_CASE(modules_round_trip_through_the_decoder) {
    for (std::string text : {"LINKAGE-FORM|KOPPLING|v1|p1|-", "LINKAGE-FORM|KOPPLING|v1|p1|H4QX-7MKA"}) {
        auto q = forms::encode_qr(text);
        BOOST_TEST(q.size >= 21);
        BOOST_TEST((q.size - 17) % 4 == 0);  // a QR version's side
        // Finder pattern: the top-left 7×7 ring is dark, its inner ring light.
        BOOST_TEST(q.at(0, 0));
        BOOST_TEST(q.at(6, 6));
        BOOST_TEST(!q.at(1, 1));
        BOOST_TEST(q.at(3, 3));
        // Draw at 4 px per module with a 4-module quiet zone, decode.
        const int scale = 4, quiet = 4, side = (q.size + 2 * quiet) * scale;
        std::vector<unsigned char> img(static_cast<size_t>(side * side), 255);
        for (int y = 0; y < q.size; ++y)
            for (int x = 0; x < q.size; ++x)
                if (q.at(x, y))
                    for (int dy = 0; dy < scale; ++dy)
                        for (int dx = 0; dx < scale; ++dx)
                            img[static_cast<size_t>(((y + quiet) * scale + dy) * side + (x + quiet) * scale + dx)] = 0;
        auto r = ZXing::ReadBarcode(ZXing::ImageView(img.data(), side, side, ZXing::ImageFormat::Lum),
                                    ZXing::DecodeHints().setFormats(ZXing::BarcodeFormat::QRCode));
        BOOST_TEST_REQUIRE(r.isValid());
        BOOST_TEST(r.text() == text);
    }
}

BOOST_AUTO_TEST_SUITE_END()
