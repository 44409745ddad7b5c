#include "page_image.hpp"

#include "test_support.hpp"

#include <leptonica/allheaders.h>
#include <podofo/podofo.h>
#include <ZXing/ReadBarcode.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <sys/wait.h>

namespace forms_test {

Shell shell(const std::string& command) {
    Shell r;
    FILE* p = popen(command.c_str(), "r");
    if (!p) throw std::runtime_error("popen failed: " + command);
    std::array<char, 4096> buf;
    size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
    int st = pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return r;
}

GrayPage render_page(const std::filesystem::path& pdf, int dpi, const std::filesystem::path& dir) {
    const auto stem = dir / (pdf.stem().string() + "-" + std::to_string(dpi));
    auto r = shell("pdftoppm -r " + std::to_string(dpi) + " -gray -singlefile '" + pdf.string() + "' '" +
                   stem.string() + "' 2>&1");
    if (r.status != 0) throw std::runtime_error("pdftoppm failed: " + r.out);
    GrayPage g;
    g.dpi = dpi;
    g.file = stem.string() + ".pgm";
    std::ifstream in(g.file, std::ios::binary);
    std::string magic;
    int maxval = 0;
    in >> magic >> g.width >> g.height >> maxval;
    in.get();
    if (magic != "P5" || maxval != 255) throw std::runtime_error("unexpected PGM from pdftoppm");
    g.pixels.resize(static_cast<size_t>(g.width) * static_cast<size_t>(g.height));
    in.read(reinterpret_cast<char*>(g.pixels.data()), static_cast<std::streamsize>(g.pixels.size()));
    if (!in) throw std::runtime_error("short PGM from pdftoppm");
    return g;
}

std::vector<Component> dark_components(const GrayPage& page) {
    auto pix_deleter = [](PIX* p) { pixDestroy(&p); };
    std::unique_ptr<PIX, decltype(pix_deleter)> gray(pixRead(page.file.c_str()), pix_deleter);
    if (!gray) throw std::runtime_error("leptonica cannot read " + page.file.string());
    std::unique_ptr<PIX, decltype(pix_deleter)> bin(pixThresholdToBinary(gray.get(), 128), pix_deleter);
    PIXA* pixa = nullptr;
    BOXA* boxa = pixConnComp(bin.get(), &pixa, 8);
    std::vector<Component> out;
    for (l_int32 i = 0; i < boxaGetCount(boxa); ++i) {
        l_int32 x, y, w, h, ink = 0;
        boxaGetBoxGeometry(boxa, i, &x, &y, &w, &h);
        PIX* c = pixaGetPix(pixa, i, L_CLONE);
        pixCountPixels(c, &ink, nullptr);
        pixDestroy(&c);
        out.push_back({x, y, w, h, ink});
    }
    boxaDestroy(&boxa);
    pixaDestroy(&pixa);
    return out;
}

std::optional<std::string> decode_qr(const GrayPage& page) {
    ZXing::ImageView view(page.pixels.data(), page.width, page.height, ZXing::ImageFormat::Lum);
    auto hints = ZXing::DecodeHints().setFormats(ZXing::BarcodeFormat::QRCode).setTryHarder(true);
    auto result = ZXing::ReadBarcode(view, hints);
    if (!result.isValid()) return std::nullopt;
    return result.text();
}

std::map<std::string, FieldInfo> read_fields(const std::filesystem::path& pdf) {
    using namespace PoDoFo;
    PdfMemDocument doc;
    doc.Load(pdf.c_str());
    std::map<std::string, FieldInfo> out;
    PdfPage* page = doc.GetPage(0);
    for (int i = 0; i < page->GetNumFields(); ++i) {
        PdfField f = page->GetField(i);
        FieldInfo info;
        const PdfDictionary& d = f.GetFieldObject()->GetDictionary();
        if (auto* ft = d.GetKey(PdfName("FT"))) info.type = ft->GetName().GetName();
        if (auto* v = d.GetKey(PdfName("V")); v && v->IsString()) info.value = v->GetString().GetStringUtf8();
        if (auto* ff = d.GetKey(PdfName("Ff")); ff && ff->IsNumber()) info.flags = static_cast<long>(ff->GetNumber());
        PdfRect r = f.GetWidgetAnnotation()->GetRect();
        info.left = r.GetLeft();
        info.bottom = r.GetBottom();
        info.width = r.GetWidth();
        info.height = r.GetHeight();
        out[f.GetFieldName().GetStringUtf8()] = info;
    }
    return out;
}

core::FormTemplate source_template() {
    return core::FormTemplate::load(core::template_path(test_support::source_dir() / "templates", 1));
}

std::filesystem::path font_dir() { return "/usr/share/fonts/truetype/dejavu"; }

}  // namespace forms_test
