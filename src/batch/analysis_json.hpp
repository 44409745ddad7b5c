// FileAnalysis ⇄ one line of JSON: what a worker process sends back to the
// batch. Crops are not carried: the worker writes them to disk and sends
// their folder (crops_dir). Internal to batch.
#pragma once

#include "batch/analysis.hpp"

#include <Poco/JSON/Array.h>

#include <optional>
#include <string>

namespace batch {

std::string analysis_to_json(const FileAnalysis& a);
// nullopt when the text is not a valid analysis (a broken worker).
std::optional<FileAnalysis> analysis_from_json(const std::string& line);

// The unexplained-marks regions (template points) as a JSON array: the
// worker's line and the stored evidence write them alike.
Poco::JSON::Array mark_regions_json(const std::vector<MarkRegion>& regions);

}  // namespace batch
