// remove_box_lines: the printed box lines out of a zone taken at (or just
// outside) the box, so the whole inside of the box is read.
#include "read/read.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace ocr {

int remove_box_lines(core::GrayImage& crop, double min_fraction, double edge_band_px) {
    if (crop.empty()) return 0;
    const int w = crop.width, h = crop.height;
    // Ink for this purpose includes the grey fringe a scan gives a printed line.
    constexpr int fringe = 220;
    // A printed line is thin: a band of marked rows (columns) thicker than this
    // is a filled area, not a line, and stays.
    const double px_per_pt = crop.dpi > 0 ? crop.dpi / 72.0 : 2.5;
    const int max_thickness = std::max(5, static_cast<int>(std::lround(2.0 * px_per_pt)));
    constexpr double dashed_fraction = 0.45;
    const int band = edge_band_px > 0 ? static_cast<int>(edge_band_px) : std::max(w, h);
    auto idx = [&](int x, int y) { return static_cast<std::size_t>(y) * static_cast<std::size_t>(w) + static_cast<std::size_t>(x); };
    // Runs along one direction: a gap of one pixel (a scan's dropout) is bridged,
    // a longer one ends the run. Letters never make runs this long: the gaps
    // between and inside letters are wider, and a letter is far shorter than
    // the box.
    auto scan = [&](int lines, int length, auto at, std::vector<std::uint8_t>& mark, auto set) {
        const int needed = std::max(8, static_cast<int>(min_fraction * length));
        for (int l = 0; l < lines; ++l) {
            if (l >= band && l < lines - band) continue;
            int start = -1, last_ink = -2;
            auto close = [&] {
                if (start >= 0 && last_ink - start + 1 >= needed)
                    for (int k = start; k <= last_ink; ++k) mark[set(l, k)] = 1;
            };
            for (int i = 0; i < length; ++i) {
                if (at(l, i) >= fringe) continue;
                if (start < 0 || i - last_ink > 2) {
                    close();
                    start = i;
                }
                last_ink = i;
            }
            close();
        }
    };
    // Marked runs across the lines' direction longer than a line is thick are unmarked.
    auto thin_only = [&](std::vector<std::uint8_t>& mark, int lines, int length, auto set) {
        for (int i = 0; i < length; ++i) {
            int run = 0;
            for (int l = 0; l <= lines; ++l) {
                if (l < lines && mark[set(l, i)]) {
                    ++run;
                    continue;
                }
                if (run > max_thickness)
                    for (int k = l - run; k < l; ++k) mark[set(k, i)] = 0;
                run = 0;
            }
        }
    };
    std::vector<std::uint8_t> rows(static_cast<std::size_t>(w) * static_cast<std::size_t>(h), 0), cols(rows);
    auto row_at = [&](int y, int x) { return idx(x, y); };
    auto col_at = [&](int x, int y) { return idx(x, y); };
    scan(h, w, [&](int y, int x) { return crop.at(x, y); }, rows, row_at);
    scan(w, h, [&](int x, int y) { return crop.at(x, y); }, cols, col_at);
    // A line that a coarse threshold (a 1-bit scan, a fax) broke into dashes
    // makes no long run, but near the edge it inks most of its row, in
    // several pieces spanning (nearly) the whole row; ink already taken as a
    // line the other way is not counted (so a letter's stem between the top
    // and bottom lines is one piece, not three). Rows first, then columns.
    auto dashed = [&](int lines, int length, auto at, std::vector<std::uint8_t>& mark, auto set) {
        if (edge_band_px <= 0) return;
        for (int l = 0; l < lines; ++l) {
            if (l >= band && l < lines - band) continue;
            int ink = 0, pieces = 0, first = -1, last = -2;
            auto counts = [&](int i) { return at(l, i) < fringe && !rows[set(l, i)] && !cols[set(l, i)]; };
            for (int i = 0; i < length; ++i) {
                if (!counts(i)) continue;
                ++ink;
                if (i != last + 1) ++pieces;
                if (first < 0) first = i;
                last = i;
            }
            if (ink >= dashed_fraction * length && pieces >= 3 && last - first + 1 >= 0.85 * length)
                for (int i = 0; i < length; ++i)
                    if (counts(i)) mark[set(l, i)] = 1;
        }
    };
    dashed(h, w, [&](int y, int x) { return crop.at(x, y); }, rows, row_at);
    dashed(w, h, [&](int x, int y) { return crop.at(x, y); }, cols, col_at);
    thin_only(rows, h, w, row_at);
    thin_only(cols, w, h, col_at);
    int whitened = 0;
    for (std::size_t i = 0; i < rows.size(); ++i)
        if (rows[i] || cols[i]) {
            crop.pixels[i] = 255;
            ++whitened;
        }
    return whitened;
}

}  // namespace ocr
