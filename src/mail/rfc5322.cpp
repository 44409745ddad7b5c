#include "mail/rfc5322.hpp"

#include "mail/swedish_time.hpp"

#include <Poco/Base64Encoder.h>

#include <sstream>

namespace mail {

namespace {

bool needs_encoding(std::string_view s) {
    for (unsigned char c : s)
        if (c >= 0x7f || c < 0x20 || c == '"' || c == '=' || c == '?' || c == '<' || c == '>' || c == ',' ||
            c == ';' || c == ':' || c == '@' || c == '(' || c == ')' || c == '\\')
            return true;
    return false;
}

std::string base64(std::string_view s) {
    std::ostringstream out;
    Poco::Base64Encoder enc(out);
    enc.rdbuf()->setLineLength(0);
    enc.write(s.data(), static_cast<std::streamsize>(s.size()));
    enc.close();
    return out.str();
}

std::string clean_address(std::string_view a) {
    std::string out;
    for (char c : a)
        if (static_cast<unsigned char>(c) > 0x20 && c != '<' && c != '>' && c != '"' && c != ',' && c != ';')
            out.push_back(c);
    return out;
}

std::string format_mailbox(const Mailbox& m) {
    if (m.name.empty()) return "<" + clean_address(m.address) + ">";
    return encode_header_text(m.name) + " <" + clean_address(m.address) + ">";
}

}  // namespace

Mailbox parse_mailbox(std::string_view text) {
    auto lt = text.find('<'), gt = text.rfind('>');
    if (lt == std::string_view::npos || gt == std::string_view::npos || gt < lt) return {"", std::string(text)};
    std::string name(text.substr(0, lt));
    while (!name.empty() && (name.back() == ' ' || name.back() == '"')) name.pop_back();
    while (!name.empty() && (name.front() == ' ' || name.front() == '"')) name.erase(0, 1);
    return {name, std::string(text.substr(lt + 1, gt - lt - 1))};
}

std::string encode_header_text(std::string_view text) {
    if (!needs_encoding(text) && text.size() < 70) return std::string(text);
    // Encoded words of at most 39 raw bytes (52 base64 chars), split on
    // UTF-8 character boundaries, folded onto continuation lines.
    std::string out;
    std::size_t i = 0;
    while (i < text.size()) {
        std::size_t n = std::min<std::size_t>(39, text.size() - i);
        while (i + n < text.size() && (static_cast<unsigned char>(text[i + n]) & 0xC0) == 0x80) --n;
        if (!out.empty()) out += "\r\n ";
        out += "=?UTF-8?B?" + base64(text.substr(i, n)) + "?=";
        i += n;
    }
    return out;
}

std::string quoted_printable(std::string_view text) {
    static constexpr char k_hex[] = "0123456789ABCDEF";
    std::string out, line;
    auto flush_line = [&](bool hard) {
        out += line;
        out += hard ? "\r\n" : "=\r\n";
        line.clear();
    };
    std::size_t i = 0;
    while (i <= text.size()) {
        if (i == text.size() || text[i] == '\n') {
            // Trailing white space must be encoded (RFC 2045 6.7 (3)).
            if (!line.empty() && (line.back() == ' ' || line.back() == '\t')) {
                char c = line.back();
                line.pop_back();
                line += std::string("=") + k_hex[static_cast<unsigned char>(c) >> 4] + k_hex[c & 15];
            }
            if (i == text.size()) {
                if (!line.empty()) flush_line(true);
                break;
            }
            flush_line(true);
            ++i;
            continue;
        }
        unsigned char c = static_cast<unsigned char>(text[i]);
        std::string piece;
        if (c == '\r') {
            ++i;
            continue;
        }
        if ((c >= 33 && c <= 126 && c != '=' && !(c == '.' && line.empty())) || c == ' ' || c == '\t')
            piece = std::string(1, static_cast<char>(c));
        else
            piece = std::string("=") + k_hex[c >> 4] + k_hex[c & 15];
        if (line.size() + piece.size() > 75) flush_line(false);
        if (piece == "." && line.empty()) piece = "=2E";
        line += piece;
        ++i;
    }
    return out;
}

std::string format_message(const store::QueuedMail& m, const Mailbox& from, core::TimePoint date) {
    std::string out;
    out += "From: " + format_mailbox(from) + "\r\n";
    out += "To: " + format_mailbox({m.recipient_name, m.recipient}) + "\r\n";
    out += "Subject: " + encode_header_text(m.subject) + "\r\n";
    out += "Date: " + rfc5322_date(date) + "\r\n";
    out += "Message-ID: <" + clean_address(m.message_id) + ">\r\n";
    out += "MIME-Version: 1.0\r\n";
    out += "Content-Type: text/plain; charset=UTF-8\r\n";
    out += "Content-Transfer-Encoding: quoted-printable\r\n";
    out += "Auto-Submitted: auto-generated\r\n";
    out += "\r\n";
    out += quoted_printable(m.body);
    return out;
}

std::string eml_file_name(std::string_view message_id) {
    std::string out;
    for (char c : message_id)
        out.push_back((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                              c == '-' || c == '_'
                          ? c
                          : '_');
    return out + ".eml";
}

}  // namespace mail
