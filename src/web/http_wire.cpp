#include "web/http_wire.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>

namespace web::http {

namespace {

bool is_tchar(unsigned char c) {
    if (std::isalnum(c)) return true;
    switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+': case '-': case '.':
    case '^': case '_': case '`': case '|': case '~':
        return true;
    default:
        return false;
    }
}

// A field value's bytes: VCHAR, obs-text, SP and HTAB (RFC 9110 §5.5).
bool is_value_char(unsigned char c) { return c == ' ' || c == '\t' || (c >= 0x21 && c != 0x7f); }

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string_view trim_ows(std::string_view v) {
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
    return v;
}

HeadError bad(std::string reason, int status = 400) { return HeadError{status, std::move(reason)}; }

// Splits a list value on commas, trimming each member; empty members dropped.
std::vector<std::string> list_members(std::string_view v) {
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i <= v.size()) {
        auto comma = v.find(',', i);
        if (comma == std::string_view::npos) comma = v.size();
        auto m = trim_ows(v.substr(i, comma - i));
        if (!m.empty()) out.push_back(lower(m));
        i = comma + 1;
    }
    return out;
}

}  // namespace

const std::string* Head::get(std::string_view lower_name) const {
    for (auto& [k, v] : fields)
        if (k == lower_name) return &v;
    return nullptr;
}

HeadScan scan_head(std::string_view buf, const HeadLimits& limits, std::size_t resume) {
    HeadScan s;
    std::size_t i = 0;
    // Leading empty lines (a client's CRLF after a previous body): two at
    // most; more make an empty request line, refused by parse_head.
    while (i < 4 && i + 1 < buf.size() && buf[i] == '\r' && buf[i + 1] == '\n') i += 2;
    if (i < buf.size() && buf[i] == '\n') {
        s.state = HeadScan::State::error;
        s.error = bad("bare LF in the request head");
        return s;
    }
    s.skip = i;
    for (std::size_t j = std::max(i, resume); j < buf.size(); ++j) {
        const char c = buf[j];
        if (c == '\0') {
            s.state = HeadScan::State::error;
            s.error = bad("NUL in the request head");
            return s;
        }
        if (c == '\n') {
            if (j == 0 || buf[j - 1] != '\r') {
                s.state = HeadScan::State::error;
                s.error = bad("bare LF in the request head");
                return s;
            }
            if (j >= i + 3 && buf[j - 2] == '\n' && buf[j - 3] == '\r') {
                s.state = HeadScan::State::complete;
                s.end = j + 1;
                return s;
            }
        } else if (j > 0 && buf[j - 1] == '\r') {
            s.state = HeadScan::State::error;
            s.error = bad("bare CR in the request head");
            return s;
        }
        if (j - i + 1 > limits.max_head_bytes) {
            s.state = HeadScan::State::error;
            s.error = bad("request head over " + std::to_string(limits.max_head_bytes) + " bytes", 431);
            return s;
        }
    }
    return s;
}

