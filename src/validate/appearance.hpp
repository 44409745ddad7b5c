// Born-digital forms: what the fields say (/V) against what the page shows.
//
// A filled PDF carries each value twice: the field's value (/V, what a
// program reads) and its appearance (what the signer saw on screen and what
// a printer prints). They normally agree; a PDF editor, a script or a broken
// filler can make them differ, and then nobody can tell which one the
// signer meant. The rule:
//   - both agree (after folding runs of white space)   → the value, as typed (confidence 100);
//   - the page shows nothing, the value says something → review (appearance_mismatch);
//   - the page shows something, the value is empty     → the page as read (a flattened fill, text
//                                                         typed on top: read like a scan, with OCR's confidence);
//   - they differ in any other way                     → review (appearance_mismatch), never a guess.
// Risk argument: the only way to an accept is a value that the page also
// shows, so a hidden /V that contradicts the printed form cannot be linked
// without a person; an OCR slip on a clean render only costs a review.
//
// Thread-safety: pure.
#pragma once

#include "core/reading.hpp"
#include "validate/validate.hpp"

#include <map>
#include <string>
#include <vector>

namespace validate {

struct Reconciled {
    core::FormReading reading;       // the values to validate (the page's signature verdict kept)
    std::vector<Failure> failures;   // appearance_mismatch, one per field that differs
};

// Whether a page read shows the typed value: equal after folding runs of
// white space (the one comparison reconcile_appearance uses).
bool shows_value(const std::string& page_text, const std::string& typed);

// `shown`: the rendered page as read (fields and signature); `values`: the
// AcroForm's text values by template field name.
Reconciled reconcile_appearance(const core::FormReading& shown, const std::map<std::string, std::string>& values);

}  // namespace validate
