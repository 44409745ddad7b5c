// What the read stage found on one form: each field's text and confidence,
// and the signature box's verdict with the evidence it rests on. Plain values; the evidence kept for every
// decision (SPEC §4.7) so thresholds can change and decisions be re-run.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace core {

struct FieldReading {
    std::string name;
    std::string text;         // as read (UTF-8), trimmed
    double confidence = 0;    // 0–100; 100 for values read from a born-digital form
    bool empty = false;       // no ink in the zone
};

// The signature judge's verdict (read/signature.hpp states the rule).
// not_judged: a reading rebuilt from stored evidence that predates the judge,
// or a born-digital form whose rendered page was not read.
enum class SignatureVerdict { not_judged, empty, unclear, handwriting };

inline const char* to_string(SignatureVerdict v) {
    switch (v) {
        case SignatureVerdict::empty: return "empty";
        case SignatureVerdict::unclear: return "unclear";
        case SignatureVerdict::handwriting: return "handwriting";
        case SignatureVerdict::not_judged: break;
    }
    return "not_judged";
}

// The inverse of to_string; not_judged for anything else (evidence stored before the judge).
inline SignatureVerdict parse_signature_verdict(const std::string& s) {
    if (s == "empty") return SignatureVerdict::empty;
    if (s == "unclear") return SignatureVerdict::unclear;
    if (s == "handwriting") return SignatureVerdict::handwriting;
    return SignatureVerdict::not_judged;
}

// What the judge saw in the box, for the log and the review page.
struct SignatureEvidence {
    int components = 0;            // ink components larger than specks
    int signature_components = 0;  // of those, judged as handwriting
    double stroke_mm = 0;          // their stroke length
    double extent_mm = 0;          // the width of their union
    double pen_mm = 0;             // their typical pen width
    int orientations = 0;          // distinct stroke orientations (of 8)
    int lines = 0;                 // straight lines (creases, streaks, rules)
    int lines_crossing = 0;        // of those, crossing the whole box
    int blobs = 0;                 // filled areas (rectangles, blots)
    int stamp_like = 0;            // printed glyphs, stamp frames and rings
    bool stamp_text = false;       // Tesseract read confident printed characters
    std::string ocr_text;          // what it read
    std::string why;               // one line: why this verdict
};

struct SignatureReading {
    double ink_percent = 0;   // 0–100 of the box (inside its lines), strokes only; kept as evidence
    bool present = false;     // verdict == handwriting (or, not judged: ink at or above the old threshold)
    SignatureVerdict verdict = SignatureVerdict::not_judged;
    SignatureEvidence evidence;
};

struct FormReading {
    std::vector<FieldReading> fields;
    SignatureReading signature;
    bool born_digital = false;
    bool digital_signature_value = false;  // born-digital: the signature field holds a value

    const FieldReading* field(const std::string& name) const {
        for (auto& f : fields)
            if (f.name == name) return &f;
        return nullptr;
    }
};

}  // namespace core
