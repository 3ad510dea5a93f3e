// `bucketscope-cli replay TARGET [TRACE]`: the deterministic engine in front of a backing
// device, fed by a block trace (--format) or a seeded generator (--workload SPEC), printing
// what a user tuning a cache wants to know: hit ratios by requests and bytes, allocations
// per reserve, invalidations, bucket_alloc waits, GC, prio writes, writeback, write
// amplification and bucket utilisation over the run.
//
// TARGET is ram:SIZE, formatted on the fly as make-bcache -C would (--bucket-size,
// --block-size, --policy), or an image file or device opened as `run` opens it. Everything printed
// on stdout comes from the engine's virtual clock and seeded scheduler, so the same arguments print
// the same bytes; wall-clock speed goes to stderr only. The progress bar is drawn on stderr when
// stdout is a terminal. The run is recorded as a session (app/cli/session_recording.h) unless
// --no-record.
#include "app/cli/commands.h"
#include "app/cli/metrics_report.h"
#include "app/cli/ram_target_options.h"
#include "app/cli/session_recording.h"
#include "core/device/size_parse.h"
#include "core/engine/engine_target.h"
#include "core/workload/generator.h"
#include "core/workload/ram_target.h"
#include "core/workload/replay.h"
#include "core/workload/trace_options.h"

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <unistd.h>

namespace bucketscope::cli {

namespace {

struct ReplayArgs {
    std::string target;
    std::string trace;
    std::string format;
    std::string workload;
    uint64_t limit = 0;
    bool skip_bad = false;
    // libCacheSim csv columns (1-based, 0 = absent) and friends.
    unsigned csv_time = 1, csv_id = 2, csv_size = 3, csv_op = 0;
    std::string csv_delimiter = ",";
    bool csv_no_header = false;
    bool csv_string_ids = false;
    std::string csv_time_unit = "s";
    std::string object_size = "512K";
    std::string blkparse_action = "Q";
    // Target and engine.
    RamArgs ram;
    std::string policy; // empty: LRU on ram:, the superblock's on an image
    bool force = false;
    std::string profile = "v6.2";
    uint64_t seed = 1;
    std::string cache_mode = "writethrough";
    std::string sequential_cutoff = "4M";
    unsigned writeback_percent = 10;
    unsigned queue_depth = 1;
    unsigned write_points = 0;
    bool sync_writes = false;
    bool data = false;
    bool check = false;
    // Output.
    bool json = false;
    bool no_progress = false;
    unsigned samples = 20;
    RecordOptions record;
};

workload::TraceOptions trace_options(const ReplayArgs& a);

std::string options_json(const ReplayArgs& a) {
    nlohmann::ordered_json j = {{"trace", a.trace},
                                {"format", a.format},
                                {"workload", a.workload},
                                {"limit", a.limit},
                                {"bucket_size", a.ram.bucket_size},
                                {"block_size", a.ram.block_size},
                                {"policy", a.policy},
                                {"discard", a.ram.discard},
                                {"profile", a.profile},
                                {"seed", a.seed},
                                {"cache_mode", a.cache_mode},
                                {"sequential_cutoff", a.sequential_cutoff},
                                {"writeback_percent", a.writeback_percent},
                                {"queue_depth", a.queue_depth},
                                {"write_points", a.write_points},
                                {"snapshot_interval", a.record.snapshot_interval_s}};
    if (!a.trace.empty())
        j["trace_options"] = workload::trace_options_json(trace_options(a));
    return j.dump();
}

[[noreturn]] void fail(const std::string& msg, int status = 2) {
    std::cerr << "replay: " << msg << "\n";
    throw CLI::RuntimeError(status);
}

uint64_t size_arg(const std::string& option, const std::string& text) {
    uint64_t v = 0;
    if (auto s = parse_size(text, v); !s)
        fail(option + ": " + s.message);
    return v;
}

workload::TraceOptions trace_options(const ReplayArgs& a) {
    workload::TraceOptions o;
    if (!workload::parse_trace_format(a.format, o.format))
        fail("--format: '" + a.format + "' is not one of blkparse, fio, msr, csv, oracle");
    o.skip_bad = a.skip_bad;
    o.default_object_size = size_arg("--object-size", a.object_size);
    if (a.blkparse_action.size() != 1)
        fail("--blkparse-action: expected one action letter such as Q, D or C");
    o.blkparse_action = a.blkparse_action[0];
    o.csv.time = a.csv_time;
    o.csv.obj_id = a.csv_id;
    o.csv.obj_size = a.csv_size;
    o.csv.op = a.csv_op;
    o.csv.has_header = !a.csv_no_header;
    o.csv.obj_id_is_num = !a.csv_string_ids;
    if (!workload::parse_csv_delimiter(a.csv_delimiter, o.csv.delimiter))
        fail("--csv-delimiter: '" + a.csv_delimiter + "' is not one character (or 'tab', 'space')");
    if (!workload::parse_time_unit(a.csv_time_unit, o.csv.time_unit_ns))
        fail("--csv-time-unit: '" + a.csv_time_unit + "' is not one of s, ms, us, ns");
    return o;
}

EngineOptions engine_options(const ReplayArgs& a) {
    EngineOptions o;
    if (!parse_profile(a.profile, o.profile))
        fail("--profile: '" + a.profile + "' is not one of v6.2, v4.6");
    if (!parse_cache_mode(a.cache_mode, o.requests.cache_mode))
        fail("--cache-mode: '" + a.cache_mode +
             "' is not one of writethrough, writeback, writearound, none");
    o.seed = a.seed;
    o.requests.sequential_cutoff = size_arg("--sequential-cutoff", a.sequential_cutoff);
    if (a.writeback_percent > 100)
        fail("--writeback-percent: " + std::to_string(a.writeback_percent) + " is over 100");
    o.requests.writeback_percent = a.writeback_percent;
    o.requests.queue_depth = a.queue_depth;
    o.requests.write_points = a.write_points;
    o.requests.sync_writes = a.sync_writes;
    o.check_invariants = a.check;
    o.data_payload = a.data;
    o.check_index_every = 64;
    o.event_capacity = event_capacity_for(a.record);
    return o;
}

// A one-line bar redrawn in place, at most ten times a second.
class ProgressBar {
  public:
    explicit ProgressBar(bool on) : on_(on), start_(std::chrono::steady_clock::now()) {}
    void update(double p, const EngineMetrics& m) {
        if (!on_)
            return;
        const auto now = std::chrono::steady_clock::now();
        if (now - last_ < std::chrono::milliseconds(100))
            return;
        last_ = now;
        const double secs = std::chrono::duration<double>(now - start_).count();
        const int width = 30;
        const int fill = p < 0 ? 0 : int(std::min(1.0, p) * width);
        std::string bar(size_t(fill), '#');
        bar.resize(width, '.');
        std::fprintf(stderr, "\r[%s] %5.1f%%  %llu requests  %.2f M req/s  hit %.4f ", bar.c_str(),
                     p < 0 ? 0.0 : p * 100, static_cast<unsigned long long>(m.requests),
                     secs > 0 ? double(m.requests) / secs / 1e6 : 0.0, m.hit_ratio());
        drawn_ = true;
    }
    void done() {
        if (drawn_)
            std::fputs("\r\033[K", stderr);
    }
    double seconds() const {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    }

