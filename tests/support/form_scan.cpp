#include "form_scan.hpp"

#include "forms/form_pdf.hpp"
#include "image/lept.hpp"
#include "test_support.hpp"

#include <stdexcept>

namespace test_support {

core::FormTemplate form_template() {
    return core::FormTemplate::load(core::template_path(source_dir() / "templates", 1));
}

std::string form_pdf(const std::map<std::string, std::string>& values, const std::optional<std::string>& reference) {
    auto pdf = forms::render_form_pdf(form_template(), values, reference, forms::k_default_font_dir);
    if (!pdf) throw std::runtime_error("form cannot be rendered: " + pdf.error().message);
    return *pdf;
}

core::GrayImage render_pdf_page(const std::filesystem::path& pdf, int dpi, const std::filesystem::path& dir) {
    const auto stem = dir / (pdf.stem().string() + "-" + std::to_string(dpi));
    const std::string cmd = "pdftoppm -r " + std::to_string(dpi) + " -f 1 -l 1 -gray -singlefile '" + pdf.string() +
                            "' '" + stem.string() + "'";
    if (run_shell(cmd) != 0) throw std::runtime_error("pdftoppm failed: " + cmd);
    const std::string bytes = read_file(stem.string() + ".pgm");
    auto g = image::decode_gray({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()});
    if (!g) throw std::runtime_error("cannot decode the PGM pdftoppm wrote");
    g->dpi = dpi;
    return *g;
}

core::GrayImage form_scan(int dpi, const std::filesystem::path& dir, const std::map<std::string, std::string>& values,
                          const std::optional<std::string>& reference) {
    static int serial = 0;
    const auto file = dir / ("form-" + std::to_string(++serial) + ".pdf");
    write_file(file, form_pdf(values, reference));
    return render_pdf_page(file, dpi, dir);
}

std::map<std::string, std::string> sample_form_values() {
    return {{"bureau_name", "Siffror och Balans AB"},
            {"bureau_orgnr", "559123-4561"},
            {"client_name", "Bageriet Vetekornet AB"},
            {"client_orgnr", "556016-0680"},
            {"client_subscription", "100234"},
            {"signer_name", "Anna Lindqvist"},
            {"signer_email", "anna.lindqvist@example.se"},
            {"place", "Stockholm"},
            {"date", "2026-11-20"}};
}

}  // namespace test_support
