#include "marks/marks.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <utility>

namespace marks {

namespace {

constexpr double k_pt_per_mm = 72.0 / 25.4;

std::size_t utf8_length(std::string_view s) {
    std::size_t n = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80) ++n;
    return n;
}

core::Rect grow(const core::Rect& r, double d) { return {r.x - d, r.y - d, r.w + 2 * d, r.h + 2 * d}; }

bool contains(const core::Rect& r, double x, double y) { return x >= r.x && x <= r.x + r.w && y >= r.y && y <= r.y + r.h; }

// Where a line of text may put ink: from a bit above the accents (Å) to the
// descenders, as wide as the string at a generous average glyph width (the
// template has no font metrics; DejaVu Sans averages about 0.55 em).
core::Rect text_rect(double x, double baseline, double size, bool bold, std::string_view text) {
    const double w = static_cast<double>(utf8_length(text)) * size * (bold ? 0.68 : 0.62);
    return {x, baseline - size * 1.05, w, size * 1.35};
}

core::Rect label_rect(const core::FormTemplate& t, const core::Rect& box, std::string_view label) {
    return text_rect(box.x, box.y - t.label_offset, t.label_size, false, label);
}

// The four sides of a box as zero-width rectangles (a 0.8 pt line).
std::array<core::Rect, 4> sides(const core::Rect& b) {
    return {core::Rect{b.x, b.y, b.w, 0}, core::Rect{b.x, b.y + b.h, b.w, 0}, core::Rect{b.x, b.y, 0, b.h},
            core::Rect{b.x + b.w, b.y, 0, b.h}};
}

// Everything the blank prints, undilated, except the marks.
std::vector<core::Rect> printed_content(const core::FormTemplate& t) {
    std::vector<core::Rect> out;
    out.push_back(t.qr);
    for (auto& tx : t.texts) out.push_back(text_rect(tx.x, tx.y, tx.size, tx.bold, tx.text));
    const auto& id = t.form_id_text;
    out.push_back(text_rect(id.x, id.y, id.size, id.bold, id.text.empty() ? "Blankett " + t.display_id() : id.text));
    auto box = [&](const core::Rect& b, std::string_view label) {
        out.push_back(label_rect(t, b, label));
        for (auto& s : sides(b)) out.push_back(s);
    };
    for (auto& f : t.fields) box(f.box, f.label);
    box(t.signature, t.signature_label);
    box(t.reference, t.reference_label);
    return out;
}

// A byte mask over the page pixels with rectangles in points.
struct Mask {
    int w = 0, h = 0;
    double s = 1;  // px per pt
    std::vector<std::uint8_t> m;
    Mask(int width, int height, double px_per_pt)
        : w(width), h(height), s(px_per_pt), m(static_cast<std::size_t>(width) * static_cast<std::size_t>(height), 0) {}
    // Pixels whose area meets the rectangle.
    void fill(const core::Rect& r, std::uint8_t v = 1) {
        const int x0 = std::max(0, static_cast<int>(std::floor(r.x * s)));
        const int y0 = std::max(0, static_cast<int>(std::floor(r.y * s)));
        const int x1 = std::min(w, static_cast<int>(std::ceil((r.x + r.w) * s)) + 1);
        const int y1 = std::min(h, static_cast<int>(std::ceil((r.y + r.h) * s)) + 1);
        for (int y = y0; y < y1; ++y) std::fill(&m[idx(x0, y)], &m[idx(x0, y)] + std::max(0, x1 - x0), v);
    }
    std::size_t idx(int x, int y) const { return static_cast<std::size_t>(y) * static_cast<std::size_t>(w) + static_cast<std::size_t>(x); }
};

// Pixel rectangle [x0, x1) × [y0, y1) of a point rectangle, clipped.
struct PxRect {
    int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    int w() const { return x1 - x0; }
    int h() const { return y1 - y0; }
};
PxRect to_px(const core::Rect& r, double s, int w, int h) {
    PxRect p;
    p.x0 = std::clamp(static_cast<int>(std::lround(r.x * s)), 0, w);
    p.y0 = std::clamp(static_cast<int>(std::lround(r.y * s)), 0, h);
    p.x1 = std::clamp(static_cast<int>(std::lround((r.x + r.w) * s)), 0, w);
    p.y1 = std::clamp(static_cast<int>(std::lround((r.y + r.h) * s)), 0, h);
    return p;
}

// The local paper level: per block of 16×16 pixels the 75th percentile,
// then the brightest block within two blocks each way (so a block inside a
// solid mark or a dense stamp takes its neighbours' paper). The ink
// threshold follows it, so an uneven scan or an edge shadow is not ink.
struct Paper {
    static constexpr int k_block = 16;
    int bw = 0, bh = 0;
    std::vector<std::uint8_t> threshold;  // per block
    std::vector<std::uint8_t> faint;      // per block: a gentler one, for thin straight strokes
    double median_level = 0;

