// Swedish explanations of reason codes, for the notes beside rejected files
// and for staff pages. Unknown codes get a generic sentence.
#pragma once

#include <string>
#include <string_view>

namespace core {

std::string reason_text_sv(std::string_view code);

// The note beside a rejected file: reason_text_sv(), made exact by the
// English detail the stage gave (which limit was hit and its value, a
// password, a file that is not an image at all), so that the note tells the
// truth and what to do — a PDF is never told it is not a PDF.
std::string file_note_sv(std::string_view code, std::string_view detail);

}  // namespace core
