// The result of analysing one input file, before anything is stored: the
// forms found in it, each with its decision and the raw evidence behind it.
// Plain values, produced by a worker thread and consumed by the writer.
#pragma once

#include "core/image.hpp"
#include "core/outcome.hpp"
#include "core/reading.hpp"
#include "validate/validate.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace batch {

struct StageTimes {
    double decode_ms = 0, align_ms = 0, read_ms = 0, validate_ms = 0, total_ms = 0;
};

// A mark on the page that neither the blank nor the read values explain
// (marks::find_unexplained), in template points: outlined on the review page.
struct MarkRegion {
    double x = 0, y = 0, w = 0, h = 0;
    std::string kind;  // marks::kind_*: ink, strike, cover, ink_in_empty_field, whiteout; covered (raster: scan ink hidden in the PDF)
    std::string near;  // the field it concerns, or empty
};

struct FormResult {
    int form_index = 1;              // 1-based within the file
    std::optional<int> page;         // 1-based page of the file
    core::Outcome outcome = core::Outcome::review;
    std::vector<std::string> reasons;
    core::FormReading reading;
    std::vector<validate::Failure> failures;
    // Found on the page itself before validation (a filled PDF whose values
    // differ from what its page shows); added to `failures` by every validation.
    std::vector<validate::Failure> page_failures;
    std::map<std::string, std::string> values;  // normalised where valid
    std::optional<std::string> reference_code;
    std::optional<std::int64_t> bureau_id, client_id;
    double residual_mm = -1;
    int marks_found = 0;
    double rotation_deg = 0;
    std::optional<std::string> qr_text;
    std::vector<MarkRegion> unexplained;           // empty: nothing unexplained (or not looked at)
    double page_width_pt = 0, page_height_pt = 0;  // the template page the regions lie on
    std::map<std::string, core::GrayImage> crops;  // field → crop, until written to disk
    core::GrayImage page_preview;                  // reduced page image for review, likewise
    std::string crops_dir;                         // where they were written, relative to home
};

struct IgnoredPage {
    int page = 0;
    std::string kind;  // "blank" | "foreign"
    std::string note;
};

struct FileAnalysis {
    std::string container;
    int pages = 0;
    std::vector<FormResult> forms;  // empty when the whole file is rejected
    std::vector<IgnoredPage> ignored;
    // Whole-file rejection (corrupt, unsupported, not a form): reason and detail.
    std::optional<std::string> file_reason;
    std::string file_detail;
    StageTimes times;
    // Not a result: the file could not be finished for a reason outside it —
    // its evidence could not be written (EvidenceError: disk full …) or the
    // store could not be read (store::StoreError). The runner commits nothing
    // for it; it stays in work/ and is retried. Empty when analysed.
    std::string evidence_error;
    std::string store_error;
};

}  // namespace batch
