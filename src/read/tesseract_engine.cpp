// The one wrapper around Tesseract's C++ API.
#include "image/lept.hpp"
#include "core/error.hpp"
#include "read/ocr_engine.hpp"

#include <leptonica/allheaders.h>
#include <tesseract/baseapi.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <utility>
#include <vector>

namespace ocr {

namespace {

struct TextDeleter {
    void operator()(char* p) const { delete[] p; }
};

class TesseractEngine final : public OcrEngine {
public:
    TesseractEngine() {
        init(m_swe, "swe");
        init(m_eng, "eng");
    }
    ~TesseractEngine() override {
        m_swe.End();
        m_eng.End();
    }

    OcrText read_line(const core::GrayImage& crop, const core::FieldSpec& field) override {
        tesseract::TessBaseAPI& api = field.ocr_lang == "swe" ? m_swe : m_eng;
        api.SetVariable("tessedit_char_whitelist", field.whitelist.c_str());
        auto pix = image::to_pix(crop);
        // Narrowed as the template says (linear interpolation, no sharpening):
        // fewer columns for the LSTM to step through.
        if (field.ocr_squeeze < 1.0 && pix) {
            image::PixPtr narrow(pixScaleGeneral(pix.get(), static_cast<l_float32>(field.ocr_squeeze), 1.0f, 0, 0));
            if (narrow) pix = std::move(narrow);
        }
        if (!pix) return {};
        // A white margin around the text helps the line finder.
        image::PixPtr padded(pixAddBorder(pix.get(), 12, 0xff));
        api.SetImage(padded.get());
        api.SetSourceResolution(static_cast<int>(crop.dpi > 0 ? crop.dpi : 300));
        OcrText out;
        if (api.Recognize(nullptr) != 0) return out;
        // Word by word: text and confidence of each.
        std::vector<std::pair<std::string, double>> words;
        std::unique_ptr<tesseract::ResultIterator> it(api.GetIterator());
        if (it) {
            do {
                std::unique_ptr<char, TextDeleter> w(it->GetUTF8Text(tesseract::RIL_WORD));
                if (w && *w) words.emplace_back(w.get(), static_cast<double>(it->Confidence(tesseract::RIL_WORD)));
            } while (it->Next(tesseract::RIL_WORD));
        }
        it.reset();
        api.Clear();
        // A lone '-', '.' or ',' at either end is a box edge or a speck read as
        // text, never part of a value: dropped, and its confidence with it.
        auto punctuation_only = [](const std::string& w) {
            return std::none_of(w.begin(), w.end(), [](char c) {
                return std::isalnum(static_cast<unsigned char>(c)) || (static_cast<unsigned char>(c) & 0x80);
            });
        };
        std::size_t first = 0, last = words.size();
        while (first < last && punctuation_only(words[first].first)) ++first;
        while (last > first && punctuation_only(words[last - 1].first)) --last;
        // The weakest word decides: one doubtful character is enough to doubt the field.
        double min_conf = 100;
        for (std::size_t i = first; i < last; ++i) {
            if (!out.text.empty()) out.text += ' ';
            out.text += words[i].first;
            min_conf = std::min(min_conf, words[i].second);
        }
        // A hyphen never begins or ends a value (it joins, as in Upplands-Bro or
        // 556012-5790): at either end it is a speck or a box edge.
        while (!out.text.empty() && (out.text.front() == '-' || out.text.front() == ' ')) out.text.erase(0, 1);
        while (!out.text.empty() && (out.text.back() == '-' || out.text.back() == ' ')) out.text.pop_back();
        out.confidence = first < last && !out.text.empty() ? std::max(0.0, min_conf) : 0;
        return out;
    }

private:
    static void init(tesseract::TessBaseAPI& api, const char* lang) {
        if (api.Init(nullptr, lang, tesseract::OEM_LSTM_ONLY) != 0)
            throw core::InstallError(std::string("Tesseract cannot load the '") + lang +
                                     "' model: install the Debian package tesseract-ocr-" + lang);
        api.SetPageSegMode(tesseract::PSM_SINGLE_LINE);
        api.SetVariable("debug_file", "/dev/null");
        api.SetVariable("load_system_dawg", "0");
        api.SetVariable("load_freq_dawg", "0");
        // Our forms are dark on light: skip Tesseract 5's second, inverted recognition
        // of every doubtful line (it nearly doubles the time of those lines).
        api.SetVariable("tessedit_do_invert", "0");
    }

    tesseract::TessBaseAPI m_swe;
    tesseract::TessBaseAPI m_eng;
};

}  // namespace

std::unique_ptr<OcrEngine> make_tesseract_engine() { return std::make_unique<TesseractEngine>(); }

}  // namespace ocr
