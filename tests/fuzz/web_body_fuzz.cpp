// libFuzzer target: the web endpoint's request body parsing.
//  * web::parse_urlencoded (src/web/app.hpp), used for every form POST
//    (/login, /approve/TOKEN, /clients/link);
//  * the JSON body of POST /api/v1/linkage-requests. handle_api_request
//    (src/web/api.cpp) parses it inline, not in a separable function, so this
//    target repeats its exact steps on Poco::JSON: parse, extract an Object,
//    require a string "client". Poco exceptions are the handler's 400; any
//    other exception, crash or sanitizer report is a finding.
// The first input byte chooses the parser so one corpus covers both.
#include "web/app.hpp"

#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>

namespace {

void urlencoded(const std::string& body) {
    auto fields = web::parse_urlencoded(body);
    // Decoding only shrinks text, and each field comes from a non-empty pair.
    std::size_t total = 0;
    for (const auto& [k, v] : fields) total += k.size() + v.size();
    if (total > body.size()) __builtin_trap();
}

void json_client(const std::string& body) {
    try {
        Poco::JSON::Parser parser;
        auto v = parser.parse(body);
        auto obj = v.extract<Poco::JSON::Object::Ptr>();
        if (!obj || !obj->has("client") || !obj->get("client").isString()) return;  // 400 in the handler
        auto client = obj->getValue<std::string>("client");
        (void)client;
    } catch (const Poco::Exception&) {
    } catch (const std::exception&) {
        // The handler answers these with 400 too (Poco::BadCastException
        // derives from Poco::Exception; std::bad_cast etc. land here).
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);
    if (data[0] & 1)
        json_client(body);
    else
        urlencoded(body);
    return 0;
}
