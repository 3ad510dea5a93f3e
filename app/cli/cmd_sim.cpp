// `bucketscope-cli sim`: the deterministic engine under the built-in write workload on a
// RAM device, printing its counters. Everything printed comes from the engine's virtual
// clock and seeded scheduler, never from wall time, so the same arguments print the same
// bytes on every run and machine.
#include "app/cli/commands.h"
#include "app/cli/session_recording.h"
#include "core/device/ram_device.h"
#include "core/engine/engine.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace bucketscope::cli {

namespace {

// The RAM device holds every byte of the cache; keep it within what a laptop can spare.
constexpr uint64_t kMaxDeviceBytes = 1ull << 30;

struct SimArgs {
    uint64_t buckets = 0;
    std::string policy = "lru";
    uint64_t seed = 1;
    uint64_t steps = 0;
    bool json = false;
    std::string profile = "v6.2";
    uint32_t bucket_size = 64;
    unsigned caches = 1;
    bool discard = false;
    unsigned processes = 4;
    RecordOptions record;
};

std::string options_json(const SimArgs& a) {
    nlohmann::ordered_json j = {
        {"command", "sim"},         {"buckets", a.buckets},
        {"policy", a.policy},       {"seed", a.seed},
        {"steps", a.steps},         {"bucket_size", a.bucket_size},
        {"caches", a.caches},       {"discard", a.discard},
        {"processes", a.processes}, {"snapshot_interval", a.record.snapshot_interval_s}};
    return j.dump();
}

[[noreturn]] void fail(const std::string& msg) {
    std::cerr << "sim: " << msg << "\n";
    throw CLI::RuntimeError(2);
}

nlohmann::ordered_json reserve_counts(const std::array<uint64_t, RESERVE_NR>& a) {
    nlohmann::ordered_json j;
    for (size_t r = 0; r < RESERVE_NR; ++r)
        j[to_string(static_cast<Reserve>(r))] = a[r];
    return j;
}

nlohmann::ordered_json to_json(const SimArgs& a, const EngineMetrics& m, uint64_t steps_run) {
    nlohmann::ordered_json j;
    j["buckets"] = a.buckets;
    j["bucket_size"] = a.bucket_size;
    j["caches"] = a.caches;
    j["policy"] = a.policy;
    j["profile"] = a.profile;
    j["seed"] = a.seed;
    j["steps"] = steps_run;
    j["clock_ns"] = m.clock_ns;
    j["allocations"] = reserve_counts(m.allocations);
    j["alloc_failures"] = reserve_counts(m.alloc_failures);
    j["alloc_waits"] = m.alloc_waits;
    j["alloc_wait_ns"] = m.alloc_wait_ns;
    nlohmann::ordered_json inv;
    for (auto p : {ReplacementPolicy::Lru, ReplacementPolicy::Fifo, ReplacementPolicy::Random})
        inv[to_string(p)] = m.invalidations[static_cast<size_t>(p)];
    j["invalidations"] = inv;
    j["invalidate_passes"] = m.invalidate_passes;
    j["policy_gave_up"] = m.policy_gave_up;
    j["allocator_pushes"] = m.allocator_pushes;
    j["prio_writes"] = m.prio_writes;
    j["prio_write_shortages"] = m.prio_write_shortages;
    j["journal_writes"] = m.journal_writes;
    j["discards"] = m.discards;
    j["gc_runs"] = m.gc_runs;
    j["gc_ns"] = m.gc_ns;
    j["rescales"] = m.rescales;
    j["writes"] = m.writes;
    j["reads"] = m.reads;
    j["read_hits"] = m.read_hits;
    j["sectors_written"] = m.sectors_written;
    j["extents_inserted"] = m.extents_inserted;
    j["errors"] = m.errors;
    nlohmann::ordered_json fifo = nlohmann::ordered_json::array();
    for (const FifoLevels& f : m.fifo) {
        nlohmann::ordered_json c;
        nlohmann::ordered_json free;
        for (size_t r = 0; r < RESERVE_NR; ++r)
            free[to_string(static_cast<Reserve>(r))] =
                std::to_string(f.free_used[r]) + "/" + std::to_string(f.free_capacity[r]);
        c["free"] = free;
        c["free_inc"] = std::to_string(f.free_inc_used) + "/" + std::to_string(f.free_inc_capacity);
        fifo.push_back(c);
    }
    j["fifo"] = fifo;
    return j;
}

// The text form: one "name value" line per counter, nested objects flattened with dots.
void print_text(const nlohmann::ordered_json& j, const std::string& prefix, std::ostream& out) {
    for (auto it = j.begin(); it != j.end(); ++it) {
        const std::string key = prefix.empty() ? it.key() : prefix + "." + it.key();
        if (it->is_object()) {
            print_text(*it, key, out);
        } else if (it->is_array()) {
            for (size_t i = 0; i < it->size(); ++i)
                print_text((*it)[i], key + "." + std::to_string(i), out);
        } else {
            out << key;
            for (size_t pad = key.size(); pad < 30; ++pad)
                out << ' ';
            out << ' ' << (it->is_string() ? it->get<std::string>() : it->dump()) << "\n";
        }
    }
}

void run_sim(const SimArgs& a) {
    EngineOptions o;
    if (!parse_policy(a.policy, o.policy))
        fail("--policy: '" + a.policy + "' is not one of lru, fifo, random");
    if (!parse_profile(a.profile, o.profile))
        fail("--profile: '" + a.profile + "' is not one of v6.2, v4.6");
    if (a.buckets <= 512)
        fail("--buckets: " + std::to_string(a.buckets) +
             " is too small: the kernel refuses caches of 512 buckets or fewer");
    const uint64_t bytes = a.buckets * (uint64_t(a.bucket_size) << 9);
    if (a.bucket_size == 0 || bytes / a.buckets != (uint64_t(a.bucket_size) << 9) ||
        bytes * a.caches > kMaxDeviceBytes)
        fail("--buckets " + std::to_string(a.buckets) + " x --bucket-size " +
             std::to_string(a.bucket_size) + " x --caches " + std::to_string(a.caches) +
             " needs more than the 1 GiB of RAM device the simulator allows");
    o.geometry.nbuckets = a.buckets;
    o.geometry.bucket_size = a.bucket_size;
    o.geometry.block_size = a.bucket_size < 8 ? static_cast<uint16_t>(a.bucket_size) : 8;
    o.geometry.first_bucket = 1;
    o.ncaches = a.caches;
    o.seed = a.seed;
    o.discard = a.discard;
    o.workload.processes = a.processes;
    o.event_capacity = event_capacity_for(a.record);

    std::vector<std::unique_ptr<RamDevice>> devs;
    std::vector<Device*> ptrs;
    for (unsigned i = 0; i < a.caches; ++i) {
        devs.push_back(std::make_unique<RamDevice>(bytes));
        ptrs.push_back(devs.back().get());
    }
    std::string why;
    auto engine = Engine::create(ptrs, o, &why);
    if (!engine)
        fail(why);
    CliSession session =
        start_cli_session("sim", *engine, devs.front()->name(), options_json(a), a.record);
    // Steps in slices so the recorder drains the event ring before it can overflow.
    constexpr uint64_t kSlice = 8192;
    uint64_t ran = 0;
    while (ran < a.steps) {
        const uint64_t want = std::min(kSlice, a.steps - ran);
        const uint64_t got = engine->step(want);
        ran += got;
        session.pump();
        if (got < want)
            break;
    }
    session.finish(ran < a.steps ? "blocked" : "completed");
    const EngineMetrics m = engine->metrics();
    const auto j = to_json(a, m, ran);
    if (a.json)
        std::cout << j.dump(2) << "\n";
    else
        print_text(j, "", std::cout);
    if (ran < a.steps) {
        std::cerr << "sim: every task blocked after " << ran << " of " << a.steps << " steps\n";
        throw CLI::RuntimeError(3);
    }
}

} // namespace

