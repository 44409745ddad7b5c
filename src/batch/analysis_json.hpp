// FileAnalysis ⇄ one line of JSON: what a worker process sends back to the
// batch. Crops are not carried: the worker writes them to disk and sends
// their folder (crops_dir). Internal to batch.
#pragma once

#include "batch/analysis.hpp"

#include <optional>
#include <string>

namespace batch {

std::string analysis_to_json(const FileAnalysis& a);
// nullopt when the text is not a valid analysis (a broken worker).
std::optional<FileAnalysis> analysis_from_json(const std::string& line);

}  // namespace batch
