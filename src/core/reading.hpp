// What the read stage found on one form: each field's text and confidence,
// and the signature box's ink. Plain values; the evidence kept for every
// decision (SPEC §4.7) so thresholds can change and decisions be re-run.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace core {

struct FieldReading {
    std::string name;
    std::string text;         // as read (UTF-8), trimmed
    double confidence = 0;    // 0–100; 100 for values read from a born-digital form
    bool empty = false;       // no ink in the zone
};

struct SignatureReading {
    double ink_percent = 0;   // 0–100 of the box (inside its lines), strokes only
    bool present = false;
};

struct FormReading {
    std::vector<FieldReading> fields;
    SignatureReading signature;
    bool born_digital = false;
    bool digital_signature_value = false;  // born-digital: the signature field holds a value

    const FieldReading* field(const std::string& name) const {
        for (auto& f : fields)
            if (f.name == name) return &f;
        return nullptr;
    }
};

}  // namespace core
