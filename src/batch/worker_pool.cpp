#include "batch/worker_pool.hpp"

#include "batch/analysis_json.hpp"
#include "core/error.hpp"
#include "core/outcome.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <string>
#include <vector>
#include <stdexcept>

namespace batch {

namespace {

using Clock = std::chrono::steady_clock;

struct Worker {
    pid_t pid = -1;
    int to = -1;    // its stdin
    int from = -1;  // its stdout
    std::string buffer;
    bool ready = false;
    std::optional<PoolJob> job;
    Clock::time_point started;
};

class ProcessPool final : public Executor {
public:
    ProcessPool(int n, WorkerSpec spec) : m_spec(std::move(spec)), m_parent(getpid()) {
        signal(SIGPIPE, SIG_IGN);  // a dead worker's pipe must not kill the batch
        m_workers.resize(static_cast<size_t>(std::max(1, n)));
        for (auto& w : m_workers) spawn(w);
    }
    ~ProcessPool() override {
        for (auto& w : m_workers) stop(w, false);
    }

    void submit(PoolJob job) override { m_queue.push_back(std::move(job)); }

    PoolDone next() override {
        for (;;) {
            if (!m_done.empty()) {
                PoolDone d = std::move(m_done.front());
                m_done.pop_front();
                return d;
            }
            dispatch();
            wait_for_output();
        }
    }

private:
    // The batch's environment, with OMP_THREAD_LIMIT=1 unless the operator set
    // it: Tesseract parallelises inside one line with OpenMP, and with one
    // engine per worker process that only makes threads fight over the cores
    // (measured several times slower on 2 cores). libgomp reads the variable
    // when it loads, before main(), so it must be in the worker's environment.
    std::vector<char*> worker_environment() {
        if (m_env_strings.empty()) {
            bool has_limit = false;
            for (char** e = environ; *e; ++e) {
                m_env_strings.emplace_back(*e);
                if (std::strncmp(*e, "OMP_THREAD_LIMIT=", 17) == 0) has_limit = true;
            }
            if (!has_limit) m_env_strings.emplace_back("OMP_THREAD_LIMIT=1");
        }
        std::vector<char*> envp;
        for (auto& e : m_env_strings) envp.push_back(e.data());
        envp.push_back(nullptr);
        return envp;
    }

    void spawn(Worker& w) {
        int in[2], out[2];
        if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0)
            throw core::InternalError(std::string("cannot create a pipe for an analysis worker: ") + std::strerror(errno));
        // Prepared before fork: the child may only call async-signal-safe functions.
        std::vector<char*> argv;
        for (auto& a : m_spec.command) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        std::vector<char*> envp = worker_environment();
        pid_t pid = fork();
        if (pid < 0) throw core::InternalError(std::string("cannot start an analysis worker: ") + std::strerror(errno));
        if (pid == 0) {
            // A worker must not outlive its batch (kill -9 of the batch included).
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (getppid() != m_parent) _exit(0);
            dup2(in[0], 0);
            dup2(out[1], 1);
            execve(argv[0], argv.data(), envp.data());
            _exit(127);
        }
        close(in[0]);
        close(out[1]);
        w = Worker{};
        w.pid = pid;
        w.to = in[1];
        w.from = out[0];
        w.started = Clock::now();
    }

    // Returns the worker's wait status (0 when there was none).
    int stop(Worker& w, bool kill_it) {
        if (w.pid <= 0) return 0;
        if (kill_it) kill(w.pid, SIGKILL);
        close(w.to);  // EOF on its stdin: a healthy worker exits
        close(w.from);
        int status = 0;
        waitpid(w.pid, &status, 0);
        w.pid = -1;
        return status;
    }

    void dispatch() {
        for (auto& w : m_workers) {
            if (m_queue.empty()) return;
            if (w.pid <= 0 || w.job || !w.ready) continue;
            PoolJob job = std::move(m_queue.front());
            m_queue.pop_front();
            std::string line = job.claimed.sha256 + "\t" + job.claimed.work_path.string() + "\n";
            w.started = Clock::now();
            w.job = std::move(job);
            if (write(w.to, line.data(), line.size()) != static_cast<ssize_t>(line.size())) died(w, "it stopped accepting work");
        }
    }

