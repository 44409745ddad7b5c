// The signature judge: is what is in the signature box a handwritten
// signature? Ink alone is not: a mailroom stamp, a fold crease, a scanner
// streak, a filled rectangle or a line of printed text are ink too, and an
// unsigned form that holds one must never be accepted (SPEC §4, §7).
//
// The rule, on the box interior (crop taken just outside the box, the box
// lines removed, ink by a threshold relative to the box's own paper level so
// faint grey pen counts; what lies wholly in the crop's outer 3 pt is what is
// left of the box lines):
//   1. Ink is split into connected components. Set aside, each as what it is:
//      specks (under ~1 mm), straight lines (ink in a thin band along one
//      direction, long against its thickness, any angle; collinear pieces
//      together; "crossing" when they span the box), filled areas (fill
//      ratio ≥ 0.6 and ≥ 3 mm thick), rings and rectangular frames (stamp
//      borders), and printed glyphs: rows of glyph-sized components where
//      ≥ 4 share one height on one (fitted, so a turned stamp too) baseline.
//      Weaker evidence of print — 3-glyph rows, frames, rings, a wide
//      component with a flat top and bottom, and, before a box passes,
//      writing made of ≥ 3 glyph-sized pieces — is read by Tesseract (only
//      then: a box with a cursive signature is mostly never OCR'd).
//      Confident printed characters (≥ 4 with confidence ≥ 80, a stamp word
//      such as INKOM, MOTTAGEN, KOPIA, MAKULERAD, or six digits of a date)
//      mark that region as stamp, and the stamp spreads to glyph-sized ink
//      beside it of its height (the stamp's other words and lines).
//   2. What remains is judged together: it must look like handwriting — a
//      pen-width stroke (0.1–3 mm), enough stroke length (≥ 25 mm), an extent
//      of at least 12 × 3 mm, and strokes in several directions (≥ 4 of 8
//      orientation bins hold ≥ 3 % of the outline, none more than 75 %);
//      beside a stamp or printed text, one pen trace of ≥ 40 mm as well.
//      A stamp, crease or text beside it does not hide it: it is judged
//      without them.
//   3. Verdict:
//      handwriting — step 2 passes, no filled area is in the box (a blot
//                    or a black bar may be covering something: a person looks)
//                    and no stamp or printed text (a stamp's worn frame and
//                    letters can pass step 2: handwriting beside one is
//                    `unclear`, never `empty`);
//      empty       — nothing but specks (a few dust marks just over speck
//                    size included) and straight lines that cross the whole
//                    box (a crease, a streak: fully explained, nothing else
//                    there) → the form is unsigned;
//      unclear     — everything else: ink that is neither explained nor
//                    handwriting (a stamp, printed text, a frame, a blot, a
//                    short line, a small mark, too little or too uniform
//                    stroke) → a person looks.
// Risk argument: the only verdict that lets a form through is `handwriting`,
// and it needs positive evidence of handwriting in ink that is not a stamp,
// text, line or blot; every doubt goes to `unclear` (review), never to
// `handwriting`. `empty` is only given where the ink is fully explained by
// marks that no signature leaves, so a signed form rejected as unsigned
// needs a signature that is one straight line across the whole box.
// Known limit: a crease or stamp that touches the signature merges with it
// into one component; that component is judged as a whole (it may come out
// `unclear`, which is safe).
//
// Thread-safety: reentrant; the engine, when given, must belong to the caller's thread.
#pragma once

#include "core/image.hpp"
#include "core/reading.hpp"
#include "read/ocr_engine.hpp"

namespace ocr {

struct SignatureOptions {
    double speck_mm = 1.0;          // components smaller than this in both directions are specks
    double paper_margin = 45;       // ink: this much darker than the box's paper level
    double min_extent_mm = 12;      // handwriting: width of the union at least
    double min_height_mm = 3;       //   and height
    double min_stroke_mm = 25;      //   and stroke length
    double min_pen_mm = 0.1, max_pen_mm = 3.0;
    int min_orientations = 4;       //   orientation bins (of 8) holding ≥ 3 % of the outline
    double max_orientation_share = 0.75;
    double stamp_confidence = 80;   // OCR: printed characters this confident are evidence of a stamp
    int stamp_chars = 4;
};

struct SignatureJudgement {
    core::SignatureVerdict verdict = core::SignatureVerdict::empty;
    core::SignatureEvidence evidence;
    double ink_percent = 0;  // stroke_ink_percent of the box, lines removed
};

// `crop`: the signature zone, upright, taken at or just outside the printed
// box (its lines are removed here). `px_per_pt`: the crop's sampling.
// `engine`: reads text in candidate regions; null: no OCR (geometry only).
SignatureJudgement judge_signature(const core::GrayImage& crop, double px_per_pt, OcrEngine* engine,
                                   const SignatureOptions& options = {});

}  // namespace ocr
