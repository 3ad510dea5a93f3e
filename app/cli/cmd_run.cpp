// `bucketscope-cli run TARGET`: the engine on a real cache device (image file or block
// device) under the built-in workload or a generator spec (--workload), registered as the
// kernel registers a cache (Engine::open), every write really written and acknowledged
// only once its journal entry is durable, and stopped cleanly at the end (Engine::close).
//
// The target is opened by open_engine_target (core/engine/engine_target.h): safety probe
// first, never formatted implicitly; only ram:SIZE, which holds nothing yet, is formatted
// on the fly (-b, -w, --policy, --discard) and then registered like any formatted device. Deterministic by default (the seeded scheduler; the
// image's bytes then depend only on the image, the arguments and the superblock seq),
// --threaded runs every task on its own thread. --ops counts completed requests (reads and
// acknowledged writes), --duration wall-clock time. --ack-log appends every acknowledged
// write, after its journal entry is durable, for `check --ack-log`. SIGINT and SIGTERM stop
// cleanly; SIGKILL is what the crash tests send. An I/O error stops the cache set (nothing
// more is acknowledged), is reported with the device and offset, and exits 1. The run is
// recorded as a session (app/cli/session_recording.h) unless --no-record.
#include <CLI/CLI.hpp>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <iostream>
#include <thread>
#include <unistd.h>

#include "app/cli/commands.h"
#include "app/cli/metrics_report.h"
#include "app/cli/ram_target_options.h"
#include "app/cli/session_recording.h"
#include "core/engine/engine.h"
#include "core/engine/engine_target.h"
#include "core/engine/runtime.h"
#include "core/inspect/ack_log.h"
#include "core/workload/request_source.h"

namespace bucketscope::cli {

namespace {

struct RunArgs {
    std::string target;
    uint64_t ops = 0;
    std::string duration;
    std::string policy;
    uint64_t seed = 1;
    bool json = false;
    bool threaded = false;
    std::string profile = "v6.2";
    unsigned processes = 4;
    bool force = false;
    std::string ack_log;
    uint64_t stop_after_writes = 0;
    std::string workload;                   // a generator spec instead of the built-in one
    std::string cache_mode = "writethrough"; // for --workload
    RamArgs ram; // for ram:SIZE targets
    RecordOptions record;
};

std::string options_json(const RunArgs& a) {
    nlohmann::ordered_json j = {{"target", a.target},       {"ops", a.ops},
                                {"duration", a.duration},   {"policy", a.policy},
                                {"seed", a.seed},           {"threaded", a.threaded},
                                {"profile", a.profile},     {"processes", a.processes},
                                {"force", a.force},         {"workload", a.workload},
                                {"cache_mode", a.cache_mode},
                                {"snapshot_interval", a.record.snapshot_interval_s}};
    return j.dump();
}

std::atomic<bool> g_stop{false};

void on_signal(int) { g_stop = true; }

[[noreturn]] void fail(const std::string& msg, int status = 1) {
    std::cerr << "run: " << msg << "\n";
    throw CLI::RuntimeError(status);
}

// "30" or "30s", "500ms", "2m", "1h".
std::chrono::milliseconds parse_duration(const std::string& text) {
    size_t used = 0;
    double v = 0;
    try {
        v = std::stod(text, &used);
    } catch (const std::exception&) {
        fail("--duration: '" + text + "' is not a duration (e.g. 30s, 500ms, 2m)");
    }
    const std::string unit = text.substr(used);
    double ms = 0;
    if (unit.empty() || unit == "s")
        ms = v * 1000;
    else if (unit == "ms")
        ms = v;
    else if (unit == "m")
        ms = v * 60'000;
    else if (unit == "h")
        ms = v * 3'600'000;
    else
        fail("--duration: unit '" + unit + "' is not one of ms, s, m, h");
    if (!(ms > 0))
        fail("--duration: '" + text + "' is not positive");
    return std::chrono::milliseconds(static_cast<int64_t>(ms));
}

// Appends acknowledged writes to the ack log: one write(2) per batch, so a SIGKILL loses
// at most the batch being written, never a line already acknowledged to the reader.
class AckLog {
  public:
    explicit AckLog(const std::string& path) {
        if (path.empty())
            return;
        fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (fd_ < 0)
            fail("--ack-log " + path + ": " + std::strerror(errno));
        if (::lseek(fd_, 0, SEEK_END) == 0)
            put(inspect::kAckLogHeader);
    }
    ~AckLog() {
        if (fd_ >= 0)
            ::close(fd_);
    }
    bool enabled() const { return fd_ >= 0; }
    void drain(Engine& e) {
        if (fd_ < 0)
            return;
        acks_.clear();
        e.poll_acks(acks_);
        std::string batch;
        for (const AckedWrite& a : acks_)
            batch += inspect::format_ack(
                {a.inode, a.start, a.sectors, a.write_id, a.dirty, a.journal_seq});
        put(batch);
        logged_ += acks_.size();
    }
    uint64_t logged() const { return logged_; }