    void wait_for_output() {
        std::vector<pollfd> fds;
        std::vector<Worker*> who;
        int timeout_ms = 1000;
        for (auto& w : m_workers) {
            if (w.pid <= 0) continue;
            fds.push_back({w.from, POLLIN, 0});
            who.push_back(&w);
            if (w.job) {
                auto left = m_spec.time_limit - (Clock::now() - w.started);
                timeout_ms = std::min<int>(timeout_ms, static_cast<int>(std::max<long>(
                    0, std::chrono::duration_cast<std::chrono::milliseconds>(left).count())));
            }
        }
        if (fds.empty()) throw core::InternalError("no analysis worker is running");
        int n = poll(fds.data(), fds.size(), timeout_ms);
        if (n < 0 && errno != EINTR) throw core::InternalError(std::string("poll failed: ") + std::strerror(errno));
        for (size_t i = 0; i < fds.size(); ++i) {
            Worker& w = *who[i];
            if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) read_from(w);
            if (w.pid > 0 && w.job && Clock::now() - w.started > m_spec.time_limit)
                died(w, "it took longer than " + std::to_string(m_spec.time_limit.count()) + " s");
            // A worker that never says ready (stopped, stuck loading its models) is replaced too.
            if (w.pid > 0 && !w.ready && Clock::now() - w.started > m_spec.time_limit) {
                if (++m_failed_starts > 3) throw core::InstallError("analysis workers do not start (see the messages above)");
                stop(w, true);
                spawn(w);
            }
        }
    }

    void read_from(Worker& w) {
        char buf[65536];
        ssize_t got = read(w.from, buf, sizeof buf);
        if (got <= 0) {
            if (got < 0 && errno == EINTR) return;
            if (!w.ready) {
                // It ended before saying ready. Exiting by itself means the installation is
                // broken (its stderr says why): stop at once. Killed by a signal (the OOM
                // killer, an operator, a crash while loading) is replaced, a few times in a row.
                const int status = stop(w, false);
                if (!WIFSIGNALED(status) || ++m_failed_starts > 3)
                    throw core::InstallError("an analysis worker could not start (see the message above)");
                spawn(w);
                return;
            }
            died(w, "the worker process died");
            return;
        }
        w.buffer.append(buf, static_cast<size_t>(got));
        size_t nl;
        while ((nl = w.buffer.find('\n')) != std::string::npos) {
            std::string line = w.buffer.substr(0, nl);
            w.buffer.erase(0, nl + 1);
            if (!w.ready) {
                w.ready = (line == "ready");
                if (w.ready) m_failed_starts = 0;
                continue;
            }
            if (!w.job) continue;  // nothing asked: ignore
            auto a = analysis_from_json(line);
            if (!a) {
                died(w, "the worker sent an unreadable answer");
                return;
            }
            m_done.push_back({w.job->seq, w.job->claimed, std::move(*a)});
            w.job.reset();
        }
    }

    // The worker crashed, hung or misbehaved: replace it; retry its file once in a fresh worker.
    void died(Worker& w, const std::string& why) {
        std::optional<PoolJob> job = std::move(w.job);
        w.job.reset();
        stop(w, true);
        spawn(w);
        if (!job) return;
        if (job->attempt < m_spec.retries) {
            ++job->attempt;
            m_queue.push_front(std::move(*job));
            return;
        }
        PoolDone d{job->seq, job->claimed, {}};
        d.analysis.file_reason = std::string(core::reason::internal_error);
        d.analysis.file_detail = "analysing this file stopped its worker twice (" + why +
                                 "); the file is kept for inspection";
        m_done.push_back(std::move(d));
    }

    WorkerSpec m_spec;
    std::vector<std::string> m_env_strings;  // the workers' environment (worker_environment)
    std::vector<Worker> m_workers;
    std::deque<PoolJob> m_queue;
    std::deque<PoolDone> m_done;
    int m_failed_starts = 0;
    pid_t m_parent;
};

}  // namespace

std::unique_ptr<Executor> make_process_pool(int workers, WorkerSpec spec) {
    return std::make_unique<ProcessPool>(workers, std::move(spec));
}

}  // namespace batch
