// libFuzzer target: the HTTP front's wire parsing (src/web/http_wire.hpp) —
// the bytes every client controls before any handler runs: the head
// scanner, the strict head parser and the chunked decoder, fed in random
// splits as a socket would deliver them. Any crash, sanitizer report or a
// broken promise checked below (a complete head inside the input, a decoder
// that consumes more than it was given, data longer than the chunks) is a
// finding.
#include "web/http_wire.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    web::http::HeadLimits limits;
    limits.max_head_bytes = 4096;
    const auto scan = web::http::scan_head(in, limits);
    if (scan.state != web::http::HeadScan::State::complete) return 0;
    if (scan.end > in.size() || scan.skip > scan.end) __builtin_trap();
    const auto parsed = web::http::parse_head(in.substr(scan.skip, scan.end - scan.skip), limits);
    if (!parsed.head) return 0;
    if (parsed.head->body != web::http::Head::Body::chunked) return 0;
    // The rest as a chunked body, in pieces of a size taken from the input.
    std::string_view rest = in.substr(scan.end);
    const std::size_t piece = rest.empty() ? 1 : 1 + static_cast<unsigned char>(rest.front()) % 17;
    web::http::ChunkedDecoder d;
    std::string out;
    std::size_t fed = 0;
    while (!rest.empty()) {
        const auto part = rest.substr(0, piece);
        std::size_t used = 0;
        const auto st = d.feed(part, used, &out);
        if (used > part.size()) __builtin_trap();
        fed += used;
        if (st != web::http::ChunkedDecoder::State::more) break;
        rest.remove_prefix(part.size());
    }
    if (out.size() > fed || out.size() != d.data_bytes()) __builtin_trap();
    return 0;
}