  private:
    bool on_;
    bool drawn_ = false;
    std::chrono::steady_clock::time_point start_, last_{};
};

void run_replay(const ReplayArgs& a) {
    if (a.trace.empty() == a.workload.empty())
        fail("give either a TRACE file (with --format) or --workload SPEC");
    if (!a.trace.empty() && a.format.empty())
        fail("TRACE needs --format blkparse|fio|msr|csv|oracle");

    // The source first: a bad trace or spec is refused before anything is allocated.
    std::shared_ptr<workload::RequestSource> source;
    try {
        if (!a.trace.empty())
            source = workload::open_trace_source(a.trace, trace_options(a), a.limit);
        else
            source = workload::make_workload_source(a.workload, a.seed, a.limit);
    } catch (const std::exception& e) {
        fail(e.what());
    }
    if (source->progress() < 0)
        fail("--workload '" + a.workload + "' never ends: give requests=N or --limit N");

    EngineOptions o = engine_options(a);
    o.source = source;
    std::optional<ReplacementPolicy> policy;
    if (!a.policy.empty()) {
        ReplacementPolicy p;
        if (!parse_policy(a.policy, p))
            fail("--policy: '" + a.policy + "' is not one of lru, fifo, random");
        policy = p;
    }
    // ram:SIZE is formatted here and registered as a new cache set; an image file or a
    // device goes through the safety probe and opens as `run` opens it (journal replay
    // included), keeps what the replay wrote and is stopped cleanly at the end.
    const bool ram = workload::is_ram_target(a.target);
    workload::CacheTarget ram_target;
    EngineTarget device_target;
    std::unique_ptr<Engine> engine;
    std::string why;
    if (ram) {
        if (auto s = make_ram(a.target, a.ram, policy.value_or(ReplacementPolicy::Lru), ram_target);
            !s)
            fail(s.message);
        for (const auto& w : ram_target.warnings)
            std::cerr << "replay: warning: " << w << "\n";
        engine = workload::create_engine(ram_target, o, &why);
    } else {
        TargetOptions topt;
        topt.force = a.force;
        if (Status st = open_engine_target(a.target, topt, device_target); !st)
            fail(st.message);
        for (const std::string& w : device_target.warnings)
            std::cerr << "replay: " << w << "\n";
        DeviceSettings settings;
        settings.policy = policy;
        // On a real cache every inserted sector is written, and every hit read back.
        o.data_payload = true;
        o.read_hits = true;
        engine = Engine::open(device_target.device(), o, settings, &why);
        if (engine)
            for (const std::string& n : engine->notes())
                std::cerr << "replay: note: " << n << "\n";
    }
    if (!engine)
        fail(a.target + ": " + why);
    const ondisk::CacheSuperblock& sb = ram ? ram_target.sb : device_target.sb;

    CliSession session = start_cli_session("replay", *engine, a.target, options_json(a), a.record);
    ProgressBar bar(!a.no_progress && ::isatty(STDOUT_FILENO));
    workload::ReplayOptions ropts;
    ropts.samples = a.samples;
    ropts.on_progress = [&](double p, const EngineMetrics& m) {
        session.pump();
        bar.update(p, m);
    };
    const workload::ReplayResult r = workload::replay(*engine, *source, ropts);
    bar.done();
    const std::string io_error = engine->last_error();
    bool closed = true;
    if (!ram && io_error.empty())
        closed = engine->close(&why);
    // A malformed trace stops the engine too; it is named first, as what went wrong.
    session.finish(!source->error().empty() ? "source_error"
                   : !io_error.empty()      ? "io_error"
                   : !closed                ? "close_failed"
                   : r.blocked              ? "blocked"
                                            : "completed");

    nlohmann::ordered_json j;
    j["target"] = a.target;
    j["nbuckets"] = sb.nbuckets;
    j["bucket_bytes"] = sb.bucket_sectors() << 9;
    j["block_bytes"] = uint64_t(sb.block_size) << 9;
    j["policy"] = to_string(engine->options().policy);
    j["profile"] = to_string(o.profile);
    j["cache_mode"] = to_string(o.requests.cache_mode);
    j["seed"] = a.seed;
    j["source"] = a.trace.empty() ? "workload " + a.workload : a.format + " " + a.trace;
    j["source_requests"] = source->taken();
    j["bad_records"] = source->bad_records();
    if (source->bad_records())
        j["first_bad"] = source->first_bad();
    j["steps"] = r.steps;
    j["summary"] = request_summary(r.metrics);
    j["engine"] = metrics_json(r.metrics);
    nlohmann::ordered_json samples = nlohmann::ordered_json::array();
    for (const auto& s : r.samples) {
        nlohmann::ordered_json x;
        x["requests"] = s.requests;
        x["clock_ns"] = s.clock_ns;
        x["hit_ratio"] = s.hit_ratio;
        x["in_use_percent"] = s.in_use_percent;
        x["dirty_bytes"] = s.dirty_sectors << 9;
        x["usage"] = bucket_usage_json(s.usage);
        samples.push_back(x);
    }
    j["utilisation"] = samples;
    if (a.check)
        j["violations"] = engine->violations().size();
    if (a.json)
        std::cout << j.dump(2) << "\n";
    else
        print_text(j, "", std::cout);

    const double secs = bar.seconds();
    if (::isatty(STDERR_FILENO) && secs > 0)
        std::fprintf(stderr, "replay: %llu requests in %.2f s (%.2f M req/s)\n",
                     static_cast<unsigned long long>(source->taken()), secs,
                     double(source->taken()) / secs / 1e6);
    if (source->bad_records())
        std::cerr << "replay: skipped " << source->bad_records()
                  << " malformed records; first: " << source->first_bad() << "\n";
    if (!source->error().empty())
        fail(source->error(), 3);
    if (!io_error.empty())
        fail(io_error); // names the device, the operation and the offset
    if (!closed)
        fail("clean stop failed: " + why);
    if (r.blocked)
        fail("every task blocked after " + std::to_string(r.steps) + " steps", 3);
    if (a.check && !engine->violations().empty())
        fail("invariant violated: " + engine->violations().front(), 4);
}

} // namespace

void register_replay(CLI::App& app) {
    auto a = std::make_shared<ReplayArgs>();
    CLI::App* cmd = app.add_subcommand(
        "replay", "Replay a block trace or a generated workload through the engine's request "
                  "path on a cache and print hit ratios, allocator counters and utilisation");
    cmd->add_option("target", a->target,
                    "ram:SIZE (formatted as make-bcache -C would), or an image file or block "
                    "device that format or make-bcache formatted")
        ->required();
    cmd->add_option("trace", a->trace, "Trace file (plain or zstd-compressed)");
    cmd->add_option("--format", a->format, "Trace format: blkparse, fio, msr, csv, oracle");
    cmd->add_option("--workload", a->workload,
                    "Generator spec instead of a trace, e.g. zipf:alpha=0.9,span=8G,requests=1M");
    cmd->add_option("--limit,--requests", a->limit, "Stop after N requests (0 = all)");
    cmd->add_flag("--skip-bad", a->skip_bad, "Count malformed records instead of failing");
    cmd->add_option("--csv-time-col", a->csv_time, "csv: time column (1-based, 0 = none)")
        ->capture_default_str();
    cmd->add_option("--csv-id-col", a->csv_id, "csv: object id column")->capture_default_str();
    cmd->add_option("--csv-size-col", a->csv_size, "csv: object size column (0 = none)")
        ->capture_default_str();
    cmd->add_option("--csv-op-col", a->csv_op, "csv: operation column (0 = all reads)")
        ->capture_default_str();
    cmd->add_option("--csv-delimiter", a->csv_delimiter,
                    "csv: field delimiter, one character or 'tab', 'space'")
        ->capture_default_str();
    cmd->add_flag("--csv-no-header", a->csv_no_header, "csv: the first line is a record");
    cmd->add_flag("--csv-string-ids", a->csv_string_ids,
                  "csv: object ids are names, not numbers (each name hashed to an object)");
    cmd->add_option("--csv-time-unit", a->csv_time_unit, "csv: time unit s, ms, us or ns")
        ->capture_default_str();
    cmd->add_option("--object-size", a->object_size,
                    "Size of objects whose records carry none (csv, oracle)")
        ->capture_default_str();
    cmd->add_option("--blkparse-action", a->blkparse_action,
                    "blkparse: which action's lines are requests (Q, D, C)")
        ->capture_default_str();
    add_ram_options(cmd, a->ram);
    cmd->add_option("--policy", a->policy,
                    "Replacement policy: lru, fifo or random (default: lru on ram:, the "
                    "superblock's on an image, written to it)");
    cmd->add_flag("--force", a->force,
                  "Replay onto TARGET even if it is mounted, busy or carries another signature");
    cmd->add_option("--profile", a->profile, "Kernel profile: v6.2 or v4.6")->capture_default_str();
    cmd->add_option("--seed", a->seed, "Seed of the scheduler (and of --workload)")
        ->capture_default_str();
    cmd->add_option("--cache-mode", a->cache_mode, "writethrough, writeback, writearound or none")
        ->capture_default_str();
    cmd->add_option("--sequential-cutoff", a->sequential_cutoff,
                    "Bypass sequential streams this long (0 = never)")
        ->capture_default_str();
    cmd->add_option("--writeback-percent", a->writeback_percent,
                    "Dirty share writeback aims for (0 = clean everything)")
        ->capture_default_str();
    cmd->add_option("--queue-depth", a->queue_depth, "Requests in flight (1..32)")
        ->capture_default_str();
    cmd->add_option("--write-points", a->write_points,
                    "Fold process ids onto N write points (0 = one per process)")
        ->capture_default_str();
    cmd->add_flag("--sync-writes", a->sync_writes, "Treat writes as REQ_SYNC");
    cmd->add_flag("--data", a->data,
                  "ram: targets: write the data itself (holds the whole cache in memory); always "
                  "on for an image or device");
    cmd->add_flag("--check", a->check, "Run the invariant checker (slow)");
    cmd->add_flag("--json", a->json, "Print the summary as JSON");
    cmd->add_flag("--no-progress", a->no_progress, "No progress bar");
    cmd->add_option("--samples", a->samples, "Utilisation samples over the run")
        ->capture_default_str();
    add_record_options(cmd, a->record);
    cmd->callback([a] { run_replay(*a); });
}

} // namespace bucketscope::cli
