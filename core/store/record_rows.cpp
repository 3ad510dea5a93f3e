// The metric table is written out field by field rather than generated: each name is a
// column identifier that recorded databases and scripts depend on, so adding one is a
// deliberate act and renaming one is a schema change.
#include "core/store/record_rows.h"

#include <array>
#include <string>

namespace bucketscope::store {
namespace {

FifoLevels& levels(EngineMetrics& m) {
    if (m.fifo.empty())
        m.fifo.resize(1);
    return m.fifo[0];
}

const FifoLevels& levels(const EngineMetrics& m) {
    static const FifoLevels none;
    return m.fifo.empty() ? none : m.fifo[0];
}

uint64_t total_invalidations(const EngineMetrics& m) {
    uint64_t n = 0;
    for (auto i : m.invalidations)
        n += i;
    return n;
}

#define BS_COUNTER(name, member)                                                                   \
    MetricField {                                                                                  \
        name, [](const EngineMetrics& m) { return double(m.member); },                             \
            [](EngineMetrics& m, double v) { m.member = uint64_t(v); }                             \
    }
#define BS_RESERVE(prefix, member, r)                                                              \
    MetricField {                                                                                  \
        prefix, [](const EngineMetrics& m) { return double(member(m)[r]); },                       \
            [](EngineMetrics& m, double v) { member(m)[r] = decltype(+member(m)[r])(v); }          \
    }

auto& allocs(const EngineMetrics& m) {
    return m.allocations;
}
auto& allocs(EngineMetrics& m) {
    return m.allocations;
}
auto& free_used(const EngineMetrics& m) {
    return levels(m).free_used;
}
auto& free_used(EngineMetrics& m) {
    return levels(m).free_used;
}

// Invalidations are kept per policy by the engine; a session keeps their total, which a
// replay puts back under the first policy (only the sum is ever plotted).
const std::array kFields = {
    BS_RESERVE("alloc_btree", allocs, RESERVE_BTREE),
    BS_RESERVE("alloc_prio", allocs, RESERVE_PRIO),
    BS_RESERVE("alloc_movinggc", allocs, RESERVE_MOVINGGC),
    BS_RESERVE("alloc_none", allocs, RESERVE_NONE),
    MetricField{"invalidations",
                [](const EngineMetrics& m) { return double(total_invalidations(m)); },
                [](EngineMetrics& m, double v) {
                    m.invalidations = {};
                    m.invalidations[0] = uint64_t(v);
                }},
    BS_COUNTER("alloc_waits", alloc_waits),
    BS_COUNTER("alloc_wait_ns", alloc_wait_ns),
    BS_COUNTER("prio_writes", prio_writes),
    BS_COUNTER("journal_writes", journal_writes),
    BS_COUNTER("discards", discards),
    BS_COUNTER("gc_runs", gc_runs),
    BS_COUNTER("gc_ns", gc_ns),
    BS_COUNTER("rescales", rescales),
    BS_COUNTER("writes", writes),
    BS_COUNTER("reads", reads),
    BS_COUNTER("read_hits", read_hits),
    MetricField{"hit_ratio",
                [](const EngineMetrics& m) {
                    return m.reads ? double(m.read_hits) / double(m.reads) : 0.0;
                },
                nullptr},
    // The request path's accounting, so a replay plots the hit ratios and the write
    // amplification the live workbench plotted.
    BS_COUNTER("cache_hits", cache_hits),
    BS_COUNTER("cache_misses", cache_misses),
    BS_COUNTER("cache_bypass_hits", cache_bypass_hits),
    BS_COUNTER("cache_bypass_misses", cache_bypass_misses),
    BS_COUNTER("read_sectors", read_sectors),
    BS_COUNTER("read_hit_sectors", read_hit_sectors),
    BS_COUNTER("miss_inserted_sectors", miss_inserted_sectors),
    BS_COUNTER("write_inserted_sectors", write_inserted_sectors),
    BS_COUNTER("cache_data_sectors", cache_data_sectors),
    BS_COUNTER("cache_btree_sectors", cache_btree_sectors),
    BS_COUNTER("cache_meta_sectors", cache_meta_sectors),
    BS_RESERVE("free_btree", free_used, RESERVE_BTREE),
    BS_RESERVE("free_prio", free_used, RESERVE_PRIO),
    BS_RESERVE("free_movinggc", free_used, RESERVE_MOVINGGC),
    BS_RESERVE("free_none", free_used, RESERVE_NONE),
    MetricField{"free_inc", [](const EngineMetrics& m) { return double(levels(m).free_inc_used); },
                [](EngineMetrics& m, double v) { levels(m).free_inc_used = size_t(v); }},
};

#undef BS_COUNTER
#undef BS_RESERVE

} // namespace

std::span<const MetricField> metric_fields() {
    return kFields;
}

bool set_metric(EngineMetrics& m, std::string_view name, double value) {
    for (const auto& f : kFields)
        if (f.set && name == f.name) {
            f.set(m, value);
            return true;
        }
    return false;
}

std::optional<EventKind> parse_event_kind(std::string_view name) {
    for (unsigned k = 0; k < unsigned(EventKind::Count); ++k)
        if (name == to_string(EventKind(k)))
            return EventKind(k);
    return std::nullopt;
}

std::string event_detail(const EngineEvent& e) {
    // Formatted by hand: exports write millions of these.
    std::string s = "{\"seq\":" + std::to_string(e.seq) + ",\"value\":" + std::to_string(e.value) +
                    ",\"dev\":" + std::to_string(e.dev) + ",\"task\":" + std::to_string(e.task);
    if (e.kind == EventKind::Alloc || e.kind == EventKind::AllocFail)
        s += std::string(",\"reserve\":\"") + to_string(Reserve(e.reserve)) + "\"";
    return s + '}';
}

EngineEvent to_engine_event(const EventRecord& r) {
    EngineEvent e;
    e.seq = r.seq;
    e.clock_ns = r.clock_ns;
    e.bucket = r.bucket < 0 ? 0 : uint64_t(r.bucket);
    e.value = r.value;
    e.kind = parse_event_kind(r.kind).value_or(EventKind::Error);
    e.dev = r.dev;
    e.reserve = r.reserve;
    e.task = r.task;
    return e;
}

} // namespace bucketscope::store
