#define BOOST_TEST_MODULE mail
#include <boost/test/unit_test.hpp>

#include "mail/rfc5322.hpp"
#include "mail/swedish_time.hpp"

#include <Poco/Base64Decoder.h>
#include <Poco/Net/QuotedPrintableDecoder.h>

#include <sstream>

using namespace mail;

namespace {

std::string qp_decode(const std::string& s) {
    std::istringstream in(s);
    Poco::Net::QuotedPrintableDecoder dec(in);
    std::ostringstream out;
    out << dec.rdbuf();
    return out.str();
}

std::vector<std::string> lines_of(const std::string& s) {
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < s.size()) {
        auto e = s.find("\r\n", i);
        if (e == std::string::npos) e = s.size();
        out.push_back(s.substr(i, e - i));
        i = e + 2;
    }
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(rfc5322)

BOOST_AUTO_TEST_CASE(quoted_printable_round_trips_utf8_and_keeps_lines_short) {
    std::string text = "Hej Åsa!\n\n" + std::string(200, 'x') + " slut\n.inledande punkt\nrad med mellanslag  \n=lika\n" +
                       "https://koppling.example.se/approve/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcdefg\n";
    auto qp = quoted_printable(text);
    for (auto& line : lines_of(qp)) {
        BOOST_TEST(line.size() <= 76u);
        BOOST_TEST((line.empty() || line[0] != '.'));
        for (unsigned char c : line) BOOST_TEST((c < 128));
    }
    std::string expected = text;
    std::string crlf;
    for (char c : expected) {
        if (c == '\n') crlf += "\r\n"; else crlf += c;
    }
    BOOST_TEST(qp_decode(qp) == crlf);
}

BOOST_AUTO_TEST_CASE(headers_are_encoded_so_names_cannot_inject_lines) {
    BOOST_TEST(encode_header_text("Plain subject") == "Plain subject");
    auto enc = encode_header_text("Åkesson Bygg\r\nBcc: evil@example.com");
    BOOST_TEST(enc.find("\r\nBcc") == std::string::npos);
    BOOST_TEST(enc.rfind("=?UTF-8?B?", 0) == 0u);
    store::QueuedMail m;
    m.message_id = "koppling-1-2-abc@kopplingsdesken";
    m.recipient_name = "Karin \"<b>\" Åkesson";
    m.recipient = "karin@example.se";
    m.subject.clear();
    for (int i = 0; i < 60; ++i) m.subject += "Ä";
    m.body = "Hej!\n";
    auto msg = format_message(m, parse_mailbox("Kopplingsdesken <noreply@example.se>"),
                              core::parse_utc("2026-11-26T12:00:00Z"));
    BOOST_TEST(msg.find("Date: Thu, 26 Nov 2026 12:00:00 +0000\r\n") != std::string::npos);
    BOOST_TEST(msg.find("Message-ID: <koppling-1-2-abc@kopplingsdesken>\r\n") != std::string::npos);
    BOOST_TEST(msg.find("Content-Type: text/plain; charset=UTF-8\r\n") != std::string::npos);
    BOOST_TEST(msg.find(" <karin@example.se>\r\n") != std::string::npos);
    auto head = msg.substr(0, msg.find("\r\n\r\n"));
    for (auto& line : lines_of(head)) {
        BOOST_TEST(line.size() <= 78u);
        for (unsigned char c : line) BOOST_TEST((c < 128));
    }
    BOOST_TEST(eml_file_name("koppling-1-2-abc@kopplingsdesken") == "koppling-1-2-abc_kopplingsdesken.eml");
    BOOST_TEST(eml_file_name("../../x") == ".._.._x.eml");
    auto mb = parse_mailbox("\"Koppling\" <a@b.se>");
    BOOST_TEST(mb.name == "Koppling");
    BOOST_TEST(mb.address == "a@b.se");
}

BOOST_AUTO_TEST_CASE(swedish_time_follows_cet_and_cest) {
    BOOST_TEST(swedish_datetime(core::parse_utc("2026-11-26T12:00:00Z")) == "26 november 2026 kl. 13:00");
    BOOST_TEST(swedish_datetime(core::parse_utc("2026-07-01T12:00:00Z")) == "1 juli 2026 kl. 14:00");
    // 2026: CEST from 29 March 01:00 UTC to 25 October 01:00 UTC.
    BOOST_TEST(swedish_datetime(core::parse_utc("2026-03-29T00:59:00Z")) == "29 mars 2026 kl. 01:59");
    BOOST_TEST(swedish_datetime(core::parse_utc("2026-03-29T01:00:00Z")) == "29 mars 2026 kl. 03:00");
    BOOST_TEST(swedish_datetime(core::parse_utc("2026-10-25T00:59:00Z")) == "25 oktober 2026 kl. 02:59");
    BOOST_TEST(swedish_datetime(core::parse_utc("2026-10-25T01:00:00Z")) == "25 oktober 2026 kl. 02:00");
    BOOST_TEST(swedish_datetime(std::string("inte en tid")) == "inte en tid");
}

BOOST_AUTO_TEST_SUITE_END()
