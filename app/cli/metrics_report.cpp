// The engine's counters for the CLI; see metrics_report.h.
#include "app/cli/metrics_report.h"

#include <cstdio>
#include <ostream>

namespace bucketscope::cli {

namespace {

nlohmann::ordered_json reserve_counts(const std::array<uint64_t, RESERVE_NR>& a) {
    nlohmann::ordered_json j;
    for (size_t r = 0; r < RESERVE_NR; ++r)
        j[to_string(static_cast<Reserve>(r))] = a[r];
    return j;
}

// Ratios with a fixed number of decimals, so text output does not depend on how a double
// prints.
std::string fixed(double v, int decimals = 6) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

} // namespace

nlohmann::ordered_json metrics_json(const EngineMetrics& m) {
    nlohmann::ordered_json j;
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
    j["btree_writes"] = m.btree_writes;
    j["btree_replacements"] = m.btree_replacements;
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

nlohmann::ordered_json request_summary(const EngineMetrics& m) {
    nlohmann::ordered_json j;
    j["requests"] = m.requests;
    j["discard_requests"] = m.discard_requests;
    j["flush_requests"] = m.flush_requests;
    j["hit_ratio"] = fixed(m.hit_ratio());
    j["byte_hit_ratio"] = fixed(m.byte_hit_ratio());
    j["cache_hits"] = m.cache_hits;
    j["cache_misses"] = m.cache_misses;
    j["cache_bypass_hits"] = m.cache_bypass_hits;
    j["cache_bypass_misses"] = m.cache_bypass_misses;
    j["bypassed_requests"] = m.bypassed_requests;
    j["sequential_bypasses"] = m.sequential_bypasses;
    j["sectors_bypassed"] = m.sectors_bypassed;
    j["read_bytes"] = m.read_sectors << 9;
    j["read_hit_bytes"] = m.read_hit_sectors << 9;
    j["write_bytes"] = m.write_sectors << 9;
    j["discard_bytes"] = m.discard_sectors << 9;
    j["miss_inserted_bytes"] = m.miss_inserted_sectors << 9;
    j["write_inserted_bytes"] = m.write_inserted_sectors << 9;
    j["invalidated_bytes"] = m.invalidated_sectors << 9;
    j["insert_collisions"] = m.insert_collisions;
    j["insert_alloc_failures"] = m.insert_alloc_failures;
    j["backing_read_bytes"] = m.backing_read_sectors << 9;
    j["backing_write_bytes"] = m.backing_write_sectors << 9;
    j["cache_read_verified_bytes"] = m.cache_read_verified_sectors << 9;
    j["cache_read_foreign_bytes"] = m.cache_read_foreign_sectors << 9;
    j["cache_read_bad_bytes"] = m.cache_read_bad_sectors << 9;
    j["cache_read_races"] = m.cache_read_races;
    j["dirty_bytes"] = m.dirty_sectors << 9;
    j["writeback_keys_done"] = m.writeback_keys_done;
    j["writeback_keys_failed"] = m.writeback_keys_failed;
    j["writeback_bytes"] = m.writeback_sectors << 9;
    j["writeback_rate"] = m.writeback_rate;
    j["cache_data_bytes"] = m.cache_data_sectors << 9;
    j["cache_btree_bytes"] = m.cache_btree_sectors << 9;
    j["cache_meta_bytes"] = m.cache_meta_sectors << 9;
    j["write_amplification"] = fixed(m.write_amplification());
    j["in_use_percent"] = m.in_use_percent;
    return j;
}

nlohmann::ordered_json bucket_usage_json(const BucketUsage& u) {
    nlohmann::ordered_json j;
    j["buckets"] = u.buckets;
    j["pinned"] = u.pinned;
    j["unused"] = u.unused;
    j["clean"] = u.clean;
    j["dirty"] = u.dirty;
    j["metadata"] = u.metadata;
    j["live_sectors"] = u.live_sectors;
    return j;
}

void append_json(nlohmann::ordered_json& j, const nlohmann::ordered_json& more) {
    for (auto it = more.begin(); it != more.end(); ++it)
        j[it.key()] = it.value();
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


} // namespace bucketscope::cli
