#include "read/read.hpp"

#include "image/lept.hpp"
#include "read/signature.hpp"

#include <leptonica/allheaders.h>

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

namespace ocr {

double stroke_ink_percent(const core::GrayImage& crop) {
    if (crop.empty()) return 0;
    auto pix = image::to_pix(crop);
    image::PixPtr bin(pixThresholdToBinary(pix.get(), 140));
    if (!bin) return 0;
    // Specks (scanner dust, JPEG noise) are removed: keep components at least ~1 mm across.
    const double px_per_mm = (crop.dpi > 0 ? crop.dpi : 216) / 25.4;
    const l_int32 min_size = std::max(2, static_cast<int>(std::lround(px_per_mm)));
    image::PixPtr kept(pixSelectBySize(bin.get(), min_size, min_size, 8, L_SELECT_IF_EITHER, L_SELECT_IF_GTE, nullptr));
    if (!kept) return 0;
    l_int32 black = 0;
    pixCountPixels(kept.get(), &black, nullptr);
    return 100.0 * black / (static_cast<double>(crop.width) * crop.height);
}

core::GrayImage remove_specks(core::GrayImage& crop, double px_per_pt, double text_pt) {
    if (crop.empty()) return crop;
    // Light grey is paper, not ink: scanner noise and JPEG ringing go to white,
    // the dark strokes keep their grey edges.
    for (auto& p : crop.pixels)
        if (p > 170) p = 255;
    auto pix = image::to_pix(crop);
    image::PixPtr bin(pixThresholdToBinary(pix.get(), 150));
    if (!bin) return crop;
    Pixa* pixa = nullptr;
    Boxa* boxa = pixConnComp(bin.get(), &pixa, 8);
    if (!boxa) return crop;
    const double cap = 0.7 * text_pt * px_per_pt;  // cap height of typed text, in pixels
    const int big = std::max(3, static_cast<int>(0.3 * cap));
    // The band the writing occupies: the union of the components the size of letters.
    int x0 = crop.width, y0 = crop.height, x1 = -1, y1 = -1;
    const l_int32 n = boxaGetCount(boxa);
    for (l_int32 i = 0; i < n; ++i) {
        l_int32 x, y, w, h;
        boxaGetBoxGeometry(boxa, i, &x, &y, &w, &h);
        if (h >= big || w >= 2 * big) {
            x0 = std::min(x0, x); y0 = std::min(y0, y);
            x1 = std::max(x1, x + w); y1 = std::max(y1, y + h);
        }
    }
    if (x1 >= 0) {
        // Dots of i, å, ä, ö sit just above the letters; specks elsewhere are noise.
        const int mx = static_cast<int>(cap * 0.3), my = static_cast<int>(cap * 0.45);
        for (l_int32 i = 0; i < n; ++i) {
            l_int32 x, y, w, h;
            boxaGetBoxGeometry(boxa, i, &x, &y, &w, &h);
            if (h >= big || w >= 2 * big) continue;
            bool near_text = x + w >= x0 - mx && x <= x1 + mx && y + h >= y0 - my && y <= y1 + my;
            if (near_text && w * h > 2) continue;
            Pix* comp = pixaGetPix(pixa, i, L_CLONE);
            for (l_int32 yy = 0; yy < h; ++yy)
                for (l_int32 xx = 0; xx < w; ++xx) {
                    l_uint32 v = 0;
                    pixGetPixel(comp, xx, yy, &v);
                    if (v) crop.at(x + xx, y + yy) = 255;
                }
            pixDestroy(&comp);
        }
    }
    pixaDestroy(&pixa);
    boxaDestroy(&boxa);
    if (x1 < 0) return crop;
    // Only the writing and a margin: a long empty line makes the recogniser invent
    // characters at its end.
    const int m = static_cast<int>(cap * 0.8);
    int cx0 = std::max(0, x0 - m), cx1 = std::min(crop.width, x1 + m);
    int cy0 = std::max(0, y0 - m / 2), cy1 = std::min(crop.height, y1 + m / 2);
    core::GrayImage out;
    out.width = cx1 - cx0;
    out.height = cy1 - cy0;
    out.dpi = crop.dpi;
    out.pixels.resize(static_cast<size_t>(out.width) * static_cast<size_t>(out.height));
    for (int y = 0; y < out.height; ++y)
        for (int x = 0; x < out.width; ++x) out.at(x, y) = crop.at(cx0 + x, cy0 + y);
    return out;
}

namespace {

// The sampling of a second look: the page's own resolution when it is
// clearly finer than `px_per_pt`, else 1.4 times finer (resampled).
double finer_sampling(const core::Similarity& transform, double px_per_pt) {
    return transform.scale() > px_per_pt * 1.15 ? transform.scale() : px_per_pt * 1.4;
}

// A box's zone: taken `margin_pt` outside the printed box, the box lines then
// removed, so writing that touches the border is read whole.
core::GrayImage box_zone(const core::GrayImage& page, const core::Similarity& transform, const core::Rect& box,
                         double px_per_pt, double margin_pt) {
    auto crop = core::extract_zone(page, transform, box, px_per_pt, -margin_pt);
    remove_box_lines(crop, 0.6, (margin_pt + 3.0) * px_per_pt);
    return crop;
}

}  // namespace

ReadResult read_form(const core::GrayImage& page, const core::Similarity& transform, const core::FormTemplate& t,
                     OcrEngine& engine, const ReadOptions& options) {
    ReadResult r;
    const double px_per_pt = std::min(options.crop_px_per_pt, transform.scale());
    for (auto& f : t.fields) {
        auto crop = box_zone(page, transform, f.box, px_per_pt, options.zone_margin_pt);
        auto writing = remove_specks(crop, px_per_pt, t.value_size);
        core::FieldReading fr;
        fr.name = f.name;
        if (stroke_ink_percent(crop) < options.empty_ink_percent) {
            fr.empty = true;
            fr.confidence = 0;
        } else {
            auto text = engine.read_line(writing, f);
            // Nothing checks a date, or a place that is not a known place name,
            // against anything else: they are read twice, and two reads that
            // differ go to a person.
            const bool read_twice = std::find(options.read_twice_rules.begin(), options.read_twice_rules.end(),
                                              f.rule) != options.read_twice_rules.end() &&
                                    !(text.confidence >= options.retry_below && options.vouched_for &&
                                      options.vouched_for(f, text.text));
            if (text.confidence < options.retry_below || read_twice) {
                const double other = finer_sampling(transform, px_per_pt);
                auto second = box_zone(page, transform, f.box, other, options.zone_margin_pt);
                auto again = engine.read_line(remove_specks(second, other, t.value_size), f);
                // Two reads of different samplings that agree letter for letter are
                // evidence in their own right (Tesseract's LSTM confidences are poorly
                // calibrated on noisy, whitelisted single lines).
                if (again.text == text.text)
                    text.confidence = std::max({text.confidence, again.confidence,
                                                text.text.empty() ? 0.0 : options.agreement_confidence});
                else if (read_twice) text.confidence = 0;
                else if (again.confidence > text.confidence) text = {again.text, std::min(again.confidence, text.confidence)};
            }
            fr.text = text.text;
            fr.confidence = text.confidence;
            fr.empty = fr.text.empty();
        }
        r.reading.fields.push_back(std::move(fr));
        r.crops.emplace(f.name, std::move(crop));
    }
    // The signature box, judged as handwriting (the judge removes the box lines itself;
    // the crop kept for review shows them).
    const double sig_px_per_pt = std::min(options.signature_px_per_pt, transform.scale());
    auto sig = core::extract_zone(page, transform, t.signature, sig_px_per_pt, -options.zone_margin_pt);
    auto judged = judge_signature(sig, sig_px_per_pt, &engine);
    auto& s = r.reading.signature;
    s.ink_percent = judged.ink_percent;
    s.verdict = judged.verdict;
    s.evidence = std::move(judged.evidence);
    s.present = s.verdict == core::SignatureVerdict::handwriting;
    r.crops.emplace(t.signature_name, std::move(sig));
    return r;
}

core::GrayImage remove_dust(core::GrayImage crop) {
    if (crop.empty()) return crop;
    // The typical stroke: the commonest length of the runs of ink, across and down.
    std::vector<int> count(64, 0);
    auto tally = [&](int run) {
        if (run > 0) ++count[static_cast<std::size_t>(std::min(run, 63))];
    };
    auto tally_lines = [&](int lines, int length, auto ink_at) {
        for (int l = 0; l < lines; ++l) {
            int run = 0;
            for (int i = 0; i < length; ++i) {
                if (ink_at(l, i)) ++run;
                else tally(std::exchange(run, 0));
            }
            tally(run);
        }
    };
    tally_lines(crop.height, crop.width, [&](int y, int x) { return crop.at(x, y) < 150; });  // across
    tally_lines(crop.width, crop.height, [&](int x, int y) { return crop.at(x, y) < 150; });  // down
    const int stroke = static_cast<int>(std::max_element(count.begin() + 1, count.end() - 1) - count.begin());
    if (count[static_cast<std::size_t>(stroke)] == 0) return crop;
    const int k = stroke + 1;
    auto pix = image::to_pix(crop);
    image::PixPtr bin(pixThresholdToBinary(pix.get(), 150));
    if (!bin) return crop;
    // What a k×k square fits into is thicker than any stroke: a dot.
    image::PixPtr dots(pixOpenBrick(nullptr, bin.get(), k, k));
    if (!dots) return crop;
    for (int y = 0; y < crop.height; ++y)
        for (int x = 0; x < crop.width; ++x) {
            l_uint32 v = 0;
            pixGetPixel(dots.get(), x, y, &v);
            if (v) crop.at(x, y) = 255;
        }
    return crop;
}

std::vector<OcrText> reread_field(const core::GrayImage& page, const core::Similarity& transform,
                                  const core::FormTemplate& t, const core::FieldSpec& field, OcrEngine& engine,
                                  const ReadOptions& options, int max_reads) {
    const double base = std::min(options.crop_px_per_pt, transform.scale());
    const double finer = finer_sampling(transform, base);
    struct Variant {
        double px_per_pt, margin;
        bool dust;
    };
    // Dust on a letter is the commonest slip on a scan that is otherwise fine;
    // then other samplings, and a zone that ends at the box itself.
    const double m = options.zone_margin_pt;
    const Variant variants[] = {{base, m, true}, {finer, m, true}, {base * 0.75, m, false}, {base, m * 0.5, false}};
    std::vector<OcrText> out;
    for (auto& v : variants) {
        if (static_cast<int>(out.size()) >= max_reads) break;
        auto crop = box_zone(page, transform, field.box, v.px_per_pt, v.margin);
        if (stroke_ink_percent(crop) < options.empty_ink_percent) break;
        auto writing = remove_specks(crop, v.px_per_pt, t.value_size);
        out.push_back(engine.read_line(v.dust ? remove_dust(std::move(writing)) : writing, field));
    }
    return out;
}

}  // namespace ocr
