#include "align/align.hpp"

#include "image/lept.hpp"

#define ZX_USE_UTF8
#include <ZXing/ReadBarcode.h>
#include <leptonica/allheaders.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>

namespace align {

Similarity Alignment::reduced_transform() const {
    // A reduced pixel covers `reduction` page pixels each way: page coordinates / reduction.
    const double f = reduction > 1 && !reduced.empty() ? reduction : 1.0;
    return {transform.a / f, transform.b / f, transform.tx / f, transform.ty / f};
}

namespace {

constexpr double k_pt_to_mm = 25.4 / 72.0;

struct Candidate {
    double cx = 0, cy = 0;  // centroid, full-resolution pixels
    double side = 0;        // sqrt(pixel count), full-resolution pixels
};

struct Fit {
    Similarity s;
    double rms_px = 1e18;
    int n = 0;
};

Fit fit_similarity(const std::vector<std::pair<std::array<double, 2>, std::array<double, 2>>>& pairs) {
    Fit f;
    f.n = static_cast<int>(pairs.size());
    if (pairs.size() < 2) return f;
    double mpx = 0, mpy = 0, mqx = 0, mqy = 0;
    for (auto& [p, q] : pairs) {
        mpx += p[0]; mpy += p[1]; mqx += q[0]; mqy += q[1];
    }
    double n = static_cast<double>(pairs.size());
    mpx /= n; mpy /= n; mqx /= n; mqy /= n;
    double sa = 0, sb = 0, sp = 0;
    for (auto& [p, q] : pairs) {
        double px = p[0] - mpx, py = p[1] - mpy, qx = q[0] - mqx, qy = q[1] - mqy;
        sa += px * qx + py * qy;
        sb += px * qy - py * qx;
        sp += px * px + py * py;
    }
    if (sp <= 0) return f;
    f.s.a = sa / sp;
    f.s.b = sb / sp;
    f.s.tx = mqx - f.s.a * mpx + f.s.b * mpy;
    f.s.ty = mqy - f.s.b * mpx - f.s.a * mpy;
    double err = 0;
    for (auto& [p, q] : pairs) {
        double ox, oy;
        f.s.apply(p[0], p[1], ox, oy);
        err += (ox - q[0]) * (ox - q[0]) + (oy - q[1]) * (oy - q[1]);
    }
    f.rms_px = std::sqrt(err / n);
    return f;
}

// Dark connected components that look like solid squares of a mark's size.
std::vector<Candidate> find_candidates(Pix* bin, double factor, double px_per_pt_small, double& ink_percent) {
    std::vector<Candidate> out;
    l_int32 black = 0;
    pixCountPixels(bin, &black, nullptr);
    ink_percent = 100.0 * black / (static_cast<double>(pixGetWidth(bin)) * pixGetHeight(bin));
    Pixa* pixa = nullptr;
    Boxa* boxa = pixConnComp(bin, &pixa, 8);
    if (!boxa) return out;
    const double min_side = 15.0 * px_per_pt_small, max_side = 45.0 * px_per_pt_small;
    l_int32 n = boxaGetCount(boxa);
    for (l_int32 i = 0; i < n; ++i) {
        l_int32 x, y, w, h;
        boxaGetBoxGeometry(boxa, i, &x, &y, &w, &h);
        if (w < min_side || h < min_side || w > max_side * 1.5 || h > max_side * 1.5) continue;
        double aspect = static_cast<double>(w) / h;
        if (aspect < 0.7 || aspect > 1.43) continue;
        Pix* comp = pixaGetPix(pixa, i, L_CLONE);
        l_int32 count = 0;
        pixCountPixels(comp, &count, nullptr);
        double fill = count / (static_cast<double>(w) * h);
        l_float32 cx = 0, cy = 0;
        pixCentroid(comp, nullptr, nullptr, &cx, &cy);
        pixDestroy(&comp);
        double side = std::sqrt(static_cast<double>(count));
        if (fill < 0.7 || side < min_side || side > max_side) continue;
        out.push_back({(x + cx + 0.5) * factor, (y + cy + 0.5) * factor, side * factor});
    }
    pixaDestroy(&pixa);
    boxaDestroy(&boxa);
    return out;
}

std::optional<std::string> decode_qr(const core::GrayImage& img, bool whole_page, std::array<double, 8>* corners) {
    ZXing::ImageView view(img.pixels.data(), img.width, img.height, ZXing::ImageFormat::Lum);
    ZXing::DecodeHints hints;
    hints.setFormats(ZXing::BarcodeFormat::QRCode);
    hints.setTryRotate(true);
    hints.setTryHarder(whole_page);
    auto r = ZXing::ReadBarcode(view, hints);
    if (!r.isValid()) return std::nullopt;
    if (corners) {
        auto& p = r.position();
        (*corners)[0] = p.topLeft().x; (*corners)[1] = p.topLeft().y;
        (*corners)[2] = p.topRight().x; (*corners)[3] = p.topRight().y;
        (*corners)[4] = p.bottomRight().x; (*corners)[5] = p.bottomRight().y;
        (*corners)[6] = p.bottomLeft().x; (*corners)[7] = p.bottomLeft().y;
    }
    return r.text();
}


// The mean of each f×f block (the last row and column of blocks may be
// partial): the page at 1/f of its resolution, straight from the grey pixels.
core::GrayImage reduce_by(const core::GrayImage& page, int f) {
    core::GrayImage out;
    out.width = (page.width + f - 1) / f;
    out.height = (page.height + f - 1) / f;
    out.dpi = page.dpi / f;
    out.pixels.resize(static_cast<size_t>(out.width) * static_cast<size_t>(out.height));
    std::vector<std::uint32_t> sums(static_cast<size_t>(out.width));
    for (int oy = 0; oy < out.height; ++oy) {
        std::fill(sums.begin(), sums.end(), 0u);
        const int y0 = oy * f, y1 = std::min(page.height, y0 + f);
        for (int y = y0; y < y1; ++y) {
            const std::uint8_t* row = &page.pixels[static_cast<size_t>(y) * static_cast<size_t>(page.width)];
            for (int ox = 0, x = 0; ox < out.width; ++ox) {
                std::uint32_t sum = 0;
                for (const int end = std::min(page.width, x + f); x < end; ++x) sum += row[x];
                sums[static_cast<size_t>(ox)] += sum;
            }
        }
        for (int ox = 0; ox < out.width; ++ox) {
            const int n = (std::min(page.width, (ox + 1) * f) - ox * f) * (y1 - y0);
            out.pixels[static_cast<size_t>(oy) * static_cast<size_t>(out.width) + static_cast<size_t>(ox)] =
                static_cast<std::uint8_t>((sums[static_cast<size_t>(ox)] + static_cast<std::uint32_t>(n / 2)) /
                                          static_cast<std::uint32_t>(n));
        }
    }
    return out;
}

}  // namespace

Alignment align_page(const core::GrayImage& page, const core::FormTemplate& t, const AlignOptions& options) {
    image::quiet_leptonica();
    Alignment al;
    if (page.width < 50 || page.height < 50) {
        al.kind = PageKind::blank;
        al.note = "page has almost no pixels";
        return al;
    }
    // Pixels per point from the page size (a full A4 scan in either orientation).
    const double long_side = std::max(page.width, page.height);
    double scale = long_side / t.page_height;
    if (page.dpi >= 75 && page.dpi <= 1200) {
        double declared = page.dpi / 72.0;
        if (std::abs(declared - scale) / scale < 0.15) scale = declared;
    }
    // Work on a copy reduced to about 100 dpi: marks are large, noise is small.
    const double factor = std::max(1.0, std::floor(scale / (100.0 / 72.0)));
    const int reduction = static_cast<int>(factor);
    if (reduction > 1) {
        al.reduced = reduce_by(page, reduction);
        al.reduction = reduction;
    }
    image::PixPtr small(image::to_pix(reduction > 1 ? al.reduced : page));
    if (!small) {
        al.note = "page could not be reduced";
        return al;
    }
    image::PixPtr bin(pixThresholdToBinary(small.get(), 128));
    if (!bin) {
        al.note = "page could not be binarised";
        return al;
    }
    auto cands = find_candidates(bin.get(), factor, scale / factor, al.ink_percent);

    const double big_side = t.mark("tl")->box.w * scale, small_side = t.mark("br")->box.w * scale;
    const double split = (big_side + small_side) / 2;
    std::vector<Candidate> big, small_marks;
    for (auto& c : cands) {
        if (c.side > split && c.side < big_side * 1.3) big.push_back(c);
        else if (c.side >= small_side * 0.7 && c.side <= split) small_marks.push_back(c);
    }
    // The search below tries every assignment, so the candidates are capped. Marks sit
    // near the page's corners in every orientation: keep those nearest a corner, not
    // the first in scan order (which dropped the bottom marks behind a few blots above them).
    auto keep_nearest_corners = [&](std::vector<Candidate>& v, size_t keep) {
        if (v.size() <= keep) return;
        auto corner_distance = [&](const Candidate& c) {
            return std::hypot(std::min(c.cx, page.width - c.cx), std::min(c.cy, page.height - c.cy));
        };
        std::stable_sort(v.begin(), v.end(),
                         [&](const Candidate& l, const Candidate& r) { return corner_distance(l) < corner_distance(r); });
        v.resize(keep);
    };
    keep_nearest_corners(big, 4);
    keep_nearest_corners(small_marks, 8);

    auto centre = [&](const char* id) {
        auto& b = t.mark(id)->box;
        return std::array<double, 2>{b.cx(), b.cy()};
    };
    const std::array<const char*, 3> small_ids{"tr", "bl", "br"};
    Fit best;
    // Try each big candidate (or none) with each assignment of up to three small ones.
    std::vector<int> big_choices{-1};
    for (int i = 0; i < static_cast<int>(big.size()); ++i) big_choices.push_back(i);
    const int ns = static_cast<int>(small_marks.size());
    for (int bi : big_choices) {
        // Each of tr, bl, br gets a small candidate index or -1 (missing).
        for (int i0 = -1; i0 < ns; ++i0)
            for (int i1 = -1; i1 < ns; ++i1)
                for (int i2 = -1; i2 < ns; ++i2) {
                    std::array<int, 3> idx{i0, i1, i2};
                    if ((i0 >= 0 && (i0 == i1 || i0 == i2)) || (i1 >= 0 && i1 == i2)) continue;
                    std::vector<std::pair<std::array<double, 2>, std::array<double, 2>>> pairs;
                    if (bi >= 0) pairs.push_back({centre("tl"), {big[static_cast<size_t>(bi)].cx, big[static_cast<size_t>(bi)].cy}});
                    for (int k = 0; k < 3; ++k)
                        if (idx[static_cast<size_t>(k)] >= 0) {
                            auto& c = small_marks[static_cast<size_t>(idx[static_cast<size_t>(k)])];
                            pairs.push_back({centre(small_ids[static_cast<size_t>(k)]), {c.cx, c.cy}});
                        }
                    if (pairs.size() < 3) continue;
                    Fit f = fit_similarity(pairs);
                    // The fitted scale must agree with the page size (±12 %).
                    if (std::abs(f.s.scale() - scale) / scale > 0.12) continue;
                    // More marks beat fewer; among equals, the smaller residual.
                    if (f.n > best.n || (f.n == best.n && f.rms_px < best.rms_px)) best = f;
                }
    }
    // A fit whose residual is enormous is a coincidence of blobs, not the form.
    const double max_rms_px = 6.0 / k_pt_to_mm * scale;  // 6 mm
    if (best.n >= 3 && best.rms_px < max_rms_px) {
        al.registered = true;
        al.transform = best.s;
        al.marks_found = best.n;
        al.residual_mm = best.rms_px / best.s.scale() * k_pt_to_mm;
        // QR from its zone only: upright at 3 px/pt.
        core::Rect qz = t.qr;
        auto crop = extract_zone(page, al.transform, {qz.x - 8, qz.y - 8, qz.w + 16, qz.h + 16}, 3.0, 0);
        al.qr_text = decode_qr(crop, false, nullptr);
        al.kind = PageKind::form;
        return al;
    }
    // Fallback: the QR code anywhere on the page gives a (coarser) transform.
    std::array<double, 8> corners{};
    // Leptonica's area map here, not the block mean above: zxing's corner
    // estimates on it are about four times closer (a rare path: two marks gone).
    auto full = image::to_pix(page);
    image::PixPtr qr_scaled(factor > 1 ? pixScaleAreaMap(full.get(), static_cast<float>(1.0 / factor),
                                                         static_cast<float>(1.0 / factor))
                                       : pixClone(full.get()));
    if (!qr_scaled) {
        al.note = "page could not be reduced";
        return al;
    }
    auto qr_img = image::to_gray(qr_scaled.get());
    if (auto text = decode_qr(qr_img, true, &corners); text && text->rfind("LINKAGE-FORM|", 0) == 0) {
        // The template's QR zone holds the symbol centred inside a quiet zone of four
        // modules on each side (forms/form_pdf.cpp), and zxing reports the symbol's own
        // corners: the zone's corners would make the fit about a fifth too small. The
        // symbol's size in modules (17 + 4·version) follows from its size on the page.
        auto& q = t.qr;
        double side_px = 0;
        for (int k = 0; k < 4; ++k) {
            const int j = (k + 1) % 4;
            side_px += std::hypot(corners[2 * j] - corners[2 * k], corners[2 * j + 1] - corners[2 * k + 1]) * factor / 4;
        }
        const double zone_pt = std::min(q.w, q.h);
        const double ratio = std::clamp(side_px / (scale * zone_pt), 0.1, 0.99);  // symbol / zone
        const double version = std::clamp(std::round((8 * ratio / (1 - ratio) - 17) / 4), 1.0, 40.0);
        const double modules = 17 + 4 * version;
        const double symbol_pt = zone_pt * modules / (modules + 8);
        const double sx = q.x + (q.w - symbol_pt) / 2, sy = q.y + (q.h - symbol_pt) / 2;
        std::vector<std::pair<std::array<double, 2>, std::array<double, 2>>> pairs{
            {{sx, sy}, {corners[0] * factor, corners[1] * factor}},
            {{sx + symbol_pt, sy}, {corners[2] * factor, corners[3] * factor}},
            {{sx + symbol_pt, sy + symbol_pt}, {corners[4] * factor, corners[5] * factor}},
            {{sx, sy + symbol_pt}, {corners[6] * factor, corners[7] * factor}},
        };
        Fit f = fit_similarity(pairs);
        al.qr_text = text;
        al.kind = PageKind::form;
        if (std::abs(f.s.scale() - scale) / scale < 0.25) {
            al.registered = true;
            al.from_qr_only = true;
            al.transform = f.s;
        }
        al.marks_found = best.n;
        al.note = "fewer than three registration marks found; position taken from the QR code";
        return al;
    }
    if (al.ink_percent < options.blank_ink_percent) {
        al.kind = PageKind::blank;
        al.note = "blank page";
    } else {
        al.kind = PageKind::foreign;
        al.note = "no registration marks and no form QR code: not a page of the linkage form";
    }
    return al;
}

}  // namespace align
