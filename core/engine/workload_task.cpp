// The request path's task; see workload_task.h.
#include "core/engine/workload_task.h"

#include <algorithm>
#include <bit>

#include "core/engine/request_policy.h"
#include "core/engine/request_state.h"
#include "core/workload/request_source.h"

namespace bucketscope {

namespace {

// The cost of one I/O on the cache or the backing device; 0 sectors cost nothing.
uint64_t cache_io_ns(const IoCosts& k, uint64_t sectors) {
    return sectors ? k.io_latency_ns + sectors * k.ns_per_sector : 0;
}
uint64_t backing_io_ns(const IoCosts& k, uint64_t sectors) {
    return sectors ? k.backing_latency_ns + sectors * k.backing_ns_per_sector : 0;
}

} // namespace

WorkloadTask::WorkloadTask(std::string name, unsigned slot, workload::RequestSource& source)
    : Task(std::move(name)), slot_(slot), source_(source) {}

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

StepResult WorkloadTask::begin(Runtime& rt, const workload::Request& r) {
    ++rt.metrics.requests;
    RequestPathState& st = *rt.requests;
    if (r.op == workload::Op::Flush || r.length == 0) {
        ++rt.metrics.flush_requests;
        return StepResult::yield(rt.opts.costs.flush_ns);
    }
    if (r.offset > UINT64_MAX - 512 - r.length) {
        rt.error("request at byte " + std::to_string(r.offset) + " of " +
                 std::to_string(r.length) + " bytes runs past the end of the address space");
        return StepResult::yield();
    }
    if (r.device > MAX_KEY_INODE) {
        rt.error("request for device " + std::to_string(r.device) + ": volumes are numbered 0.." +
                 std::to_string(MAX_KEY_INODE));
        return StepResult::yield();
    }
    start_ = r.offset >> 9;
    end_ = (r.offset + r.length + 511) >> 9;
    inode_ = r.device;
    VolumeState& v = st.volume(r.device);
    flash_only_ = v.flash_only;
    const unsigned wp = rt.opts.requests.write_points;
    write_point_ = wp ? r.process % wp : r.process;
    bypass_ = false;
    missed_ = false;
    had_miss_ = false;
    finished_ = false;
    miss_insert_ = false;
    if (r.op == workload::Op::Read) {
        kind_ = Kind::Read;
        return begin_read(rt, v, r.process);
    }
    kind_ = r.op == workload::Op::Discard ? Kind::Discard : Kind::Write;
    return begin_write(rt, v, r.process);
}

StepResult WorkloadTask::begin_read(Runtime& rt, VolumeState& v, uint32_t pid) {
    CacheSet& c = rt.c;
    const uint64_t n = end_ - start_;
    rt.metrics.read_sectors += n;
    bool sequential = false;
    if (!flash_only_)
        bypass_ = check_should_bypass(rt, v, rt.requests->process(pid), false, false, start_, n,
                                      &sequential);

    // cache_lookup: walk the live extents over the range. A stale or unavailable pointer
    // is a hole, as bch_ptr_bad filters it out of the kernel's map.
    uint64_t cursor = start_, hit = 0, hole_start = 0, hole_end = 0, backing = 0;
    bool first_hole = true;
    auto hole = [&](uint64_t from, uint64_t to) {
        if (from >= to)
            return;
        missed_ = true;
        if (first_hole && !bypass_ && !flash_only_) {
            hole_start = from;
            hole_end = to;
        } else if (!flash_only_) {
            backing += to - from;
        }
        first_hole = false;
    };
    rt.index->visit(inode_, start_, n, [&](const LeafKey& k) {
        const Ptr p = k.ptr();
        Cache* ca = ptr_cache(c, p);
        if (!ca || ca->geo.nr_this_dev != p.dev)
            return true;
        Bucket& b = ca->buckets[p.offset >> std::countr_zero(ca->geo.bucket_size)];
        if (gen_after(b.gen, p.gen))
            return true;
        const uint64_t from = std::max(k.start(), start_), to = std::min(k.offset, end_);
        hole(cursor, from);
        c.prio_clock.set(b, INITIAL_PRIO); // cache_lookup_fn: ptr 0's bucket
        hit += to - from;
        cursor = to;
        return true;
    });
    hole(cursor, end_);

    rt.metrics.read_hit_sectors += hit;
    const IoCosts& k = rt.opts.costs;
    const uint64_t miss = hole_end - hole_start;
    rt.metrics.backing_read_sectors += backing + miss;
    const uint64_t cost = std::max(cache_io_ns(k, hit), backing_io_ns(k, backing + miss));
    if (!miss)
        return finish(rt, cost);
    // cache_miss: a check key over the hole (it displaces any other pending insert there),
    // then the backing read; the insert follows when it returns.
    rt.requests->index_write(inode_, hole_start, hole_end);
    MissRange& m = rt.requests->miss_slot(slot_);
    m = MissRange{inode_, hole_start, hole_end, true};
    had_miss_ = true;
    offset_ = hole_start;
    insert_end_ = hole_end;
    state_ = State::MissRead;
    return StepResult::yield(cost);
}

StepResult WorkloadTask::begin_write(Runtime& rt, VolumeState& v, uint32_t pid) {
    const uint64_t n = end_ - start_;
    const bool discard = kind_ == Kind::Discard;
    (discard ? rt.metrics.discard_sectors : rt.metrics.write_sectors) += n;
    bool writeback = false;
    if (flash_only_) {
        // flash_dev_submit_bio: discards invalidate, everything else is writeback.
        bypass_ = discard;
        writeback = !discard;
    } else {
        bool sequential = false;
        bypass_ = check_should_bypass(rt, v, rt.requests->process(pid), true, discard, start_, n,
                                      &sequential);
        if (rt.requests->writeback_overlaps(v, start_, end_)) {
            bypass_ = false;
            writeback = true;
        }
        if (discard)
            bypass_ = true;
        if (should_writeback(rt.opts.requests, rt.c.gc_in_use_percent, discard, bypass_)) {
            bypass_ = false;
            writeback = true;
        }
    }
    const IoCosts& k = rt.opts.costs;
    offset_ = start_;
    insert_end_ = end_;
    if (bypass_) {
        invalidate(rt, start_);
        if (flash_only_)
            return finish(rt);
        if (discard)
            return finish(rt, k.discard_ns);
        rt.metrics.backing_write_sectors += n;
        return finish(rt, backing_io_ns(k, n));
    }
    uint64_t cost = 0;
    if (writeback) {
        bch_writeback_add(rt, v);
    } else {
        rt.metrics.backing_write_sectors += n; // writethrough: the backing write runs alongside
        cost = backing_io_ns(k, n);
    }
    start_insert(rt, writeback, writeback);
    return StepResult::yield(cost);
}

void WorkloadTask::invalidate(Runtime& rt, uint64_t from) {
    if (from >= insert_end_)
        return;
    rt.requests->index_write(inode_, from, insert_end_);
    uint64_t dirty = 0;
    rt.metrics.invalidated_sectors += rt.index->erase(inode_, from, insert_end_ - from, &dirty);
    if (dirty)
        rt.requests->add_dirty(rt.requests->volume(uint32_t(inode_)), -int64_t(dirty));
    // Splitting an extent in two can overfill a leaf; the next step splits it.
    if (rt.index->nodes_needed())
        state_ = State::NodeAlloc;
}

void WorkloadTask::start_insert(Runtime& rt, bool dirty, bool may_wait) {
    miss_insert_ = kind_ == Kind::Read;
    dirty_ = dirty;
    may_wait_ = may_wait;
    // bch_data_insert_start: the whole insert counts towards the next GC.
    rt.c.sectors_to_gc -= int64_t(insert_end_ - offset_);
    if (rt.c.sectors_to_gc < 0)
        rt.wake(kGcWait);
    state_ = State::Alloc;
}

StepResult WorkloadTask::write_data(Runtime& rt, const SectorGrant& g) {
    // The data write to the cache device, with the lock dropped: charged to the clock.
    return StepResult::yield(cache_io_ns(rt.opts.costs, g.sectors));
}

uint64_t WorkloadTask::insert_piece(Runtime& rt) {
    CacheSet& c = rt.c;
    const uint64_t from = offset_, piece_end = offset_ + grant_.sectors;
    uint64_t to = piece_end;
    if (miss_insert_) {
        // The replace-insert against the check key: only what is still a hole.
        to = std::min(to, std::max(rt.requests->miss_slot(slot_).end, from));
    } else {
        rt.requests->index_write(inode_, from, to);
    }
    uint64_t inserted = 0;
    if (to > from) {
        Extent k;
        k.inode = inode_;
        k.offset = piece_end;
        k.size = grant_.sectors;
        k.dirty = dirty_;
        k.nptrs = grant_.nptrs;
        k.ptrs = grant_.ptrs;
        if (to < piece_end)
            k.cut(from, to);
        uint64_t dirty_removed = 0;
        rt.index->insert(k, &dirty_removed);
        inserted = to - from;
        VolumeState& v = rt.requests->volume(uint32_t(inode_));
        if (dirty_ || dirty_removed)
            rt.requests->add_dirty(v, (dirty_ ? int64_t(inserted) : 0) - int64_t(dirty_removed));
        ++rt.metrics.extents_inserted;
    }
    bkey_put(c, grant_.ptrs.data(), grant_.nptrs);
    (miss_insert_ ? rt.metrics.miss_inserted_sectors : rt.metrics.write_inserted_sectors) +=
        inserted;
    offset_ = piece_end;
    return inserted;
}

StepResult WorkloadTask::finish(Runtime& rt, uint64_t cost_ns) {
    switch (kind_) {
    case Kind::Read: {
        ++rt.metrics.reads;
        if (!missed_)
            ++rt.metrics.read_hits;
        if (!flash_only_) {
            // bch_mark_cache_accounting
            if (!bypass_)
                ++(missed_ ? rt.metrics.cache_misses : rt.metrics.cache_hits);
            else
                ++(missed_ ? rt.metrics.cache_bypass_misses : rt.metrics.cache_bypass_hits);
        }
        if (had_miss_) {
            MissRange& m = rt.requests->miss_slot(slot_);
            if (m.end < insert_end_)
                ++rt.metrics.insert_collisions; // a write landed in the hole meanwhile
            m.active = false;
        }
        break;
    }
    case Kind::Write: ++rt.metrics.writes; break;
    case Kind::Discard: ++rt.metrics.discard_requests; break;
    }
    finished_ = true;
    if (state_ != State::NodeAlloc)
        state_ = State::Idle;
    return StepResult::yield(cost_ns);
}

StepResult WorkloadTask::step(Runtime& rt) {
    CacheSet& c = rt.c;
    for (;;) {
        switch (state_) {
        case State::Idle: {
            if (source_done_)
                return StepResult::done();
            workload::Request r;
            if (!source_.next(r)) {
                source_done_ = true;
                if (!source_.error().empty())
                    rt.error(source_.error());
                return StepResult::done();
            }
            return begin(rt, r);
        }
        case State::MissRead:
            // The backing read returned: insert what is still a hole.
            if (rt.requests->miss_slot(slot_).end <= offset_)
                return finish(rt);
            start_insert(rt, false, false);
            break;
        case State::Alloc: {
            SectorRequest req;
            req.inode = inode_;
            req.offset = offset_;
            req.sectors = static_cast<uint32_t>(std::min<uint64_t>(insert_end_ - offset_, UINT16_MAX));
            req.write_point = write_point_;
            req.flash_only = flash_only_;
            const auto grant = bch_alloc_sectors(c, req, rt.obs());
            if (!grant) {
                if (may_wait_) {
                    begin_wait(rt);
                    return StepResult::block(WaitOn::BucketWait, kBucketWait);
                }
                // bch_data_insert_start's error path: a writethrough write invalidates the
                // rest rather than wait; a cache-miss insert keeps what it placed.
                ++rt.metrics.insert_alloc_failures;
                if (!miss_insert_)
                    invalidate(rt, offset_);
                return finish(rt);
            }
            end_wait(rt);
            grant_ = *grant;
            if (dirty_) {
                // Writeback data: its buckets are DIRTY from now on (bch_data_insert_start).
                for (unsigned i = 0; i < grant_.nptrs; ++i) {
                    Cache& ca = *ptr_cache(c, grant_.ptrs[i]);
                    ca.buckets[ptr_bucket(ca, grant_.ptrs[i])].set_mark(GcMark::Dirty);
                }
            }
            rt.metrics.sectors_written += grant_.sectors;
            state_ = State::Insert;
            return write_data(rt, grant_);
        }
        case State::Insert:
            insert_piece(rt);
            if (rt.index->nodes_needed()) {
                state_ = State::NodeAlloc;
                break;
            }
            if (offset_ < insert_end_) {
                state_ = State::Alloc;
                break;
            }
            return finish(rt);
        case State::NodeAlloc: {
            // btree_check_reserve: all the node buckets or none, sleeping on
            // btree_cache_wait until the allocator has pushed enough.
            const size_t need = rt.index->nodes_needed();
            std::vector<Ptr> nodes(need);
            size_t got = 0;
            for (; got < need; ++got)
                if (!bch_bucket_alloc_set(c, RESERVE_BTREE, 1, &nodes[got], rt.obs()))
                    break;
            if (got < need) {
                for (size_t i = 0; i < got; ++i) {
                    Cache& ca = *ptr_cache(c, nodes[i]);
                    __bch_bucket_free(c, ca, ca.buckets[ptr_bucket(ca, nodes[i])]);
                }
                bkey_put(c, nodes.data(), static_cast<unsigned>(got));
                begin_wait(rt);
                return StepResult::block(WaitOn::BtreeCacheWait, kBtreeCacheWait);
            }
            end_wait(rt);
            bkey_put(c, nodes.data(), static_cast<unsigned>(need));
            const size_t used = rt.index->split(c, nodes);
            const uint32_t node_sectors = rt.index->geometry().node_sectors;
            for (size_t i = 0; i < used; ++i)
                ptr_cache(c, nodes[i])->btree_sectors_written += node_sectors;
            state_ = State::NodeWritten;
            // The new nodes and their parent are written with the lock dropped.
            return StepResult::yield(rt.opts.costs.io_latency_ns +
                                     used * node_sectors * rt.opts.costs.ns_per_sector);
        }
        case State::NodeWritten:
            rt.index->complete_node_frees(c);
            rt.wake_allocators(); // prio_blocked went down
            if (finished_) { // a bypass or a failed insert already completed the request
                state_ = State::Idle;
                return StepResult::yield();
            }
            if (offset_ < insert_end_) {
                state_ = State::Alloc;
                break;
            }
            state_ = State::Idle;
            return finish(rt);
        }
    }
}

} // namespace bucketscope
