// WorkerPool: analyses files in worker PROCESSES (`linkage worker`), so that a
// crash, hang or memory blow-up inside a library (PoDoFo, Leptonica,
// Tesseract, zxing) on a hostile file affects only that file: the worker is
// replaced, the file is tried once more in a fresh worker, then rejected as
// internal_error, and the batch goes on. Each worker initialises its OCR
// engines once and serves many files; it runs under an address-space limit,
// and the pool kills one that exceeds the per-file time limit.
//
// Protocol (one line each way): batch → worker "<sha256>\t<path>\n";
// worker → batch one JSON line (analysis_json.hpp). A worker first says "ready".
//
// Thread-safety: used by the batch's main thread only.
#pragma once

#include "batch/analysis.hpp"
#include "intake/inbox.hpp"

#include <chrono>
#include <deque>
#include <memory>
#include <string>
#include <vector>

namespace batch {

struct PoolJob {
    std::uint64_t seq = 0;
    intake::Claimed claimed;
    int attempt = 0;
};

struct PoolDone {
    std::uint64_t seq = 0;
    intake::Claimed claimed;
    FileAnalysis analysis;
};

// What the runner needs of a pool: in-process threads or worker processes.
class Executor {
public:
    virtual ~Executor() = default;
    virtual void submit(PoolJob job) = 0;
    // Blocks for the next finished file. Throws std::runtime_error when no
    // worker can start (a broken installation).
    virtual PoolDone next() = 0;
};

struct WorkerSpec {
    std::vector<std::string> command;  // argv of a worker, e.g. {"/proc/self/exe", "--home", H, "worker"}
    std::chrono::seconds time_limit{120};
    int retries = 1;  // a file whose worker died is tried this many more times
};

std::unique_ptr<Executor> make_process_pool(int workers, WorkerSpec spec);

}  // namespace batch
