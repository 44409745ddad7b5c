// Analyser: the only code that knows the stage order for one file —
// raster → (per page) align → read → validate → decide. One Analyser per
// worker thread: it owns that thread's OCR engine (initialised once) and its
// registry view.
//
// Thread-safety: not shared; each worker thread builds its own.
#pragma once

#include "batch/analysis.hpp"
#include "core/clock.hpp"
#include "core/form_template.hpp"
#include "core/rules.hpp"
#include "decide/decide.hpp"
#include "raster/raster.hpp"
#include "read/ocr_engine.hpp"
#include "read/read.hpp"
#include "validate/validate.hpp"

#include <map>
#include <memory>
#include <string_view>

namespace batch {

struct AnalysisSettings {
    raster::Limits limits;
    ocr::ReadOptions read;
    validate::Thresholds thresholds;
    decide::Limits decide;
    double preview_px_per_pt = 100.0 / 72.0;  // page preview for reviewers, ≈100 dpi
};

class Analyser {
public:
    Analyser(const core::FormTemplate& t, const core::Rules& rules, const core::Clock& clock,
             std::unique_ptr<ocr::OcrEngine> engine, std::unique_ptr<validate::RegistryView> registry,
             AnalysisSettings settings);

    // Never throws for a bad file: that is a FileAnalysis with file_reason.
    // Throws only for a broken environment (store unreachable).
    FileAnalysis analyse(std::string_view bytes);

private:
    // `digital`: the file's AcroForm values when the page is a filled PDF's rendered page.
    // `covered`: where the scan under a rendered page has ink hidden by what is drawn over it.
    FormResult analyse_page(const core::GrayImage& page, int page_no, FileAnalysis& file,
                            const raster::Raster* digital = nullptr,
                            const std::vector<std::array<double, 4>>& covered = {});
    FormResult analyse_born_digital(const raster::Raster& r, FileAnalysis& file);
    void find_unexplained_marks(FormResult& form) const;
    void confirm_typed_values(FormResult& form, const core::GrayImage& page, const core::Similarity& transform,
                              const std::map<std::string, std::string>& values);
    void validate_and_decide(FormResult& form, bool registered, bool from_qr_only);
    void reread_doubtful_fields(FormResult& form, const core::GrayImage& page, const core::Similarity& transform,
                                bool from_qr_only);

    const core::FormTemplate& m_template;
    const core::Rules& m_rules;
    const core::Clock& m_clock;
    std::unique_ptr<ocr::OcrEngine> m_engine;
    std::unique_ptr<validate::RegistryView> m_registry;
    AnalysisSettings m_settings;
};

}  // namespace batch