    Paper(const core::GrayImage& page, double min_darkness) {
        bw = (page.width + k_block - 1) / k_block;
        bh = (page.height + k_block - 1) / k_block;
        std::vector<std::uint8_t> level(static_cast<std::size_t>(bw) * static_cast<std::size_t>(bh));
        std::array<int, 256> hist{};
        for (int by = 0; by < bh; ++by)
            for (int bx = 0; bx < bw; ++bx) {
                hist.fill(0);
                int n = 0;
                const int y1 = std::min(page.height, (by + 1) * k_block), x1 = std::min(page.width, (bx + 1) * k_block);
                for (int y = by * k_block; y < y1; ++y) {
                    const std::uint8_t* row = &page.pixels[static_cast<std::size_t>(y) * static_cast<std::size_t>(page.width)];
                    for (int x = bx * k_block; x < x1; ++x) ++hist[row[x]];
                    n += x1 - bx * k_block;
                }
                int want = n / 4, v = 255;  // 75th percentile from the bright end
                for (; v > 0; --v) {
                    want -= hist[static_cast<std::size_t>(v)];
                    if (want < 0) break;
                }
                level[static_cast<std::size_t>(by * bw + bx)] = static_cast<std::uint8_t>(v);
            }
        threshold.resize(level.size());
        faint.resize(level.size());
        std::vector<std::uint8_t> paper(level.size());
        for (int by = 0; by < bh; ++by)
            for (int bx = 0; bx < bw; ++bx) {
                std::uint8_t best = 0;
                for (int y = std::max(0, by - 2); y <= std::min(bh - 1, by + 2); ++y)
                    for (int x = std::max(0, bx - 2); x <= std::min(bw - 1, bx + 2); ++x)
                        best = std::max(best, level[static_cast<std::size_t>(y * bw + x)]);
                paper[static_cast<std::size_t>(by * bw + bx)] = best;
                const double t = best - std::max(min_darkness, 0.25 * best);
                threshold[static_cast<std::size_t>(by * bw + bx)] = static_cast<std::uint8_t>(std::clamp(t, 0.0, 255.0));
                const double tf = best - std::max(0.6 * min_darkness, 0.15 * best);
                faint[static_cast<std::size_t>(by * bw + bx)] = static_cast<std::uint8_t>(std::clamp(tf, 0.0, 255.0));
            }
        if (!paper.empty()) {
            std::nth_element(paper.begin(), paper.begin() + static_cast<std::ptrdiff_t>(paper.size() / 2), paper.end());
            median_level = paper[paper.size() / 2];
        }
    }
};

struct Component {
    int area = 0;
    int x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // inclusive bounds
    void add(const Component& o) {
        area += o.area;
        x0 = std::min(x0, o.x0);
        y0 = std::min(y0, o.y0);
        x1 = std::max(x1, o.x1);
        y1 = std::max(y1, o.y1);
    }
};

struct UnionFind {
    std::vector<int> parent;
    int make() {
        parent.push_back(static_cast<int>(parent.size()));
        return parent.back();
    }
    int find(int a) {
        while (parent[static_cast<std::size_t>(a)] != a) a = parent[static_cast<std::size_t>(a)] = parent[static_cast<std::size_t>(parent[static_cast<std::size_t>(a)])];
        return a;
    }
    void unite(int a, int b) {
        a = find(a), b = find(b);
        if (a != b) parent[static_cast<std::size_t>(std::max(a, b))] = std::min(a, b);
    }
};

// 8-connected components of the set pixels of `on` (w×h bytes) inside r,
// labelled by runs.
std::vector<Component> components(const std::vector<std::uint8_t>& on, int w, const PxRect& r) {
    struct Run {
        int x0, x1, label;
    };
    UnionFind uf;
    std::vector<Component> parts;
    std::vector<Run> prev, cur;
    for (int y = r.y0; y < r.y1; ++y) {
        cur.clear();
        const std::uint8_t* row = &on[static_cast<std::size_t>(y) * static_cast<std::size_t>(w)];
        std::size_t p = 0;
        for (int x = r.x0; x < r.x1;) {
            if (!row[x]) {
                ++x;
                continue;
            }
            const int start = x;
            while (x < r.x1 && row[x]) ++x;
            int label = -1;
            while (p < prev.size() && prev[p].x1 < start - 1) ++p;
            for (std::size_t q = p; q < prev.size() && prev[q].x0 <= x; ++q) {
                if (label < 0) label = uf.find(prev[q].label);
                else uf.unite(label, prev[q].label);
            }
            if (label < 0) {
                label = uf.make();
                parts.push_back({0, start, y, x - 1, y});
            }
            Component c{x - start, start, y, x - 1, y};
            parts[static_cast<std::size_t>(label)].add(c);
            cur.push_back({start, x - 1, label});
        }
        std::swap(prev, cur);
    }
    std::vector<Component> out;
    std::vector<int> slot(parts.size(), -1);
    for (std::size_t i = 0; i < parts.size(); ++i) {
        const int root = uf.find(static_cast<int>(i));
        if (slot[static_cast<std::size_t>(root)] < 0) {
            slot[static_cast<std::size_t>(root)] = static_cast<int>(out.size());
            out.push_back(parts[i]);
        } else {
            out[static_cast<std::size_t>(slot[static_cast<std::size_t>(root)])].add(parts[i]);
        }
    }
    return out;
}

core::Rect to_pt(const Component& c, double s) {
    return {c.x0 / s, c.y0 / s, (c.x1 + 1 - c.x0) / s, (c.y1 + 1 - c.y0) / s};
}

// The longest straight, nearly horizontal dark line inside r (pixels;
// slopes within what fits in the rectangle over `min_len`), allowing gaps
// of up to 3 pixels; dark within one pixel above or below counts.
int longest_line(const std::vector<std::uint8_t>& dark, int w, const PxRect& r, int min_len) {
    const int W = r.w(), H = r.h();
    if (W < min_len || H <= 0 || min_len <= 0) return 0;
    std::vector<std::pair<int, int>> ink;  // (dx, dy) of the dark pixels
    for (int y = r.y0; y < r.y1; ++y)
        for (int x = r.x0; x < r.x1; ++x)
            if (dark[static_cast<std::size_t>(y) * static_cast<std::size_t>(w) + static_cast<std::size_t>(x)]) ink.emplace_back(x - r.x0, y - r.y0);
    if (static_cast<int>(ink.size()) < min_len) return 0;
    // y = c + k·(x − x0)/W for a total rise k over the width; |k| ≤ H·W/min_len.
    const int kmax = H * W / min_len;
    const int cn = H + 2 * kmax + 2;  // intercepts, offset by kmax
    std::vector<std::uint8_t> hit(static_cast<std::size_t>(cn) * static_cast<std::size_t>(W));
    std::vector<int> count(static_cast<std::size_t>(cn));
    int best = 0;
    for (int k = -kmax; k <= kmax; k += 2) {
        std::fill(hit.begin(), hit.end(), 0);
        std::fill(count.begin(), count.end(), 0);
        for (auto [dx, dy] : ink) {
            const int c = static_cast<int>(std::lround(dy - static_cast<double>(k) * dx / W)) + kmax + 1;
            for (int cc = std::max(0, c - 1); cc <= std::min(cn - 1, c + 1); ++cc) {
                auto& h = hit[static_cast<std::size_t>(cc) * static_cast<std::size_t>(W) + static_cast<std::size_t>(dx)];
                if (!h) {
                    h = 1;
                    ++count[static_cast<std::size_t>(cc)];
                }
            }
        }
        for (int c = 0; c < cn; ++c) {
            if (count[static_cast<std::size_t>(c)] < min_len) continue;
            const std::uint8_t* row = &hit[static_cast<std::size_t>(c) * static_cast<std::size_t>(W)];
            int run = 0, gap = 0, start = -1;
            for (int x = 0; x < W; ++x) {
                if (row[x]) {
                    if (start < 0) start = x;
                    gap = 0;
                    run = x - start + 1;
                    best = std::max(best, run);
                } else if (start >= 0 && ++gap > 3) {
                    start = -1;
                    gap = 0;
                }
            }
        }
    }
    return best;
}

// Whether a dark stroke crosses the printed line at `at` (px, across the
// line's direction) from `reach` pixels before it to `reach` after it,
// starting near `along`: a connected path that may drift one pixel sideways
// per step. No value or label reaches across a box line that far; a stamp's
// frame or a line drawn over the form does.
bool crosses(const std::vector<std::uint8_t>& dark, int w, int h, bool horizontal_line, int along, int at, int reach) {
    auto is_dark = [&](int a, int c) {
        const int x = horizontal_line ? a : c, y = horizontal_line ? c : a;
        return x >= 0 && y >= 0 && x < w && y < h && dark[static_cast<std::size_t>(y) * static_cast<std::size_t>(w) + static_cast<std::size_t>(x)];
    };
    int lo = along, hi = along;
    if (!is_dark(along, at - reach)) return false;
    // A straight stroke within ±12° of square to the line drifts at most ~4 px
    // over the reach; no further, so it cannot walk over to a box's corner.
    constexpr int k_drift = 4;
    for (int c = at - reach + 1; c <= at + reach; ++c) {
        int nlo = std::max(lo - 1, along - k_drift), nhi = std::min(hi + 1, along + k_drift);
        while (nlo <= nhi && !is_dark(nlo, c)) ++nlo;
        while (nhi >= nlo && !is_dark(nhi, c)) --nhi;
        if (nlo > nhi || nhi - nlo > 12) return false;  // gone, or spread along the line (the line itself)
        lo = nlo, hi = nhi;
    }
    return true;
}

}  // namespace

