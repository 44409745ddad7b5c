// Swedish explanations of reason codes, for the notes beside rejected files
// and for staff pages. Unknown codes get a generic sentence.
#pragma once

#include <string>
#include <string_view>

namespace batch {

std::string reason_text_sv(std::string_view code);

}  // namespace batch
