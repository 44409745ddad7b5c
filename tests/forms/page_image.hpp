// Test helpers for the forms tests: render a PDF page with poppler, look at
// it with Leptonica (connected components) and zxing (QR decode), and read a
// PDF's AcroForm back with PoDoFo. Test-only; not thread-safe.
#pragma once

#include "core/form_template.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace forms_test {

// Runs a shell command; returns its exit status and standard output.
struct Shell {
    int status = -1;
    std::string out;
};
Shell shell(const std::string& command);

// An 8-bit grey page image (0 = black), rendered by pdftoppm.
struct GrayPage {
    int width = 0, height = 0;
    int dpi = 0;
    std::vector<unsigned char> pixels;  // row-major
    std::filesystem::path file;         // the PGM it was read from
};
GrayPage render_page(const std::filesystem::path& pdf, int dpi, const std::filesystem::path& dir);

// Bounding box (pixels) and ink count of one 8-connected dark component.
struct Component {
    int x, y, w, h;
    int ink;
};
// Leptonica: threshold at 128, 8-connected components.
std::vector<Component> dark_components(const GrayPage& page);

// zxing: the text of the first QR code found, if any.
std::optional<std::string> decode_qr(const GrayPage& page);

// A widget read back from a PDF with PoDoFo: name, type (/Tx, /Sig), value,
// flags and rectangle in PDF user space (origin bottom-left).
struct FieldInfo {
    std::string type;
    std::optional<std::string> value;
    long flags = 0;
    double left = 0, bottom = 0, width = 0, height = 0;
};
std::map<std::string, FieldInfo> read_fields(const std::filesystem::path& pdf);

inline double mm_to_px(double mm, int dpi) { return mm / 25.4 * dpi; }
inline double pt_to_px(double pt, int dpi) { return pt / 72.0 * dpi; }

// The template from the source tree.
core::FormTemplate source_template();
// The DejaVu fonts folder the product uses.
std::filesystem::path font_dir();

}  // namespace forms_test