double tolerance_for_residual(double residual_mm) {
    if (residual_mm < 0) return 2.0;
    return std::clamp(0.9 + residual_mm, 1.2, 2.0);
}

std::vector<std::uint8_t> expected_ink_mask(const core::FormTemplate& t, int width, int height, double px_per_pt,
                                            double tolerance_pt) {
    Mask m(width, height, px_per_pt);
    for (auto& mk : t.marks) m.fill(grow(mk.box, tolerance_pt));
    for (auto& r : printed_content(t)) m.fill(grow(r, tolerance_pt));
    return std::move(m.m);
}

Evidence find_unexplained(const core::GrayImage& page, double s, const core::FormTemplate& t,
                          const std::function<bool(std::string_view)>& field_has_value, const Options& o) {
    Evidence ev;
    if (page.empty() || s <= 0) return ev;
    const int w = page.width, h = page.height;
    const double tol = o.tolerance_mm * k_pt_per_mm;
    const double px_per_mm = s * k_pt_per_mm;
    const double mm2_per_px = 1.0 / (px_per_mm * px_per_mm);
    auto add_region = [&](core::Rect box, std::string_view kind, std::string near, double ink_mm2) {
        const double x0 = std::clamp(box.x, 0.0, t.page_width), y0 = std::clamp(box.y, 0.0, t.page_height);
        const double x1 = std::clamp(box.x + box.w, 0.0, t.page_width), y1 = std::clamp(box.y + box.h, 0.0, t.page_height);
        ev.regions.push_back({{x0, y0, x1 - x0, y1 - y0}, std::string(kind), std::move(near), ink_mm2});
    };

    // Ink: darker than the local paper by a margin.
    Paper paper(page, o.min_darkness);
    ev.paper_level = paper.median_level;
    // `faint`: thin pen lines come out light at ~100 dpi; they are looked for only as long straight strokes.
    std::vector<std::uint8_t> dark(page.pixels.size()), faint(page.pixels.size());
    for (int y = 0; y < h; ++y) {
        const std::size_t row = static_cast<std::size_t>(y) * static_cast<std::size_t>(w);
        const std::size_t block_row = static_cast<std::size_t>(y / Paper::k_block) * static_cast<std::size_t>(paper.bw);
        const std::uint8_t* thr = &paper.threshold[block_row];
        const std::uint8_t* thf = &paper.faint[block_row];
        for (int x = 0; x < w; ++x) {
            const std::uint8_t v = page.pixels[row + static_cast<std::size_t>(x)];
            dark[row + static_cast<std::size_t>(x)] = v < thr[x / Paper::k_block];
            faint[row + static_cast<std::size_t>(x)] = v < thf[x / Paper::k_block];
        }
    }

    // The frame: the rectangle spanned by the marks' outer edges, plus the margin.
    core::Rect frame{t.page_width, t.page_height, 0, 0};
    {
        double x1 = 0, y1 = 0;
        for (auto& mk : t.marks) {
            frame.x = std::min(frame.x, mk.box.x);
            frame.y = std::min(frame.y, mk.box.y);
            x1 = std::max(x1, mk.box.x + mk.box.w);
            y1 = std::max(y1, mk.box.y + mk.box.h);
        }
        frame.w = x1 - frame.x;
        frame.h = y1 - frame.y;
        frame = grow(frame, o.margin_mm * k_pt_per_mm);
    }
    // The printed content's bounding box: between it and the frame lies the edge band.
    const auto content_parts = printed_content(t);
    core::Rect content = content_parts.front();
    for (auto& r : content_parts) {
        const double x1 = std::max(content.x + content.w, r.x + r.w), y1 = std::max(content.y + content.h, r.y + r.h);
        content.x = std::min(content.x, r.x);
        content.y = std::min(content.y, r.y);
        content.w = x1 - content.x;
        content.h = y1 - content.y;
    }

    // Explained: expected ink, every box with a band around it (values,
    // handwriting touching the lines), the signature with a generous band,
    // and everything outside the frame.
    Mask explained(w, h, s);
    explained.m = expected_ink_mask(t, w, h, s, tol);
    for (auto& f : t.fields) explained.fill(grow(f.box, o.field_band_pt));
    explained.fill(grow(t.reference, o.field_band_pt));
    {
        const auto& b = t.signature;
        explained.fill({b.x - o.signature_band_pt, b.y - o.signature_band_top_pt, b.w + 2 * o.signature_band_pt,
                        b.h + o.signature_band_top_pt + o.signature_band_pt});
    }
    const PxRect fr = to_px(frame, s, w, h);
    std::vector<std::uint8_t> stray(page.pixels.size(), 0);
    for (int y = fr.y0; y < fr.y1; ++y)
        for (int x = fr.x0; x < fr.x1; ++x) {
            const std::size_t i = explained.idx(x, y);
            stray[i] = dark[i] && !explained.m[i];
        }

    // Stray ink: components without the specks, grouped into regions
    // (letters into words), each judged by its size and place.
    const double speck_px = o.speck_mm2 / mm2_per_px;
    std::vector<Component> parts;
    for (auto& c : components(stray, w, fr))
        if (c.area >= speck_px) parts.push_back(c);
    ev.stray_components = static_cast<int>(parts.size());
    {
        const int gap = static_cast<int>(std::ceil(o.group_gap_mm * px_per_mm));
        const int gap_x = static_cast<int>(std::ceil(o.group_gap_x_mm * px_per_mm));
        UnionFind uf;
        for (std::size_t i = 0; i < parts.size(); ++i) uf.make();
        for (std::size_t i = 0; i < parts.size(); ++i)
            for (std::size_t j = i + 1; j < parts.size(); ++j) {
                const auto &a = parts[i], &b = parts[j];
                if (a.x0 - gap_x <= b.x1 && b.x0 - gap_x <= a.x1 && a.y0 - gap <= b.y1 && b.y0 - gap <= a.y1)
                    uf.unite(static_cast<int>(i), static_cast<int>(j));
            }
        std::vector<Component> groups;
        std::vector<int> slot(parts.size(), -1);
        for (std::size_t i = 0; i < parts.size(); ++i) {
            const auto root = static_cast<std::size_t>(uf.find(static_cast<int>(i)));
            if (slot[root] < 0) {
                slot[root] = static_cast<int>(groups.size());
                groups.push_back(parts[i]);
            } else {
                groups[static_cast<std::size_t>(slot[root])].add(parts[i]);
            }
        }
        const int edge = 2;  // px: touching the frame
        for (auto& g : groups) {
            const double ink = g.area * mm2_per_px;
            const double gw = (g.x1 + 1 - g.x0) / px_per_mm, gh = (g.y1 + 1 - g.y0) / px_per_mm;
            const bool blot = ink >= o.min_region_mm2 && std::max(gw, gh) >= o.min_region_extent_mm;
            const bool line = ink >= o.min_line_mm2 && std::max(gw, gh) >= o.min_line_extent_mm;
            if (!blot && !line) continue;
            const core::Rect box = to_pt(g, s);
            if (!contains(content, box.cx(), box.cy())) {
                // The edge band: punches, staples, the scanner's edge shadow.
                if (std::max(gw, gh) <= o.band_compact_mm && ink <= o.band_compact_mm2) continue;
                const bool touches_side = g.x0 <= fr.x0 + edge || g.x1 >= fr.x1 - 1 - edge;
                const bool touches_end = g.y0 <= fr.y0 + edge || g.y1 >= fr.y1 - 1 - edge;
                if ((touches_side && gw <= o.edge_strip_mm) || (touches_end && gh <= o.edge_strip_mm)) continue;
            }
            add_region(box, kind_ink, "", ink);
        }
    }

    // Inside each field box: what its value cannot explain.
    for (auto& f : t.fields) {
        const PxRect in = to_px(grow(f.box, -tol), s, w, h);
        if (in.w() <= 0 || in.h() <= 0) continue;
        const bool has_value = field_has_value && field_has_value(f.name);
        const int min_len = static_cast<int>(std::lround(o.strike_share * f.box.w * s));
        if (longest_line(faint, w, in, min_len) >= min_len) {
            add_region(f.box, kind_strike, f.name, 0);
            continue;
        }
        // Ink share in box-high windows along the box.
        std::vector<int> col(static_cast<std::size_t>(in.w()), 0);
        for (int y = in.y0; y < in.y1; ++y)
            for (int x = in.x0; x < in.x1; ++x) col[static_cast<std::size_t>(x - in.x0)] += dark[explained.idx(x, y)];
        const int win = std::min(in.w(), std::max(4, in.h()));
        const int step = std::max(1, win / 2);
        double worst = 0;
        int worst_x = 0;
        for (int x = 0; x + win <= in.w(); x += step) {
            const int sum = std::accumulate(col.begin() + x, col.begin() + x + win, 0);
            const double share = static_cast<double>(sum) / (win * in.h());
            if (share > worst) worst = share, worst_x = x;
        }
        ev.densest_field = std::max(ev.densest_field, worst);
        const double whole = static_cast<double>(std::accumulate(col.begin(), col.end(), 0)) / (in.w() * in.h());
        if (whole > o.cover_share) {
            add_region(f.box, kind_cover, f.name, 0);
            continue;
        }
        if (worst > o.cover_window_share) {
            add_region({(in.x0 + worst_x) / s, in.y0 / s, win / s, in.h() / s}, kind_cover, f.name, 0);
            continue;
        }
        if (!has_value) {
            double ink = 0;
            for (auto& c : components(dark, w, in))
                if (c.area >= speck_px) ink += c.area * mm2_per_px;
            if (ink >= o.min_region_mm2) add_region(f.box, kind_empty_field, f.name, ink);
        }
    }

    // Strokes across a box line: a stamp's frame, a line drawn over the form.
    auto check_crossings = [&](const core::Rect& b, const std::string& near) {
        const int reach = static_cast<int>(std::ceil((tol + 2.0) * s));
        // Top and bottom only: a value starts a point or two from the left line
        // (and a speck beside it would join them), but stays clear of the others.
        for (auto& side : sides(b)) {
            const bool horizontal = side.h == 0;
            if (!horizontal) continue;
            const double len = horizontal ? side.w : side.h;
            const int at = static_cast<int>(std::lround((horizontal ? side.y : side.x) * s));
            const int from = static_cast<int>(std::lround(((horizontal ? side.x : side.y) + tol + 2.0) * s));
            const int to = static_cast<int>(std::lround(((horizontal ? side.x : side.y) + len - tol - 2.0) * s));
            for (int a = from; a <= to; ++a) {
                if (!crosses(faint, w, h, horizontal, a, at, reach)) continue;
                const double a_pt = a / s, at_pt = at / s, r_pt = reach / s;
                add_region(horizontal ? core::Rect{a_pt - r_pt, at_pt - r_pt, 2 * r_pt, 2 * r_pt}
                                      : core::Rect{at_pt - r_pt, a_pt - r_pt, 2 * r_pt, 2 * r_pt},
                           kind_ink, near, 0);
                return;
            }
        }
    };
    for (auto& f : t.fields) check_crossings(f.box, f.name);

    // White-out: a printed box line largely missing where the blank prints it.
    auto check_box = [&](const core::Rect& b, const std::string& near) {
        const int reach = std::max(1, static_cast<int>(std::ceil(tol * s)));
        for (auto& side : sides(b)) {
            const bool horizontal = side.h == 0;
            const double len = horizontal ? side.w : side.h;
            if (len < o.outline_min_side_pt) continue;
            // Samples along the side, away from the corners (where the other side's line is).
            const double from = tol, to = len - tol;
            int n = 0, found = 0, gap = 0, longest_gap = 0;
            for (double d = from; d <= to; d += 1.0 / s) {
                const double px = (horizontal ? side.x + d : side.x) * s, py = (horizontal ? side.y : side.y + d) * s;
                const int cx = static_cast<int>(std::lround(px)), cy = static_cast<int>(std::lround(py));
                bool hit = false;
                for (int k = -reach; k <= reach && !hit; ++k) {
                    const int x = horizontal ? cx : cx + k, y = horizontal ? cy + k : cy;
                    if (x >= 0 && y >= 0 && x < w && y < h) hit = dark[explained.idx(x, y)] != 0;
                }
                ++n;
                if (hit) {
                    ++found;
                    gap = 0;
                } else {
                    longest_gap = std::max(longest_gap, ++gap);
                }
            }
            if (n == 0) continue;
            if (found < o.outline_dark_share * n || longest_gap / s >= o.outline_gap_pt) {
                add_region(grow(side, tol), kind_whiteout, near, 0);
                return;  // one region per box is enough to send it to a person
            }
        }
    };
    for (auto& f : t.fields) check_box(f.box, f.name);
    check_box(t.signature, t.signature_name.empty() ? "signature" : t.signature_name);
    check_box(t.reference, "reference");

    // Regions of one kind close to each other are one thing to look at (the
    // letters of a stamped word cut apart by the boxes it crosses).
    auto& rs = ev.regions;
    for (bool merged = true; merged;) {
        merged = false;
        for (std::size_t i = 0; i < rs.size() && !merged; ++i)
            for (std::size_t j = i + 1; j < rs.size() && !merged; ++j) {
                const auto a = grow(rs[i].box, o.merge_gap_pt / 2), b = grow(rs[j].box, o.merge_gap_pt / 2);
                if (rs[i].kind != rs[j].kind || a.x > b.x + b.w || b.x > a.x + a.w || a.y > b.y + b.h || b.y > a.y + a.h)
                    continue;
                const double x0 = std::min(rs[i].box.x, rs[j].box.x), y0 = std::min(rs[i].box.y, rs[j].box.y);
                const double x1 = std::max(rs[i].box.x + rs[i].box.w, rs[j].box.x + rs[j].box.w);
                const double y1 = std::max(rs[i].box.y + rs[i].box.h, rs[j].box.y + rs[j].box.h);
                rs[i].box = {x0, y0, x1 - x0, y1 - y0};
                rs[i].ink_mm2 += rs[j].ink_mm2;
                if (rs[i].near != rs[j].near) rs[i].near.clear();
                rs.erase(rs.begin() + static_cast<std::ptrdiff_t>(j));
                merged = true;
            }
    }
    return ev;
}

}  // namespace marks
