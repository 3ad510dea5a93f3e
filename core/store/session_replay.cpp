// Gens for an event window come from whichever snapshot needs fewer extra events read:
// the last one before the window walked forward, or the first one after it walked back.
// Snapshots record the seq of the first event after them, so both walks cover exactly the
// events between snapshot and window.
#include "core/store/session_replay.h"

#include "core/engine/event_gens.h"
#include "core/store/record_rows.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace bucketscope::store {
namespace {

// Beyond this many events between a window and its nearest snapshot the gens are left
// unknown rather than read at the cost of a long pause.
constexpr uint64_t kMaxGenWalk = 2'000'000;
constexpr size_t kCachedSnapshots = 4;

} // namespace

SessionReplay::SessionReplay(const std::string& db, int64_t id) : reader_(db), id_(id) {
    const auto row = reader_.get(id);
    if (!row)
        throw StoreError(db + ": no session " + std::to_string(id));
    row_ = *row;
    metrics_ = reader_.metric_samples(id);
    commands_ = reader_.commands(id);
    snapshots_ = reader_.snapshots(id);

    const auto sb = nlohmann::json::parse(row_.info.superblock, nullptr, false);
    std::array<size_t, RESERVE_NR> capacity{};
    size_t free_inc_capacity = 0;
    if (sb.is_object()) {
        first_bucket_ = sb.value("first_bucket", uint64_t(0));
        bucket_size_ = sb.value("bucket_size", uint32_t(0));
        parse_policy(sb.value("policy", std::string("lru")), policy_);
        if (sb.contains("free_capacity") && sb["free_capacity"].is_array() &&
            sb["free_capacity"].size() == RESERVE_NR)
            capacity = sb["free_capacity"].get<std::array<size_t, RESERVE_NR>>();
        free_inc_capacity = sb.value("free_inc_capacity", size_t(0));
    }
    parse_profile(row_.info.profile, profile_);
    for (auto& m : metrics_) {
        m.fifo.resize(1);
        m.fifo[0].free_capacity = capacity;
        m.fifo[0].free_inc_capacity = free_inc_capacity;
    }

    bool any = false;
    auto see = [&](uint64_t t) {
        begin_ns_ = any ? std::min(begin_ns_, t) : t;
        end_ns_ = any ? std::max(end_ns_, t) : t;
        any = true;
    };
    if (const auto first = reader_.engine_events(id, 0, 1); !first.empty())
        see(first.front().clock_ns);
    if (const auto last = reader_.event_at(id, UINT64_MAX))
        see(reader_.engine_events(id, *last, 1).front().clock_ns);
    if (!metrics_.empty()) {
        see(metrics_.front().clock_ns);
        see(metrics_.back().clock_ns);
    }
    for (const auto& s : snapshots_)
        see(s.clock_ns);
    for (const auto& c : commands_)
        see(c.clock_ns);
}

size_t SessionReplay::metrics_until(uint64_t t) const {
    return size_t(
        std::upper_bound(metrics_.begin(), metrics_.end(), t,
                         [](uint64_t v, const EngineMetrics& m) { return v < m.clock_ns; }) -
        metrics_.begin());
}

std::optional<size_t> SessionReplay::nearest_snapshot(uint64_t t) const {
    std::optional<size_t> best;
    uint64_t best_distance = 0;
    for (size_t i = 0; i < snapshots_.size(); ++i) {
        const uint64_t c = snapshots_[i].clock_ns;
        const uint64_t d = c > t ? c - t : t - c;
        if (!best || d < best_distance) {
            best = i;
            best_distance = d;
        }
    }
    return best;
}

SnapshotPtr SessionReplay::snapshot(size_t index) {
    if (auto it = cache_.find(index); it != cache_.end())
        return it->second;
    auto s = std::make_shared<BucketSnapshot>(reader_.load_snapshot(id_, index));
    s->first_bucket = first_bucket_;
    s->bucket_size = bucket_size_;
    s->profile = profile_;
    s->policy = policy_;
    for (const auto& c : commands_) // the policy in force when it was taken
        if (c.clock_ns <= s->clock_ns && c.command == "set_policy")
            parse_policy(c.argument, s->policy);
    if (const size_t n = metrics_until(s->clock_ns); n > 0) {
        const FifoLevels& f = metrics_[n - 1].fifo[0];
        s->free_used = f.free_used;
        s->free_capacity = f.free_capacity;
        s->free_inc_used = f.free_inc_used;
        s->free_inc_capacity = f.free_inc_capacity;
    }
    if (cache_.size() >= kCachedSnapshots)
        cache_.erase(cache_.begin());
    cache_[index] = s;
    return s;
}

std::vector<EngineEvent> SessionReplay::load_events(uint64_t from_seq, uint64_t to_seq) const {
    std::vector<EngineEvent> out;
    if (to_seq < from_seq)
        return out;
    reader_.for_each_event(id_, from_seq, [&](const EngineEvent& e) {
        if (e.seq > to_seq)
            return false;
        out.push_back(e);
        return true;
    });
    return out;
}

SessionReplay::EventWindow SessionReplay::events_around(uint64_t t, size_t before, size_t after) {
    EventWindow w;
    const auto at_seq = reader_.event_at(id_, t);
    uint64_t from = 0;
    if (at_seq && before > 0)
        from = *at_seq >= before - 1 ? *at_seq - (before - 1) : 0;
    else if (at_seq)
        from = *at_seq + 1;
    w.events = reader_.engine_events(id_, from, before + after);
    for (const auto& e : w.events)
        w.at += at_seq && e.seq <= *at_seq;
    w.gen_after.assign(w.events.size(), 0);
    if (!w.events.empty())
        fill_gens(w);
    return w;
}

void SessionReplay::fill_gens(EventWindow& w) {
    const uint64_t lo = w.events.front().seq;
    const uint64_t hi = w.events.back().seq;
    std::optional<size_t> fwd, back; // last snapshot before the window, first after it
    for (size_t i = 0; i < snapshots_.size(); ++i) {
        const auto& e = snapshots_[i].event_seq;
        if (!e)
            continue;
        if (*e <= lo && (!fwd || *e >= *snapshots_[*fwd].event_seq))
            fwd = i;
        if (*e > hi && (!back || *e < *snapshots_[*back].event_seq))
            back = i;
    }
    const uint64_t fwd_cost = fwd ? lo - *snapshots_[*fwd].event_seq : UINT64_MAX;
    const uint64_t back_cost = back ? *snapshots_[*back].event_seq - 1 - hi : UINT64_MAX;
    if (std::min(fwd_cost, back_cost) > kMaxGenWalk)
        return;
    if (fwd_cost <= back_cost) {
        const uint64_t start = *snapshots_[*fwd].event_seq;
        auto all = start < lo ? load_events(start, lo - 1) : std::vector<EngineEvent>{};
        const size_t skip = all.size();
        all.insert(all.end(), w.events.begin(), w.events.end());
        const auto gens = gens_after_events_from(*snapshot(*fwd), all);
        w.gen_after.assign(gens.begin() + std::ptrdiff_t(skip), gens.end());
    } else {
        auto all = w.events;
        const auto tail = load_events(hi + 1, *snapshots_[*back].event_seq - 1);
        all.insert(all.end(), tail.begin(), tail.end());
        const auto gens = gens_after_events(all, *snapshot(*back));
        w.gen_after.assign(gens.begin(), gens.begin() + std::ptrdiff_t(w.events.size()));
    }
    w.gens_known = true;
}

} // namespace bucketscope::store