void register_sim(CLI::App& app) {
    auto args = std::make_shared<SimArgs>();
    CLI::App* cmd = app.add_subcommand(
        "sim", "Run the deterministic engine under the built-in write workload on a RAM device "
               "and print its counters");
    cmd->add_option("--buckets", args->buckets, "Buckets per cache (more than 512)")->required();
    cmd->add_option("--policy", args->policy, "Replacement policy: lru, fifo or random")
        ->capture_default_str();
    cmd->add_option("--seed", args->seed, "Seed of the scheduler and the workload")
        ->capture_default_str();
    cmd->add_option("--steps", args->steps, "Task steps to run")->required();
    cmd->add_flag("--json", args->json, "Print the counters as JSON");
    cmd->add_option("--profile", args->profile, "Kernel profile: v6.2 or v4.6")
        ->capture_default_str();
    cmd->add_option("--bucket-size", args->bucket_size, "Bucket size in sectors (power of two)")
        ->capture_default_str();
    cmd->add_option("--caches", args->caches, "Caches in the set (v4.6: up to 8)")
        ->capture_default_str();
    cmd->add_flag("--discard", args->discard, "Discard each bucket before reuse");
    cmd->add_option("--processes", args->processes, "Workload processes")->capture_default_str();
    add_record_options(cmd, args->record);
    cmd->callback([args] { run_sim(*args); });
}

} // namespace bucketscope::cli