  private:
    void put(const std::string& s) {
        for (size_t done = 0; done < s.size();) {
            const ssize_t n = ::write(fd_, s.data() + done, s.size() - done);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                fail(std::string("--ack-log: ") + std::strerror(errno));
            done += static_cast<size_t>(n);
        }
    }
    int fd_ = -1;
    std::vector<AckedWrite> acks_;
    uint64_t logged_ = 0;
};

void run(const RunArgs& a) {
    EngineOptions o;
    o.seed = a.seed;
    o.workload.processes = a.processes;
    o.record_acks = !a.ack_log.empty();
    o.event_capacity = event_capacity_for(a.record);
    o.mode = a.threaded ? RunMode::Threaded : RunMode::Deterministic;
    o.read_hits = true; // a hit reads the cache device, and its sectors are checked
    if (!parse_profile(a.profile, o.profile))
        fail("--profile: '" + a.profile + "' is not one of v6.2, v4.6");
    DeviceSettings settings;
    if (!a.policy.empty()) {
        ReplacementPolicy p;
        if (!parse_policy(a.policy, p))
            fail("--policy: '" + a.policy + "' is not one of lru, fifo, random");
        settings.policy = p;
    }
    if (!a.workload.empty()) {
        // The request path fed by a generator (core/workload/request_source.h); --ops, or
        // the spec's requests=N, ends it.
        try {
            o.source = workload::make_workload_source(a.workload, a.seed, a.ops);
        } catch (const std::exception& e) {
            fail(std::string("--workload: ") + e.what());
        }
        if (!parse_cache_mode(a.cache_mode, o.requests.cache_mode))
            fail("--cache-mode: '" + a.cache_mode +
                 "' is not one of writethrough, writeback, writearound, none");
        if (o.source->progress() < 0 && a.duration.empty())
            fail("--workload '" + a.workload + "' never ends: give requests=N, --ops or --duration");
    }
    if (!a.ops && a.duration.empty() && !o.source)
        fail("give --ops N or --duration T");
    const bool timed = !a.duration.empty();
    const std::chrono::milliseconds limit = timed ? parse_duration(a.duration)
                                                  : std::chrono::milliseconds(0);

    // ram:SIZE is formatted here, as make-bcache would, and then opened like any device.
    TargetOptions topt;
    topt.force = a.force;
    topt.stop_after_writes = a.stop_after_writes;
    EngineTarget target;
    if (workload::is_ram_target(a.target)) {
        workload::CacheTarget ram;
        if (auto s = make_ram(a.target, a.ram, settings.policy.value_or(ReplacementPolicy::Lru), ram);
            !s)
            fail(s.message);
        for (const std::string& w : ram.warnings)
            std::cerr << "run: warning: " << w << "\n";
        target.base = std::move(ram.devices.front());
        target.sb = ram.sb;
        if (a.stop_after_writes) {
            target.fault = std::make_unique<FaultInjectingDevice>(*target.base);
            target.fault->stop_after_writes(a.stop_after_writes);
        }
    } else if (Status st = open_engine_target(a.target, topt, target); !st) {
        fail(st.message);
    }
    for (const std::string& w : target.warnings)
        std::cerr << "run: " << w << "\n";
    AckLog acks(a.ack_log);

    std::string why;
    auto engine = Engine::open(target.device(), o, settings, &why);
    if (!engine)
        fail(why);
    if (!engine->last_error().empty())
        fail(engine->last_error());
    for (const std::string& n : engine->notes())
        std::cerr << "run: note: " << n << "\n";

    CliSession session =
        start_cli_session("run", *engine, a.target, options_json(a), a.record);

    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    const auto t0 = std::chrono::steady_clock::now();
    auto ops = [&] {
        const EngineMetrics m = engine->metrics();
        return m.writes + m.reads;
    };
    auto more = [&] {
        return !g_stop && (!a.ops || ops() < a.ops) && !(o.source && engine->workload_done()) &&
               (!timed || std::chrono::steady_clock::now() - t0 < limit) &&
               engine->last_error().empty();
    };
    bool blocked = false;
    if (a.threaded) {
        engine->start();
        while (more()) {
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
            acks.drain(*engine);
            session.pump();
        }
        engine->stop();
    } else {
        constexpr uint64_t kSlice = 256;
        while (more()) {
            // A generated workload ends when its source does; the kernel's tasks then idle.
            const uint64_t ran = o.source ? engine->step_workload(kSlice) : engine->step(kSlice);
            acks.drain(*engine);
            session.pump();
            if (ran < kSlice && !(o.source && engine->workload_done())) {
                blocked = engine->last_error().empty();
                break;
            }
        }
    }
    acks.drain(*engine);
    const std::string error = engine->last_error();
    bool closed = false;
    if (error.empty()) {
        closed = engine->close(&why);
        acks.drain(*engine);
    }
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    session.pump();
    session.finish(!error.empty() ? "io_error"
                   : !closed      ? "close_failed"
                   : blocked      ? "blocked"
                   : g_stop       ? "interrupted"
                                  : "completed");

    const EngineMetrics m = engine->metrics();
    nlohmann::ordered_json j;
    j["target"] = a.target;
    j["policy"] = to_string(engine->options().policy);
    j["profile"] = a.profile;
    j["seed"] = a.seed;
    j["mode"] = to_string(o.mode);
    j["ops"] = m.writes + m.reads;
    j["acknowledged"] = acks.logged();
    append_json(j, metrics_json(m));
    if (o.source)
        j["requests"] = request_summary(m);
    // Wall-clock figures: not deterministic, last.
    j["seconds"] = secs;
    j["writes_per_second"] = secs > 0 ? m.writes / secs : 0.0;
    j["mib_per_second"] = secs > 0 ? double(m.sectors_written) * 512 / (1 << 20) / secs : 0.0;
    if (a.json)
        std::cout << j.dump(2) << "\n";
    else
        print_text(j, "", std::cout);
    if (!error.empty())
        fail(error); // names the device, the operation and the offset
    if (!closed)
        fail("clean stop failed: " + why);
    if (blocked)
        fail("every task blocked after " + std::to_string(m.writes + m.reads) + " operations", 3);
}

} // namespace

void register_run(CLI::App& app) {
    auto args = std::make_shared<RunArgs>();
    CLI::App* cmd = app.add_subcommand(
        "run", "Run the engine on a formatted cache device (image file or block device, or "
               "ram:SIZE) under the built-in workload or a --workload spec, writing everything "
               "for real");
    cmd->add_option("target", args->target,
                    "Image file or block device with a cache superblock, or ram:SIZE "
                    "(formatted on the fly as make-bcache -C would)")
        ->required();
    auto* ops = cmd->add_option("--ops", args->ops,
                                "Stop after this many completed requests (reads and "
                                "acknowledged writes)");
    cmd->add_option("--duration", args->duration, "Stop after this much wall-clock time (30s, 2m)")
        ->excludes(ops);
    cmd->add_option("--policy", args->policy,
                    "Replacement policy: lru, fifo or random (default: the superblock's; "
                    "written to it)");
    cmd->add_option("--seed", args->seed, "Seed of the scheduler and the workload")
        ->capture_default_str();
    cmd->add_flag("--json", args->json, "Print the counters as JSON");
    cmd->add_flag("--threaded", args->threaded, "One thread per task instead of the "
                                                "deterministic scheduler");
    cmd->add_option("--profile", args->profile, "Kernel profile: v6.2 or v4.6")
        ->capture_default_str();
    cmd->add_option("--processes", args->processes, "Workload processes")->capture_default_str();
    cmd->add_flag("--force", args->force,
                  "Run even if TARGET is mounted, busy or carries another signature");
    cmd->add_option("--ack-log", args->ack_log,
                    "Append every acknowledged write to this file once it is durable");
    cmd->add_option("--fault-stop-after-writes", args->stop_after_writes,
                    "Testing: the device fails every write after the first N");
    cmd->add_option("--workload", args->workload,
                    "A generator spec instead of the built-in workload, e.g. "
                    "zipf:alpha=0.9,span=8G,read=70,requests=1M (see replay)");
    cmd->add_option("--cache-mode", args->cache_mode,
                    "With --workload: writethrough, writeback, writearound or none")
        ->capture_default_str();
    add_ram_options(cmd, args->ram);
    add_record_options(cmd, args->record);
    cmd->callback([args] { run(*args); });
}

} // namespace bucketscope::cli
