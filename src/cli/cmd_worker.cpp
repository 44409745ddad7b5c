// `linkage worker`: one analysis worker process of the batch (worker_pool.hpp).
// Not for people: batch and watch start these themselves.
#include "batch/analyser.hpp"
#include "batch/analysis_json.hpp"
#include "batch/crops.hpp"
#include "batch/runner.hpp"
#include "store/registry_view.hpp"
#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "core/form_template.hpp"
#include "intake/files.hpp"
#include "read/ocr_engine.hpp"
#include "store/store.hpp"

#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdlib>

#include <iostream>

namespace cli {

batch::RunOptions make_run_options(Context& ctx);

int cmd_worker(Context& ctx, const std::vector<std::string>& argv) {
    Args args(argv, {}, {});
    auto opts = make_run_options(ctx);
    // A hostile file may make a library allocate without bound: the limit turns
    // that into a failed allocation in this process only.
    const rlim_t mb = static_cast<rlim_t>(ctx.settings().get_int("limits.max_worker_memory_mb", 64, 1 << 20));
    rlimit lim{mb << 20, mb << 20};
#if defined(__SANITIZE_ADDRESS__)
    // AddressSanitizer reserves terabytes of shadow address space at start-up;
    // under RLIMIT_AS every later worker would fail with "Failed to mmap". The
    // ASan build (CI) runs workers without the limit; release builds keep it.
    (void)lim;
#else
    setrlimit(RLIMIT_AS, &lim);
#endif

    // A 300-dpi page is 9 MB and a form passes through several such buffers:
    // freed ones stay in the heap for the next form instead of going back to
    // the kernel and being faulted in afresh (decode 30 -> 20 ms a form). The
    // heap stays at the largest form's need; the limit above still holds.
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);

    auto tmpl = core::FormTemplate::load(core::template_path(ctx.share_dir() / "templates", 1));
    batch::Analyser analyser(tmpl, ctx.rules(), ctx.clock(), ocr::make_tesseract_engine(),
                             store::make_registry_view(store::open_store(opts.store), ctx.clock()), opts.analysis);
    // Fault injection for the isolation tests (SQLite-style crash simulation):
    // LINKAGE_FAULT_INJECT="crash:TEXT" or "hang:TEXT" makes this worker abort, or stop
    // answering, on a file whose path contains TEXT; "die-at-start:FILE" makes the first
    // worker (the one that finds no FILE, and creates it) die of SIGKILL before it is ready.
    // Unset in production.
    std::string fault_kind, fault_match;
    if (const char* f = std::getenv("LINKAGE_FAULT_INJECT")) {
        std::string spec = f;
        auto colon = spec.find(':');
        if (colon != std::string::npos) {
            fault_kind = spec.substr(0, colon);
            fault_match = spec.substr(colon + 1);
        }
    }
    if (fault_kind == "die-at-start" && !fault_match.empty()) {
        int fd = ::open(fault_match.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd >= 0) {
            ::close(fd);
            ::raise(SIGKILL);
        }
    }
    std::cout << "ready\n" << std::flush;
    std::string line;
    while (std::getline(std::cin, line)) {
        auto tab = line.find('\t');
        if (tab == std::string::npos) continue;
        const std::string sha = line.substr(0, tab);
        const std::filesystem::path file = line.substr(tab + 1);
        if (!fault_match.empty() && file.string().find(fault_match) != std::string::npos) {
            if (fault_kind == "crash") std::abort();
            if (fault_kind == "hang")
                for (;;) pause();
        }
        batch::FileAnalysis a;
        try {
            a = analyser.analyse(intake::read_all(file));
            for (auto& f : a.forms) batch::write_crops(ctx.home(), opts.crops, sha, f);
        } catch (const batch::EvidenceError& e) {
            // Not this file's fault: the runner keeps it in work/ and retries it.
            a = {};
            a.evidence_error = e.what();
        } catch (const store::StoreError& e) {
            a = {};
            a.store_error = e.what();
        } catch (const std::bad_alloc&) {
            a = {};
            a.file_reason = std::string(core::reason::too_large);
            a.file_detail = "analysing this file needs more memory than the worker's limit (limits.max_worker_memory_mb)";
        } catch (const std::exception& e) {
            a = {};
            a.file_reason = std::string(core::reason::internal_error);
            a.file_detail = std::string("internal error while analysing: ") + e.what();
        }
        std::cout << batch::analysis_to_json(a) << '\n' << std::flush;
    }
    return k_exit_ok;
}

}  // namespace cli
