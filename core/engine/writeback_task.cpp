// The writeback thread; see writeback_task.h.
#include "core/engine/writeback_task.h"

#include <algorithm>

#include "core/engine/key_insert.h"
#include "core/engine/request_state.h"

namespace bucketscope {

namespace {

constexpr size_t KEYBUF_NR = 500;
constexpr size_t MAX_WRITEBACKS_IN_PASS = 5;
constexpr uint64_t MAX_WRITESIZE_IN_PASS = 5000; // sectors
constexpr uint64_t NSEC_PER_SEC = 1'000'000'000ull;
constexpr uint64_t WRITEBACK_DELAY_NS = 30 * NSEC_PER_SEC;      // dc->writeback_delay
constexpr uint64_t RATE_UPDATE_NS = 5 * NSEC_PER_SEC;           // writeback_rate_update_seconds
constexpr int64_t RATE_UPDATE_SECONDS = 5;
constexpr int64_t P_TERM_INVERSE = 40;
constexpr int64_t I_TERM_INVERSE = 10000;
constexpr int64_t RATE_MINIMUM = 8;
constexpr unsigned FRAGMENT_LOW = 50, FRAGMENT_MID = 57, FRAGMENT_HIGH = 64;
constexpr int64_t FP_TERM_LOW = 1, FP_TERM_MID = 10, FP_TERM_HIGH = 1000;
constexpr unsigned WRITEBACK_SHARE_SHIFT = 14;

} // namespace

WritebackTask::WritebackTask() : Task("bcache_writeback") {}

bool WritebackTask::refill(Runtime& rt, VolumeState& v) {
    // bch_refill_keybuf from last_scanned to the end of the volume, then from its start
    // up to where this scan began.
    auto scan = [&](KeyPos from, KeyPos to) {
        bool stopped = false;
        rt.index->visit(v.inode, from.offset, MAX_KEY_OFFSET - from.offset, [&](const LeafKey& k) {
            if (k.pos() > to) {
                stopped = true; // MAP_DONE at the end key
                return false;
            }
            if (k.pos() <= from)
                return true;
            v.last_scanned = k.pos();
            if (!k.dirty())
                return true;
            const Extent e = k.unpack();
            auto at = std::lower_bound(v.keybuf.begin(), v.keybuf.end(), e.offset,
                                       [](const WritebackKey& w, uint64_t o) { return w.key.offset < o; });
            if (at == v.keybuf.end() || at->key.offset != e.offset)
                v.keybuf.insert(at, WritebackKey{e, false});
            if (v.keybuf.size() >= KEYBUF_NR) {
                stopped = true;
                return false;
            }
            return true;
        });
        if (!stopped)
            v.last_scanned = to;
        return !stopped || v.last_scanned >= to;
    };
    const KeyPos start{v.inode, 0}, end{v.inode, MAX_KEY_OFFSET};
    if (v.last_scanned < start || v.last_scanned > end)
        v.last_scanned = start;
    const KeyPos start_pos = v.last_scanned;
    scan(start_pos, end);
    if (v.last_scanned < end)
        return false;
    v.last_scanned = start;
    scan(start, start_pos);
    return v.last_scanned >= start_pos;
}

void WritebackTask::update_rate(Runtime& rt, VolumeState& v) {
    const uint64_t now = rt.now();
    WritebackRate& r = v.rate;
    if (!r.next_update_ns)
        r.next_update_ns = now + RATE_UPDATE_NS;
    const CacheSet& c = rt.c;
    const RequestPathState& st = *rt.requests;
    for (unsigned n = 0; now >= r.next_update_ns && n < 1000; ++n) {
        r.next_update_ns += RATE_UPDATE_NS;
        if (!rt.opts.requests.writeback_percent)
            continue;
        // __calc_target_rate, with equal shares for every backing volume.
        const uint64_t bucket = c.caches.front()->geo.bucket_size;
        uint64_t flash_dirty = 0;
        for (const VolumeState& x : st.volumes)
            if (x.seen && x.flash_only)
                flash_dirty += x.dirty_sectors;
        const uint64_t cache_sectors = c.nbuckets * bucket - std::min(flash_dirty, c.nbuckets * bucket);
        const uint64_t share = std::max<uint64_t>(
            1, (uint64_t(1) << WRITEBACK_SHARE_SHIFT) / std::max<uint64_t>(1, st.backing_volumes));
        const int64_t target = int64_t(
            ((cache_sectors * rt.opts.requests.writeback_percent / 100) * share) >> WRITEBACK_SHARE_SHIFT);
        const int64_t dirty = int64_t(v.dirty_sectors);
        const int64_t error = dirty - target;
        int64_t proportional = error / P_TERM_INVERSE;
        const unsigned in_use = c.gc_in_use_percent;
        const int64_t dirty_buckets = int64_t(c.nbuckets - c.avail_nbuckets);
        if (in_use > FRAGMENT_LOW && dirty > 0 && dirty_buckets > 0) {
            const int64_t fragment = dirty_buckets * int64_t(bucket) / dirty;
            const int64_t fp_term = in_use <= FRAGMENT_MID    ? FP_TERM_LOW * (in_use - FRAGMENT_LOW)
                                    : in_use <= FRAGMENT_HIGH ? FP_TERM_MID * (in_use - FRAGMENT_MID)
                                                              : FP_TERM_HIGH * (in_use - FRAGMENT_HIGH);
            const int64_t fps = dirty / dirty_buckets * fp_term;
            if (fragment > 3 && fps > proportional)
                proportional = fps;
        }
        if ((error < 0 && r.integral > 0) || (error > 0 && now < r.next_ns + 1'000'000))
            r.integral += error * RATE_UPDATE_SECONDS;
        const int64_t integral = r.integral / I_TERM_INVERSE;
        r.rate = std::clamp<int64_t>(proportional + integral, RATE_MINIMUM, int64_t(NSEC_PER_SEC));
    }
}

uint64_t WritebackTask::delay_ns(Runtime& rt, VolumeState& v, uint64_t sectors) {
    if (!rt.opts.requests.writeback_percent)
        return 0;
    // bch_next_delay: at most 2.5 s ahead, at most 2 s behind.
    WritebackRate& r = v.rate;
    const uint64_t now = rt.now();
    r.next_ns += sectors * NSEC_PER_SEC / uint64_t(r.rate);
    if (now + NSEC_PER_SEC * 5 / 2 < r.next_ns)
        r.next_ns = now + NSEC_PER_SEC * 5 / 2;
    if (now > 2 * NSEC_PER_SEC && now - 2 * NSEC_PER_SEC > r.next_ns)
        r.next_ns = now - 2 * NSEC_PER_SEC;
    return r.next_ns > now ? r.next_ns - now : 0;
}

StepResult WritebackTask::step(Runtime& rt) {
    RequestPathState& st = *rt.requests;
    const IoCosts& k = rt.opts.costs;
    for (;;) {
        switch (state_) {
        case State::Idle: {
            if (rt.io_disabled())
                return StepResult::done();
            const size_t n = st.volumes.size();
            size_t pick = n;
            for (size_t i = 0; i < n && pick == n; ++i) {
                const VolumeState& v = st.volumes[(volume_ + i) % n];
                if (v.seen && !v.flash_only && v.has_dirty)
                    pick = (volume_ + i) % n;
            }
            if (pick == n)
                return StepResult::block(WaitOn::WritebackWait, kWritebackWait);
            volume_ = pick;
            VolumeState& v = st.volumes[pick];
            if (!v.rate.next_ns)
                v.rate.next_ns = rt.now(); // bch_ratelimit_reset when the thread starts
            update_rate(rt, v);
            const size_t before = v.keybuf.size();
            searched_full_ = refill(rt, v);
            if (searched_full_ && v.keybuf.empty())
                v.has_dirty = false;
            state_ = State::Group;
            rt.metrics.writeback_rate = uint64_t(v.rate.rate);
            return StepResult::yield(k.gc_ns_per_bucket * (v.keybuf.size() - before + 1));
        }
        case State::Group: {
            VolumeState& v = st.volumes[volume_];
            if (v.keybuf.empty()) {
                if (!searched_full_) {
                    state_ = State::Idle;
                    break;
                }
                state_ = State::Delay;
                return StepResult::sleep_until(rt.now() + WRITEBACK_DELAY_NS);
            }
            group_ = 0;
            group_sectors_ = 0;
            while (group_ < v.keybuf.size() && group_ < MAX_WRITEBACKS_IN_PASS &&
                   group_sectors_ < MAX_WRITESIZE_IN_PASS &&
                   (group_ == 0 || v.keybuf[group_ - 1].key.offset == v.keybuf[group_].key.start())) {
                v.keybuf[group_].in_flight = true;
                group_sectors_ += v.keybuf[group_].key.size;
                ++group_;
            }
            state_ = State::Finish;
            // Read from the cache, write to the backing device, lock dropped.
            rt.metrics.backing_write_sectors += group_sectors_;
            return StepResult::yield(k.io_latency_ns + group_sectors_ * k.ns_per_sector +
                                     k.backing_latency_ns + group_sectors_ * k.backing_ns_per_sector);
        }
        case State::Finish: {
            VolumeState& v = st.volumes[volume_];
            for (; finished_ < group_; ++finished_) {
                const Extent& dirty = v.keybuf[finished_].key;
                Extent clean = dirty;
                clean.dirty = false;
                bool replaced = false;
                uint64_t seq = 0;
                if (auto r = replace_key(rt, dirty, clean, &replaced, &seq))
                    return *r;
                if (replaced) {
                    ++rt.metrics.writeback_keys_done;
                    rt.metrics.writeback_sectors += dirty.size;
                    st.add_dirty(v, -int64_t(dirty.size));
                } else {
                    ++rt.metrics.writeback_keys_failed;
                }
            }
            v.keybuf.erase(v.keybuf.begin(), v.keybuf.begin() + ptrdiff_t(group_));
            finished_ = 0;
            state_ = State::Group;
            if (const uint64_t d = delay_ns(rt, v, group_sectors_))
                return StepResult::sleep_until(rt.now() + d);
            break;
        }
        case State::Delay:
            st.volumes[volume_].rate.next_ns = rt.now(); // bch_ratelimit_reset
            volume_ = (volume_ + 1) % std::max<size_t>(1, st.volumes.size());
            state_ = State::Idle;
            break;
        }
    }
}

} // namespace bucketscope