HeadResult parse_head(std::string_view text, const HeadLimits& limits) {
    HeadResult r;
    auto fail = [&](HeadError e) {
        r.error = std::move(e);
        return r;
    };
    Head h;
    auto eol = text.find("\r\n");
    if (eol == std::string_view::npos) return fail(bad("no request line"));
    const std::string_view line = text.substr(0, eol);
    // request-line = method SP request-target SP HTTP-version, single spaces.
    auto sp1 = line.find(' ');
    auto sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
    if (sp1 == std::string_view::npos || sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos)
        return fail(bad("malformed request line"));
    h.method = std::string(line.substr(0, sp1));
    h.target = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
    h.version = std::string(line.substr(sp2 + 1));
    if (h.method.empty() || !std::all_of(h.method.begin(), h.method.end(), [](char c) { return is_tchar(static_cast<unsigned char>(c)); }))
        return fail(bad("malformed method"));
    if (h.target.empty() || !std::all_of(h.target.begin(), h.target.end(), [](char c) {
            auto u = static_cast<unsigned char>(c);
            return u > 0x20 && u < 0x7f;
        }))
        return fail(bad("malformed request target"));
    if (h.target.size() > 8192) return fail(bad("request target too long", 414));
    if (h.version != "HTTP/1.1" && h.version != "HTTP/1.0") {
        if (h.version.rfind("HTTP/", 0) == 0 && h.version.size() == 8) return fail(bad("HTTP version not supported", 505));
        return fail(bad("malformed HTTP version"));
    }
    const bool http11 = h.version == "HTTP/1.1";

    std::size_t pos = eol + 2;
    int hosts = 0, lengths = 0, encodings = 0;
    std::string te_value, cl_value;
    while (pos < text.size()) {
        auto end = text.find("\r\n", pos);
        if (end == std::string_view::npos) return fail(bad("unterminated field line"));
        if (end == pos) break;  // the blank line
        const std::string_view f = text.substr(pos, end - pos);
        pos = end + 2;
        if (f.front() == ' ' || f.front() == '\t') return fail(bad("obsolete line folding"));
        auto colon = f.find(':');
        if (colon == std::string_view::npos || colon == 0) return fail(bad("field line without a name"));
        const std::string_view name = f.substr(0, colon);
        if (!std::all_of(name.begin(), name.end(), [](char c) { return is_tchar(static_cast<unsigned char>(c)); }))
            return fail(bad("malformed field name (white space before the colon?)"));
        if (name.size() > limits.max_name) return fail(bad("field name over " + std::to_string(limits.max_name) + " bytes", 431));
        const std::string_view value = trim_ows(f.substr(colon + 1));
        if (!std::all_of(value.begin(), value.end(), [](char c) { return is_value_char(static_cast<unsigned char>(c)); }))
            return fail(bad("control character in a field value"));
        if (value.size() > limits.max_value) return fail(bad("field value over " + std::to_string(limits.max_value) + " bytes", 431));
        if (h.fields.size() >= limits.max_fields) return fail(bad("more than " + std::to_string(limits.max_fields) + " fields", 431));
        std::string lname = lower(name);
        if (lname == "host") ++hosts;
        if (lname == "content-length") ++lengths, cl_value = std::string(value);
        if (lname == "transfer-encoding") ++encodings, te_value = std::string(value);
        h.fields.emplace_back(std::move(lname), std::string(value));
    }
    if (http11 && hosts != 1) return fail(bad(hosts == 0 ? "missing Host" : "more than one Host"));
    if (!http11 && hosts > 1) return fail(bad("more than one Host"));
    if (const auto* host = h.get("host"); host && host->find_first_of(" \t,") != std::string::npos)
        return fail(bad("malformed Host"));
    if (lengths && encodings) return fail(bad("both Content-Length and Transfer-Encoding"));
    if (lengths > 1) return fail(bad("more than one Content-Length"));
    if (encodings > 1) return fail(bad("more than one Transfer-Encoding"));
    if (lengths) {
        if (cl_value.empty() || cl_value.size() > 18 ||
            !std::all_of(cl_value.begin(), cl_value.end(), [](char c) { return c >= '0' && c <= '9'; }))
            return fail(bad("invalid Content-Length"));
        h.content_length = std::stoull(cl_value);
        h.body = h.content_length > 0 ? Head::Body::length : Head::Body::none;
    }
    if (encodings) {
        if (!http11) return fail(bad("Transfer-Encoding in an HTTP/1.0 request"));
        auto codings = list_members(te_value);
        if (codings.empty() || codings.back() != "chunked") return fail(bad("final transfer coding is not chunked"));
        if (codings.size() > 1) return fail(bad("transfer coding not implemented", 501));
        h.body = Head::Body::chunked;
    }
    h.keep_alive = http11;
    if (const auto* c = h.get("connection")) {
        for (auto& m : list_members(*c)) {
            if (m == "close") h.keep_alive = false;
            if (m == "keep-alive" && !http11) h.keep_alive = true;
        }
    }
    if (const auto* e = h.get("expect")) {
        if (lower(*e) != "100-continue") return fail(bad("unsupported Expect", 417));
        h.expect_continue = http11 && h.body != Head::Body::none;
    }
    r.head = std::move(h);
    return r;
}

