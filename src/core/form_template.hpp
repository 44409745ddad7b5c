// FormTemplate: the linkage form's layout, loaded from
// templates/linkage-form.v<N>.json — the only place where coordinates live.
// The PDF generator (forms) and the scan reader (align, read) both use it.
//
// Units: PDF points on A4, origin TOP-LEFT, y downwards. A scan at D dpi maps
// a point p to p * D / 72 pixels. Thread-safety: immutable value.
#pragma once

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace core {

// The form template (templates/, shipped) is missing or malformed: a broken installation.
class TemplateError : public Error {
public:
    explicit TemplateError(const std::string& what) : Error(ErrorKind::install, what) {}
};

struct Rect {
    double x = 0, y = 0, w = 0, h = 0;
    double cx() const { return x + w / 2; }
    double cy() const { return y + h / 2; }
};

struct Mark {
    std::string id;  // "tl", "tr", "bl", "br"
    Rect box;
};

struct TextBlock {
    double x = 0, y = 0;  // baseline start
    double size = 10;
    bool bold = false;
    std::string text;  // UTF-8, Swedish
};

struct FieldSpec {
    std::string name;   // AcroForm field name (SPEC §4.1), e.g. "client_orgnr"
    std::string label;  // Swedish label printed above the box
    Rect box;
    std::string whitelist;  // UTF-8 characters OCR may return
    int max_length = 0;
    std::string rule;      // "name", "orgnr", "subscription", "person_name", "email", "place", "date"
    bool required = true;
    std::string ocr_lang;  // tesseract language: "swe" or "eng"
    // The field's line is read narrowed to this share of its width (0.5–1;
    // template key "ocr_squeeze", default 1). The recogniser's time grows with
    // the line's width at its fixed input height: 0.75 takes a quarter off.
    double ocr_squeeze = 1.0;
};

struct FormTemplate {
    std::string form_id;  // e.g. "KOPPLING"
    int version = 0;
    double page_width = 0, page_height = 0;
    std::vector<Mark> marks;  // exactly four: tl, tr, bl, br
    Rect qr;
    TextBlock form_id_text;  // where the human-readable form id is printed
    std::vector<TextBlock> texts;
    std::vector<FieldSpec> fields;
    std::string signature_name;  // "signature"
    std::string signature_label;
    Rect signature;
    std::string reference_label;
    Rect reference;
    double label_offset = 4;  // label baseline above the box's top edge
    double label_size = 8;
    double value_size = 12;

    const FieldSpec* field(std::string_view name) const;
    const Mark* mark(std::string_view id) const;
    // "KOPPLING v1"
    std::string display_id() const;

    // Parses and checks (four marks inside the page with a >= 10 mm margin and
    // >= 8 mm size, the eleven SPEC field names present, boxes inside the page).
    // Throws TemplateError naming the problem.
    static FormTemplate parse(std::string_view json);
    static FormTemplate load(const std::filesystem::path& file);
};

// The template file for a version under templates_dir: linkage-form.v<N>.json.
std::filesystem::path template_path(const std::filesystem::path& templates_dir, int version);

// The QR payload of a printed page: "LINKAGE-FORM|<form_id>|v<version>|p<page>|<reference or ->".
std::string qr_payload(const FormTemplate& t, int page, const std::optional<std::string>& reference);
struct QrInfo {
    std::string form_id;
    int version = 0;
    int page = 0;
    std::optional<std::string> reference;
};
std::optional<QrInfo> parse_qr_payload(std::string_view text);

}  // namespace core
