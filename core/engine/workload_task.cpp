// The built-in workload process; see workload_task.h.
#include "core/engine/workload_task.h"

#include <algorithm>

#include "core/alloc/random.h"
#include "core/engine/data_write.h"
#include "core/engine/key_insert.h"

namespace bucketscope {

namespace {
constexpr unsigned kFlashVolumePercent = 15;

uint64_t journal_keys(uint64_t nbuckets) {
    return std::clamp<uint64_t>(nbuckets >> 7, 2, 256);
}
} // namespace

VolumeLayout volume_layout(const EngineOptions& opts) {
    const CacheGeometry& g = opts.geometry;
    const uint64_t per_cache =
        (g.nbuckets - g.first_bucket - journal_keys(g.nbuckets)) * g.bucket_size;
    const uint64_t capacity = per_cache * opts.ncaches;
    VolumeLayout v;
    v.cached_sectors = opts.workload.volume_sectors ? opts.workload.volume_sectors : 2 * capacity;
    v.flash_sectors = std::max<uint64_t>(capacity * kFlashVolumePercent / 100, g.block_size);
    const uint64_t block = g.block_size;
    v.cached_sectors = std::max(block, v.cached_sectors / block * block);
    v.flash_sectors = std::max(block, v.flash_sectors / block * block);
    return v;
}

WorkloadTask::WorkloadTask(unsigned process, uint64_t seed, bool flash_only,
                           const VolumeLayout& vol)
    : Task("writer/" + std::to_string(process)), process_(process),
      rng_(seed ^ (0x9e3779b97f4a7c15ull * (process + 1))), flash_only_(flash_only),
      inode_(flash_only ? kFlashInode : kCachedInode),
      volume_sectors_(flash_only ? vol.flash_sectors : vol.cached_sectors) {}

uint64_t WorkloadTask::draw(uint64_t n) { return n ? splitmix64_next(rng_) % n : 0; }

void WorkloadTask::begin_wait(Runtime& rt) {
    if (waiting_)
        return;
    waiting_ = true;
    wait_start_ns_ = rt.now();
    ++rt.metrics.alloc_waits;
}

void WorkloadTask::end_wait(Runtime& rt) {
    if (!waiting_)
        return;
    waiting_ = false;
    rt.metrics.alloc_wait_ns += rt.now() - wait_start_ns_;
}

StepResult WorkloadTask::read(Runtime& rt) {
    const WorkloadParams& w = rt.opts.workload;
    const uint64_t block = rt.opts.geometry.block_size;
    const uint64_t blocks = std::max<uint64_t>(1, w.max_write_sectors / block);
    const uint64_t len = block * (1 + draw(blocks));
    const uint64_t start = draw(std::max<uint64_t>(1, volume_sectors_ / block)) * block;
    ++rt.metrics.reads;
    bool hit = false;
    for (const Extent& k : rt.index->lookup(inode_, start, len)) {
        for (unsigned i = 0; i < k.nptrs; ++i) {
            const Ptr& p = k.ptrs[i];
            if (!ptr_available(rt.c, p) || ptr_stale(rt.c, p))
                continue;
            Cache& ca = *ptr_cache(rt.c, p);
            ca.buckets[ptr_bucket(ca, p)].prio = INITIAL_PRIO; // cache_lookup_fn
            hit = true;
        }
    }
    if (hit)
        ++rt.metrics.read_hits;
    if (!flash_only_)
        rt.rescale(static_cast<int>(len));
    return StepResult::yield(rt.opts.costs.io_latency_ns + len * rt.opts.costs.ns_per_sector);
}

void WorkloadTask::start_write(Runtime& rt) {
    const WorkloadParams& w = rt.opts.workload;
    const uint64_t block = rt.opts.geometry.block_size;
    const uint64_t blocks = std::max<uint64_t>(1, w.max_write_sectors / block);
    uint64_t len = block * (1 + draw(blocks));
    uint64_t start = next_sequential_;
    if (draw(100) >= w.sequential_percent || start >= volume_sectors_)
        start = draw(std::max<uint64_t>(1, volume_sectors_ / block)) * block;
    len = std::min(len, volume_sectors_ - start);
    offset_ = start;
    remaining_ = len;
    write_id_ = rt.new_write_id();
    next_sequential_ = start + len;
    if (!flash_only_)
        rt.rescale(static_cast<int>(len)); // check_should_bypass
}

StepResult WorkloadTask::step(Runtime& rt) {
    CacheSet& c = rt.c;
    for (;;) {
        switch (state_) {
        case State::Idle: {
            const WorkloadParams& w = rt.opts.workload;
            if (rt.io_disabled() ||
                (w.max_writes_per_process && writes_done_ >= w.max_writes_per_process))
                return StepResult::done();
            if (draw(100) < w.read_percent)
                return read(rt);
            start_write(rt);
            state_ = State::Alloc;
            break;
        }
        case State::Alloc: {
            SectorRequest req;
            req.inode = inode_;
            req.offset = offset_;
            req.sectors = static_cast<uint32_t>(std::min<uint64_t>(remaining_, UINT16_MAX));
            req.write_point = process_;
            req.flash_only = flash_only_;
            const auto grant = bch_alloc_sectors(c, req, rt.obs());
            if (!grant) {
                begin_wait(rt);
                return StepResult::block(WaitOn::BucketWait, kBucketWait);
            }
            end_wait(rt);
            grant_ = *grant;
            if (flash_only_) {
                // Writeback data: its buckets are DIRTY from now on (bch_data_insert_start).
                for (unsigned i = 0; i < grant_.nptrs; ++i) {
                    Cache& ca = *ptr_cache(c, grant_.ptrs[i]);
                    ca.buckets[ptr_bucket(ca, grant_.ptrs[i])].set_mark(GcMark::Dirty);
                }
            }
            rt.metrics.sectors_written += grant_.sectors;
            state_ = State::Insert;
            // The data write, with the lock dropped.
            return StepResult::do_io(
                build_data_write(rt, grant_, {inode_, offset_, write_id_}, data_));
        }
        case State::Insert: {
            if (!io_status) {
                rt.io_failed("data write", io_status);
                bkey_put(c, grant_.ptrs.data(), grant_.nptrs);
                return StepResult::done();
            }
            Extent k;
            k.inode = inode_;
            k.offset = offset_ + grant_.sectors;
            k.size = grant_.sectors;
            k.dirty = flash_only_;
            k.nptrs = grant_.nptrs;
            k.ptrs = grant_.ptrs;
            if (auto r = insert_key(rt, k, write_id_, &journal_seq_)) {
                if (r->kind == StepResult::Kind::Done)
                    bkey_put(c, grant_.ptrs.data(), grant_.nptrs);
                return *r;
            }
            bkey_put(c, grant_.ptrs.data(), grant_.nptrs);
            ++rt.metrics.extents_inserted;
            c.sectors_to_gc -= grant_.sectors;
            if (c.sectors_to_gc < 0)
                rt.wake(kGcWait);
            offset_ += grant_.sectors;
            remaining_ -= grant_.sectors;
            state_ = remaining_ ? State::Alloc : State::Durable;
            break;
        }
        case State::Durable:
            // The write completes once the journal entry holding its last key is durable.
            if (auto r = wait_durable(rt, journal_seq_))
                return *r;
            ++writes_done_;
            ++rt.metrics.writes;
            state_ = State::Idle;
            return StepResult::yield();
        }
    }
}

} // namespace bucketscope
