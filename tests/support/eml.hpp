// Reading the RFC 5322 messages the product writes (outbox .eml files, or
// what the test SMTP sink received): headers unfolded with RFC 2047 words
// decoded, the quoted-printable body decoded. Header-only, for tests.
#pragma once

#include "test_support.hpp"

#include <Poco/Base64Decoder.h>
#include <Poco/Net/QuotedPrintableDecoder.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace test_support {

struct Received {
    std::map<std::string, std::string> headers;  // unfolded; encoded words decoded
    std::string body;                             // decoded text, CRLF
};

inline std::string decode_words(std::string v) {
    std::string out;
    std::size_t i = 0;
    while (i < v.size()) {
        auto s = v.find("=?UTF-8?B?", i);
        if (s == std::string::npos) {
            out += v.substr(i);
            break;
        }
        auto e = v.find("?=", s + 10);
        std::string between = v.substr(i, s - i);
        if (between.find_first_not_of(" \t") != std::string::npos) out += between;
        std::istringstream in(v.substr(s + 10, e - s - 10));
        Poco::Base64Decoder dec(in);
        std::ostringstream o;
        o << dec.rdbuf();
        out += o.str();
        i = e + 2;
    }
    return out;
}

inline Received parse(const std::string& raw) {
    Received r;
    auto split = raw.find("\r\n\r\n");
    std::string head = raw.substr(0, split);
    std::string unfolded;
    for (std::size_t i = 0; i < head.size(); ++i) {
        if (head.compare(i, 3, "\r\n ") == 0) {
            unfolded += ' ';
            i += 2;
        } else {
            unfolded += head[i];
        }
    }
    std::istringstream lines(unfolded);
    std::string line;
    while (std::getline(lines, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        auto c = line.find(": ");
        if (c != std::string::npos) r.headers[line.substr(0, c)] = decode_words(line.substr(c + 2));
    }
    std::istringstream in(raw.substr(split + 4));
    Poco::Net::QuotedPrintableDecoder dec(in);
    std::ostringstream body;
    body << dec.rdbuf();
    r.body = body.str();
    return r;
}

inline std::vector<Received> received(const std::filesystem::path& dir) {
    std::vector<std::filesystem::path> files;
    if (std::filesystem::exists(dir))
        for (auto& e : std::filesystem::directory_iterator(dir))
            if (e.path().extension() == ".eml") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    std::vector<Received> out;
    for (auto& f : files) out.push_back(parse(read_file(f)));
    return out;
}

}  // namespace test_support
