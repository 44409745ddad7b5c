// The Swedish note beside a rejected file tells the truth: which limit was
// hit and its value, and what to do (issue 14 item 8).
#define BOOST_TEST_MODULE notes
#include <boost/test/unit_test.hpp>

#include "core/reason_texts.hpp"

using core::file_note_sv;

namespace {
bool has(const std::string& s, const char* what) { return s.find(what) != std::string::npos; }
}  // namespace

BOOST_AUTO_TEST_CASE(a_stack_over_the_page_limit_is_told_about_pages_not_resolution) {
    auto n = file_note_sv("too_large", "PDF with 612 pages exceeds the limit of 500 pages (limits.max_pages)");
    BOOST_TEST(has(n, "sidor"));
    BOOST_TEST(has(n, "högst 500"));
    BOOST_TEST(has(n, "Dela upp"));
    BOOST_TEST(!has(n, "dpi"));
}

BOOST_AUTO_TEST_CASE(each_limit_gets_its_own_note) {
    auto bytes = file_note_sv("too_large", "file of 230 MiB exceeds the limit of 200 MiB (limits.max_file_mb)");
    BOOST_TEST(has(bytes, "högst 200 MiB"));
    auto pixels = file_note_sv("too_large", "page of 9000x9000 pixels exceeds the limit of 60 megapixels (limits.max_megapixels)");
    BOOST_TEST(has(pixels, "högst 60 megapixel"));
    auto objects = file_note_sv("too_large", "PDF with 30000 objects exceeds the limit of 20000 objects (limits.max_pdf_objects)");
    BOOST_TEST(has(objects, "högst 20000 objekt"));
    BOOST_TEST(bytes != pixels);
    BOOST_TEST(pixels != objects);
}

BOOST_AUTO_TEST_CASE(a_pdf_is_never_told_it_is_not_a_pdf) {
    auto coding = file_note_sv("unsupported_format", "page 1: image coding JBIG2Decode is not supported");
    BOOST_TEST(!has(coding, "varken PDF"));
    auto other = file_note_sv("unsupported_format", "not a PDF, TIFF, PNG or JPEG file (judged by its first bytes, not its name)");
    BOOST_TEST(has(other, "varken PDF, TIFF, PNG eller JPEG"));
}

BOOST_AUTO_TEST_CASE(a_password_is_named) {
    auto n = file_note_sv("unreadable", "the PDF needs a password to open (encrypted with a user password)");
    BOOST_TEST(has(n, "lösenord"));
    // Any other reason: the plain text of its code.
    BOOST_TEST(file_note_sv("unsigned", "") == core::reason_text_sv("unsigned"));
}
