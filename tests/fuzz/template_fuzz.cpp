// libFuzzer target: core::FormTemplate::parse on arbitrary text. The contract
// under test (form_template.hpp): a bad template throws TemplateError naming
// the problem; any other exception, crash or sanitizer report is a finding.
#include "core/form_template.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view json(reinterpret_cast<const char*>(data), size);
    try {
        auto t = core::FormTemplate::parse(json);
        // A template that parsed must answer its own lookups.
        for (const auto& f : t.fields)
            if (t.field(f.name) == nullptr) __builtin_trap();
        (void)t.display_id();
        (void)core::qr_payload(t, 1, std::nullopt);
    } catch (const core::TemplateError&) {
    }
    return 0;
}
