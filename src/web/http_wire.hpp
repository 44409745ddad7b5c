// HTTP/1.1 on the wire (RFC 9112), strictly: the request head parser, the
// chunked body decoder and the response serializer of the server's front
// (http_front.hpp). Pure functions over bytes: no sockets, no clocks, so a
// test or a fuzzer can drive them directly.
//
// Strictness (issue 16, "request smuggling"): what two parsers could read
// differently is refused, never guessed — a bare LF or a NUL anywhere in the
// head or the chunk framing, obs-fold, white space before a field's colon,
// Content-Length together with Transfer-Encoding, more than one
// Content-Length or Transfer-Encoding field, a length that is not 1*DIGIT,
// a final coding that is not `chunked`, a missing or repeated Host on
// HTTP/1.1. A request with neither a length nor `chunked` has no body.
//
// Thread-safety: free functions are reentrant; a ChunkedDecoder belongs to
// one connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace web::http {

struct HeadLimits {
    std::size_t max_head_bytes = 64 * 1024;  // request line + fields + CRLFs
    std::size_t max_fields = 100;
    std::size_t max_name = 256;
    std::size_t max_value = 8192;
};

// A parsed request head. Field names are lower-cased; values trimmed of OWS.
struct Head {
    std::string method, target, version;  // version "HTTP/1.1" or "HTTP/1.0"
    std::vector<std::pair<std::string, std::string>> fields;
    enum class Body { none, length, chunked };
    Body body = Body::none;
    std::uint64_t content_length = 0;
    bool keep_alive = true;        // what the client asked for (Connection, version)
    bool expect_continue = false;  // Expect: 100-continue
    // The first value of a field (name lower-case), or nullptr.
    const std::string* get(std::string_view lower_name) const;
};

// Why a head was refused: the status to answer (400, 414, 417, 501, 505)
// and a short English reason for the log.
struct HeadError {
    int status = 400;
    std::string reason;
};

// Looks for the end of a head at the start of `buf` (leading empty lines,
// which RFC 9112 §2.2 lets a server skip, are counted in `skip`).
struct HeadScan {
    enum class State { incomplete, complete, error };
    State state = State::incomplete;
    std::size_t skip = 0;  // bytes of leading CRLFs before the request line
    std::size_t end = 0;   // complete: offset just past the blank line
    HeadError error;
};
// `resume`: bytes of `buf` already scanned by an earlier call that found the
// head incomplete (0 the first time); they are not looked at again, so a head
// that arrives a byte at a time costs linear, not quadratic, time.
HeadScan scan_head(std::string_view buf, const HeadLimits& limits, std::size_t resume = 0);

// Parses one complete head (as found by scan_head, without the skipped
// leading CRLFs, ending with CRLF CRLF). Either a Head or a HeadError.
struct HeadResult {
    std::optional<Head> head;
    HeadError error;
};
HeadResult parse_head(std::string_view head, const HeadLimits& limits);

// Decodes a chunked body incrementally (RFC 9112 §7.1). Chunk extensions are
// skipped, trailer fields read and dropped; CRLF is required everywhere.
class ChunkedDecoder {
public:
    enum class State { more, done, error };
    // Consumes bytes from `in` (as many as it can use, reported in
    // `consumed`); appends the data to `out` when it is not null.
    State feed(std::string_view in, std::size_t& consumed, std::string* out);
    std::uint64_t data_bytes() const { return m_total; }

private:
    enum class Phase { size, ext, size_lf, data, data_cr, data_lf, trailer, trailer_lf, end_lf };
    Phase m_phase = Phase::size;
    std::uint64_t m_left = 0;
    std::uint64_t m_total = 0;
    std::size_t m_line = 0;      // bytes of the current size/trailer line
    int m_digits = 0;
    bool m_trailer_empty = true;  // the current trailer line has no bytes yet
};

// The standard reason phrase of a status ("Not Found"); "Unknown" otherwise.
std::string_view reason_phrase(int status);

// A response ready to be written: status line, fields, Content-Length,
// Connection: close when `close`, blank line, and the body unless
// `head_only` (a HEAD request).
struct Response {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> fields;
    std::string body;
    bool close = false;
    // Replaces every field of that name (case-insensitive), or adds it.
    void set(const std::string& name, const std::string& value);
    // Adds a field (Set-Cookie may repeat).
    void add(const std::string& name, const std::string& value);
    // The first value of a field, or "".
    std::string get(const std::string& name) const;
};
std::string serialize(const Response& r, bool head_only, std::string_view date);

// The IMF-fixdate of now ("Wed, 02 Dec 2026 13:00:00 GMT").
std::string http_date_now();

}  // namespace web::http
