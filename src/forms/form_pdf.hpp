// forms: the printable, fillable linkage form (SPEC §4.1), generated from the
// form template — the only place coordinates live. Everything drawn (marks,
// texts, labels, boxes, the QR code) and every AcroForm widget comes from
// core::FormTemplate; this module adds no coordinate of its own.
//
// Output is deterministic: the same template, values and reference code give
// the same bytes (no creation date, a content-derived /ID), so the committed
// forms/linkage-form-v1.pdf can be compared with what the template produces.
//
// Thread-safety: stateless; concurrent calls are safe.
#pragma once

#include "core/form_template.hpp"

#include <expected>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace forms {

// Field name (SPEC §4.1, e.g. "client_orgnr") → UTF-8 value.
using FormValues = std::map<std::string, std::string>;

struct FormError {
    std::string message;  // one line, names the field
};

// The fonts: a TrueType file (its Bold sibling "<stem>-Bold.ttf" beside it is
// used for headings when present), or a folder holding DejaVuSans.ttf and
// DejaVuSans-Bold.ttf.
inline constexpr const char* k_default_font_dir = "/usr/share/fonts/truetype/dejavu";

// The form as PDF bytes. `prefill` may be empty (the blank form); each value
// is drawn into its box and set as the field's AcroForm value (read-only
// then). `reference_code`, when given, is printed in the reference box and
// carried in the QR payload (core::qr_payload).
// Errors (as values): a value for a field the template does not have, or one
// longer than the field's max_length. Throws std::runtime_error when fonts are
// missing or PoDoFo fails (a broken environment).
std::expected<std::string, FormError> render_form_pdf(const core::FormTemplate& tmpl, const FormValues& prefill,
                                                      const std::optional<std::string>& reference_code,
                                                      const std::filesystem::path& font_dir_or_file);

// render_form_pdf, then writes `out` atomically (temp file in the same folder
// → fsync → rename → fsync folder). Throws std::filesystem::filesystem_error
// when the file cannot be written.
std::expected<void, FormError> write_form_pdf(const core::FormTemplate& tmpl, const FormValues& prefill,
                                              const std::optional<std::string>& reference_code,
                                              const std::filesystem::path& font_dir_or_file,
                                              const std::filesystem::path& out);

}  // namespace forms
