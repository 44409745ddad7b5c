// read: a registered page → one FormReading: each template field read by the
// OCR engine from its own zone (taken just outside the printed box, the box
// lines then removed, so text typed 1 pt from the border reads whole), and
// the signature judged as handwriting (read/signature.hpp). Also returns each
// field's crop for the review queue.
//
// Thread-safety: reentrant; the engine passed in must belong to the calling thread.
#pragma once

#include "core/similarity.hpp"
#include "core/form_template.hpp"
#include "core/image.hpp"
#include "core/reading.hpp"
#include "read/ocr_engine.hpp"

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace ocr {

struct ReadOptions {
    double crop_px_per_pt = 2.5;     // crops are resampled to at most this (180 dpi): 300-dpi forms read
                                     // as well as at 216 dpi (60/60, 540/540 values) and ~5 % faster
    double zone_margin_pt = 1.0;     // how far outside the printed box a zone reaches (its lines are
                                     // removed from the crop): registration error stays inside the crop
    double min_ink_percent = 0.4;    // no longer decides (the signature judge does); kept for the config key
    double signature_px_per_pt = 2.5;  // the signature box is judged at most at this sampling (180 dpi)
    double empty_ink_percent = 0.05; // a field zone below this is empty
    double retry_below = 80;         // a field read with less confidence is read again at another scale:
                                     // two reads that agree keep the better confidence, two that differ the worse
    double agreement_confidence = 85;  // the confidence two agreeing reads are worth at least
    // Fields (by template rule) that no other field or record cross-checks:
    // always read a second time at another sampling; if the two reads differ,
    // the field's confidence is 0 (a person decides), whatever each read claimed.
    std::vector<std::string> read_twice_rules{"place", "date"};
    // ...unless the first read, confident by itself, is vouched for by what
    // this says (the batch: a place read exactly as a known Swedish place
    // name). Empty: every such field is read twice.
    std::function<bool(const core::FieldSpec&, std::string_view text)> vouched_for;
};

struct ReadResult {
    core::FormReading reading;
    std::map<std::string, core::GrayImage> crops;  // field name (and "signature") → crop
};

ReadResult read_form(const core::GrayImage& page, const core::Similarity& transform, const core::FormTemplate& t,
                     OcrEngine& engine, const ReadOptions& options = {});

// More reads of one field, for a first read that failed a check (a check
// digit, a registry match): the same zone sampled differently — finer and
// coarser, and with a narrower margin around the box — each read afresh,
// each with the box lines removed like the first read.
// At most `max_reads`; empty when the zone holds no ink.
std::vector<OcrText> reread_field(const core::GrayImage& page, const core::Similarity& transform,
                                  const core::FormTemplate& t, const core::FieldSpec& field, OcrEngine& engine,
                                  const ReadOptions& options = {}, int max_reads = 3);

// Whitens light noise and specks that lie away from the writing (small
// components outside the band of letter-sized ones; dots of i, å, ä, ö stay)
// in `crop`, and returns the part of it that holds the writing, with a margin
// (the whole crop when nothing is written). `text_pt`: the form's typed text size.
core::GrayImage remove_specks(core::GrayImage& crop, double px_per_pt, double text_pt);

// Whitens dust in `crop`: dots of ink thicker than the typical stroke,
// also where they touch a letter (a dot at the foot of a 5 makes it a 9).
// Thins nothing else; a read of the result is a second opinion, not the first.
core::GrayImage remove_dust(core::GrayImage crop);

// Whitens the printed box lines in `crop` (a zone taken at or just outside
// its box, upright): every run of ink (grey fringe included, one-pixel gaps
// bridged) along a row at least `min_fraction` of the crop's width, and along
// a column at least `min_fraction` of its height, where such runs form a thin
// band (at most ~2 pt: a filled area is not a line). `edge_band_px` > 0: only
// rows and columns that near the crop's edges are looked at (where the box
// lines are). Letters survive, also where they touch a line (only the line's
// own pixels go). Returns the pixels whitened.
int remove_box_lines(core::GrayImage& crop, double min_fraction = 0.6, double edge_band_px = 0);

// Ink (0–100) of a crop: dark pixels in strokes, ignoring specks smaller than ~1 mm.
double stroke_ink_percent(const core::GrayImage& crop);

}  // namespace ocr
