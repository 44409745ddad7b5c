// raster_probe FILE [REPEAT]: opens FILE with raster::open_pages and prints,
// per page, its size, dpi, path (direct or rendered, and why) and the time
// taken (best of REPEAT runs). Used by bench/raster_bench.sh and by hand.
#include "raster/raster.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: raster_probe FILE [REPEAT]\n");
        return 2;
    }
    const int repeat = argc > 2 ? std::max(1, std::atoi(argv[2])) : 1;
    std::ifstream f(argv[1], std::ios::binary);
    const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(f)), {});
    auto src = raster::open_pages(bytes, {});
    if (!src) {
        std::printf("%s: %s\n", std::string(src.error().reason).c_str(), src.error().detail.c_str());
        return 1;
    }
    std::printf("pages %d born_digital %d fields %zu\n", (*src)->page_count(), (*src)->born_digital ? 1 : 0,
                (*src)->form_fields.size());
    for (auto& [k, v] : (*src)->form_fields) std::printf("  field %s = %s\n", k.c_str(), v.c_str());
    for (int i = 0; i < (*src)->page_count(); ++i) {
        double best = 1e30;
        std::expected<raster::Page, raster::RasterProblem> p;
        for (int r = 0; r < repeat; ++r) {
            auto fresh = raster::open_pages(bytes, {});  // a new source: no renderer kept from the last run
            auto t0 = std::chrono::steady_clock::now();
            p = (*fresh)->page(i);
            best = std::min(best, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
        }
        if (!p) {
            std::printf("page %d: %s: %s\n", i + 1, std::string(p.error().reason).c_str(), p.error().detail.c_str());
            continue;
        }
        const auto& g = p->image;
        std::printf("page %d: %dx%d dpi %.1f %s%s%s%s ms %.1f corner %d centre %d\n", i + 1, g.width, g.height, g.dpi,
                    p->rendered ? "rendered" : "direct", p->rendered ? " (" : "", p->render_reason.c_str(),
                    p->rendered ? ")" : "", best, g.at(g.width / 40, g.height / 40), g.at(g.width / 2, g.height / 2));
    }
    return 0;
}
