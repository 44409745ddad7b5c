// OcrEngine: reads the text of one upright field crop. An interface so tests
// can pass a fake and the product the Tesseract engine.
//
// Thread-safety: an engine belongs to ONE worker thread (Tesseract engines
// are not thread-safe); make one per thread, initialised once.
#pragma once

#include "core/form_template.hpp"
#include "core/image.hpp"

#include <memory>
#include <string>

namespace ocr {

struct OcrText {
    std::string text;        // UTF-8, one line
    double confidence = 0;   // 0–100: the weakest word's confidence
};

class OcrEngine {
public:
    virtual ~OcrEngine() = default;
    // `crop`: the field zone, upright, box lines removed, white background.
    virtual OcrText read_line(const core::GrayImage& crop, const core::FieldSpec& field) = 0;
};

// Tesseract 5 (LSTM) with one Swedish and one English model, single-line
// mode, the field's whitelist. Throws std::runtime_error when a language
// model is not installed (a broken installation: tesseract-ocr-swe/-eng).
std::unique_ptr<OcrEngine> make_tesseract_engine();

}  // namespace ocr