ChunkedDecoder::State ChunkedDecoder::feed(std::string_view in, std::size_t& consumed, std::string* out) {
    constexpr std::size_t k_max_line = 4096;
    std::size_t i = 0;
    auto done = [&](State s) {
        consumed = i;
        return s;
    };
    while (i < in.size()) {
        const char c = in[i];
        switch (m_phase) {
        case Phase::size: {
            int v = -1;
            if (c >= '0' && c <= '9') v = c - '0';
            else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
            else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
            if (v >= 0) {
                if (++m_digits > 15) return done(State::error);
                m_left = m_left * 16 + static_cast<std::uint64_t>(v);
                ++i;
                break;
            }
            if (m_digits == 0) return done(State::error);
            if (c == ';') {
                m_phase = Phase::ext;
                ++i;
                break;
            }
            if (c == '\r') {
                m_phase = Phase::size_lf;
                ++i;
                break;
            }
            return done(State::error);  // white space, bare LF, garbage
        }
        case Phase::ext:
            if (c == '\r') m_phase = Phase::size_lf;
            else if (c == '\n' || c == '\0' || ++m_line > k_max_line) return done(State::error);
            ++i;
            break;
        case Phase::size_lf:
            if (c != '\n') return done(State::error);
            ++i;
            m_line = 0;
            m_digits = 0;
            if (m_left == 0) {
                m_phase = Phase::trailer;
                m_trailer_empty = true;
            } else {
                m_phase = Phase::data;
            }
            break;
        case Phase::data: {
            const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(m_left, in.size() - i));
            if (out) out->append(in.data() + i, n);
            i += n;
            m_left -= n;
            m_total += n;
            if (m_left == 0) m_phase = Phase::data_cr;
            break;
        }
        case Phase::data_cr:
            if (c != '\r') return done(State::error);
            m_phase = Phase::data_lf;
            ++i;
            break;
        case Phase::data_lf:
            if (c != '\n') return done(State::error);
            m_phase = Phase::size;
            ++i;
            break;
        case Phase::trailer:
            if (c == '\r') {
                m_phase = m_trailer_empty ? Phase::end_lf : Phase::trailer_lf;
            } else if (c == '\n' || c == '\0' || ++m_line > k_max_line) {
                return done(State::error);
            } else {
                m_trailer_empty = false;
            }
            ++i;
            break;
        case Phase::trailer_lf:
            if (c != '\n') return done(State::error);
            m_phase = Phase::trailer;
            m_trailer_empty = true;
            m_line = 0;
            ++i;
            break;
        case Phase::end_lf:
            if (c != '\n') return done(State::error);
            ++i;
            return done(State::done);
        }
    }
    return done(State::more);
}

std::string_view reason_phrase(int status) {
    switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 417: return "Expectation Failed";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
    }
}

namespace {
bool iequal(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}
}  // namespace

void Response::set(const std::string& name, const std::string& value) {
    std::erase_if(fields, [&](auto& f) { return iequal(f.first, name); });
    fields.emplace_back(name, value);
}

void Response::add(const std::string& name, const std::string& value) { fields.emplace_back(name, value); }

std::string Response::get(const std::string& name) const {
    for (auto& [k, v] : fields)
        if (iequal(k, name)) return v;
    return {};
}

std::string serialize(const Response& r, bool head_only, std::string_view date) {
    std::string out;
    out.reserve(256 + r.fields.size() * 48 + (head_only ? 0 : r.body.size()));
    out += "HTTP/1.1 ";
    out += std::to_string(r.status);
    out += ' ';
    out += reason_phrase(r.status);
    out += "\r\nDate: ";
    out += date;
    out += "\r\nServer: kopplingsdesken\r\n";
    for (auto& [k, v] : r.fields) {
        // Our own handlers build these; a CR or LF would split the response.
        if (k.find_first_of("\r\n:") != std::string::npos || v.find_first_of("\r\n") != std::string::npos) continue;
        out += k;
        out += ": ";
        out += v;
        out += "\r\n";
    }
    if (r.status >= 200 && r.status != 204 && r.status != 304) {
        out += "Content-Length: ";
        out += std::to_string(r.body.size());
        out += "\r\n";
    }
    if (r.close) out += "Connection: close\r\n";
    out += "\r\n";
    if (!head_only) out += r.body;
    return out;
}

std::string http_date_now() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return buf;
}

}  // namespace web::http
