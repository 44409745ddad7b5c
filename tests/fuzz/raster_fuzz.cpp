// libFuzzer target: raster::rasterize on arbitrary bytes (PDF, TIFF, PNG, JPEG
// or anything else). The contract under test (raster.hpp): a hostile or broken
// file comes back as a RasterProblem value; no crash, no exception, no
// sanitizer report. Limits are small so each input decodes in milliseconds.
#include "raster/raster.hpp"

#include <cstddef>
#include <cstdint>
#include <span>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    raster::Limits limits;
    limits.max_bytes = 2u << 20;
    limits.max_pages = 3;
    limits.max_megapixels = 4;
    limits.max_pdf_objects = 2000;
    auto r = raster::rasterize(std::span<const std::uint8_t>(data, size), limits);
    if (r) {
        // Every page handed on must be a real image the next stage can read.
        for (const auto& page : r->pages)
            if (page.empty() || page.pixels.size() != static_cast<std::size_t>(page.width) * static_cast<std::size_t>(page.height) ||
                static_cast<double>(page.width) * page.height > limits.max_megapixels * 1e6)
                __builtin_trap();
        if (r->pages.size() > static_cast<std::size_t>(limits.max_pages)) __builtin_trap();
    } else if (r.error().reason.empty()) {
        __builtin_trap();  // a problem must carry a reason code
    }
    return 0;
}
