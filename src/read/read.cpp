#include "read/read.hpp"

#include "image/lept.hpp"

#include <leptonica/allheaders.h>

#include <algorithm>
#include <cmath>

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

ReadResult read_form(const core::GrayImage& page, const align::Similarity& transform, const core::FormTemplate& t,
                     OcrEngine& engine, const ReadOptions& options) {
    ReadResult r;
    const double px_per_pt = std::min(options.crop_px_per_pt, transform.scale());
    for (auto& f : t.fields) {
        auto crop = align::extract_zone(page, transform, f.box, px_per_pt, options.inset_pt);
        core::FieldReading fr;
        fr.name = f.name;
        if (stroke_ink_percent(crop) < options.empty_ink_percent) {
            fr.empty = true;
            fr.confidence = 0;
        } else {
            auto text = engine.read_line(crop, f);
            if (text.confidence < options.retry_below) {
                // The second look: the page's own resolution when it is finer, else a coarser one.
                double other = transform.scale() > px_per_pt * 1.15 ? transform.scale() : px_per_pt * 0.75;
                auto again = engine.read_line(align::extract_zone(page, transform, f.box, other, options.inset_pt), f);
                if (again.text == text.text) text.confidence = std::max(text.confidence, again.confidence);
                else if (again.confidence > text.confidence) text = {again.text, std::min(again.confidence, text.confidence)};
            }
            fr.text = text.text;
            fr.confidence = text.confidence;
            fr.empty = fr.text.empty();
        }
        r.reading.fields.push_back(std::move(fr));
        r.crops.emplace(f.name, std::move(crop));
    }
    auto sig = align::extract_zone(page, transform, t.signature, std::min(2.0, transform.scale()), options.inset_pt + 1.5);
    r.reading.signature.ink_percent = stroke_ink_percent(sig);
    r.reading.signature.present = r.reading.signature.ink_percent >= options.min_ink_percent;
    r.crops.emplace(t.signature_name, std::move(sig));
    return r;
}

}  // namespace ocr
