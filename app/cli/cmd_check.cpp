// `bucketscope-cli check TARGET`: a filesystem checker for a cache device (core/inspect/
// fsck.h), opened read-only like inspect. Exits 0 only when everything holds; otherwise
// lists every problem and exits 1. --ack-log also verifies that every write `run`
// acknowledged reads back.
#include <CLI/CLI.hpp>

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app/cli/commands.h"
#include "core/inspect/fsck.h"
#include "core/device/open_device.h"

namespace bucketscope::cli {

namespace {

struct CheckArgs {
    std::string target;
    bool json = false;
    std::string ack_log;
    std::string profile = "v6.2";
};

[[noreturn]] void fail(const std::string& msg, int status = 2) {
    std::cerr << "check: " << msg << "\n";
    throw CLI::RuntimeError(status);
}

void run_check(const CheckArgs& a) {
    inspect::CheckOptions opt;
    if (a.profile == "v4.6")
        opt.profile = inspect::Profile::v4_6;
    else if (a.profile != "v6.2")
        fail("--profile " + a.profile + ": expected v6.2 or v4.6");
    std::vector<inspect::AckRecord> acks;
    if (!a.ack_log.empty()) {
        std::ifstream f(a.ack_log, std::ios::binary);
        if (!f)
            fail("--ack-log " + a.ack_log + ": cannot open");
        std::stringstream text;
        text << f.rdbuf();
        std::string why;
        if (!inspect::parse_ack_log(text.str(), acks, &why))
            fail(a.ack_log + ": " + why);
        opt.acks = &acks;
    }
    // O_RDONLY: check, like inspect, cannot write to what it verifies.
    auto opened = open_device(a.target, OpenMode::read_only);
    if (!opened)
        fail(opened.status.message);
    const inspect::CheckReport r = inspect::check_cache(*opened.device, opt);
    const inspect::CheckStats& s = r.stats;
    if (a.json) {
        nlohmann::ordered_json j;
        j["target"] = a.target;
        j["ok"] = r.ok();
        j["problems"] = r.problems;
        j["problems_not_listed"] = r.problems_not_listed;
        j["notes"] = r.notes;
        j["stats"] = {{"journal_entries", s.journal_entries},
                      {"journal_replay", s.journal_replay},
                      {"prio_buckets", s.prio_buckets},
                      {"btree_nodes", s.btree_nodes},
                      {"extents", s.extents},
                      {"live_extents", s.live_extents},
                      {"stale_extents", s.stale_extents},
                      {"verified_sectors", s.verified_sectors},
                      {"unverified_sectors", s.unverified_sectors},
                      {"acks", s.acks},
                      {"acks_evicted", s.acks_evicted}};
        std::cout << j.dump(2) << "\n";
    } else {
        for (const std::string& n : r.notes)
            std::cout << "note: " << n << "\n";
        std::cout << a.target << ": " << s.journal_entries << " journal entries (" << s.journal_replay
                  << " to replay), " << s.prio_buckets << " prio buckets, " << s.btree_nodes
                  << " btree nodes, " << s.extents << " extents (" << s.live_extents << " live, "
                  << s.stale_extents << " stale), " << s.verified_sectors << " sectors verified, "
                  << s.unverified_sectors << " not verifiable";
        if (opt.acks)
            std::cout << ", " << s.acks << " acknowledged sectors checked (" << s.acks_evicted
                      << " evicted)";
        std::cout << "\n";
        if (r.ok())
            std::cout << "clean\n";
    }
    if (!r.ok()) {
        std::cerr << "check: " << a.target << ": "
                  << r.problems.size() + r.problems_not_listed << " problems:\n";
        for (const std::string& p : r.problems)
            std::cerr << "  " << p << "\n";
        if (r.problems_not_listed)
            std::cerr << "  ... and " << r.problems_not_listed << " more\n";
        throw CLI::RuntimeError(1);
    }
}

} // namespace

void register_check(CLI::App& app) {
    auto args = std::make_shared<CheckArgs>();
    CLI::App* cmd = app.add_subcommand(
        "check", "Check a cache device like a filesystem checker (read-only): exit 0 only "
                 "when everything holds");
    cmd->add_option("target", args->target, "Image file or block device")->required();
    cmd->add_flag("--json", args->json, "Print the report as JSON");
    cmd->add_option("--ack-log", args->ack_log,
                    "Also verify every write `run --ack-log` acknowledged");
    cmd->add_option("--profile", args->profile, "Kernel profile: v6.2 or v4.6")
        ->check(CLI::IsMember({"v6.2", "v4.6"}));
    cmd->callback([args] { run_check(*args); });
}

} // namespace bucketscope::cli
