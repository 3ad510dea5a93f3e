// The request path's task; see workload_task.h.
#include "core/engine/workload_task.h"

#include <algorithm>
#include <bit>

#include "core/engine/data_write.h"
#include "core/engine/key_insert.h"
#include "core/engine/request_policy.h"
#include "core/engine/request_state.h"
#include "core/ondisk/data_sector.h"
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

// A request the engine cannot place: recorded as an error, the task goes on. Out of line
// and cold, so begin() builds no strings and keeps a small frame. The address is checked
// first, as begin() always did.
[[gnu::cold, gnu::noinline]] StepResult refuse(Runtime& rt, const workload::Request& r) {
    if (r.offset > UINT64_MAX - 512 - r.length)
        rt.error("request at byte " + std::to_string(r.offset) + " of " +
                 std::to_string(r.length) + " bytes runs past the end of the address space");
    else
        rt.error("request for device " + std::to_string(r.device) + ": volumes are numbered 0.." +
                 std::to_string(MAX_KEY_INODE));
    return StepResult::yield();
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
    if (r.offset > UINT64_MAX - 512 - r.length || r.device > MAX_KEY_INODE)
        return refuse(rt, r);
    start_ = r.offset >> 9;
    end_ = (r.offset + r.length + 511) >> 9;
    inode_ = r.device;
    VolumeState& v = st.volume(r.device);
    flash_only_ = v.flash_only;
    const unsigned wp = rt.opts.requests.write_points;
    write_point_ = wp && r.process >= wp ? r.process % wp : r.process;
    bypass_ = false;
    missed_ = false;
    had_miss_ = false;
    miss_insert_ = false;
    journal_seq_ = 0;
    finish_cost_ns_ = 0;
    write_id_ = rt.new_write_id();
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
    const bool read_from_cache = rt.opts.read_hits && rt.opts.data_payload;
    hits_.clear();
    uint64_t cursor = start_, hit = 0, hole_start = 0, hole_end = 0, backing = 0;
    bool first_hole = true;
    auto hole = [&](uint64_t from, uint64_t to) {
        if (from >= to)
            return;
        missed_ = true;
        if (first_hole && !bypass_ && !flash_only_ && rt.opts.requests.read_miss_inserts) {
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
        if (read_from_cache) {
            Ptr at = p;
            at.offset += from - k.start();
            hits_.push_back({at, from, static_cast<uint32_t>(to - from)});
        }
        hit += to - from;
        cursor = to;
        return true;
    }, &lookup_hint_);
    hole(cursor, end_);

    rt.metrics.read_hit_sectors += hit;
    const IoCosts& k = rt.opts.costs;
    const uint64_t miss = hole_end - hole_start;
    rt.metrics.backing_read_sectors += backing + miss;
    // The cache and backing reads run side by side; without a backing device to model (the
    // built-in workload) the whole request is charged as a cache read.
    // Hits read from the device are charged by their I/O instead.
    const uint64_t cache_ns = read_from_cache ? 0 : cache_io_ns(k, hit);
    const uint64_t cost = rt.opts.requests.backing_io
                              ? std::max(cache_ns, backing_io_ns(k, backing + miss))
                              : read_from_cache ? 0 : cache_io_ns(k, n);
    if (!hits_.empty()) {
        // after_lookup runs once the hits are read, in a later step.
        hole_start_ = hole_start;
        hole_end_ = hole_end;
        lookup_cost_ns_ = cost;
        hit_next_ = 0;
        state_ = State::HitRead;
        return read_hits(rt);
    }
    return after_lookup(rt, hole_start, hole_end, cost);
}

StepResult WorkloadTask::read_hits(Runtime& rt) {
    if (hit_next_ > 0) {
        if (!io_status) {
            rt.io_failed("cache read", io_status);
            return StepResult::done();
        }
        check_hit(rt);
    }
    if (hit_next_ == hits_.size())
        return after_lookup(rt, hole_start_, hole_end_, lookup_cost_ns_);
    const HitPiece& h = hits_[hit_next_++];
    data_.resize(size_t(h.sectors) << 9);
    IoRequest io;
    io.op = IoOp::Read;
    io.dev = h.ptr.dev;
    io.offset = h.ptr.offset << 9;
    io.length = data_.size();
    io.out = data_.data();
    return StepResult::do_io(io);
}

void WorkloadTask::check_hit(Runtime& rt) {
    const HitPiece& h = hits_[hit_next_ - 1];
    const Cache* ca = ptr_cache(rt.c, h.ptr);
    if (!ca || gen_after(ca->buckets[ptr_bucket(*ca, h.ptr)].gen, h.ptr.gen)) {
        // The bucket was invalidated while the read was in flight.
        ++rt.metrics.cache_read_races;
        rt.metrics.backing_read_sectors += h.sectors;
        return;
    }
    for (uint32_t i = 0; i < h.sectors; ++i) {
        ondisk::DataSectorHeader hdr;
        const auto sector = std::span<const std::byte>(data_).subspan(
            size_t(i) * ondisk::DATA_SECTOR_BYTES, ondisk::DATA_SECTOR_BYTES);
        switch (ondisk::decode_data_sector(sector, rt.set_magic, hdr)) {
        case ondisk::DataSectorStatus::ok:
            if (hdr.inode == inode_ && hdr.sector == h.logical + i)
                ++rt.metrics.cache_read_verified_sectors;
            else
                ++rt.metrics.cache_read_bad_sectors;
            break;
        case ondisk::DataSectorStatus::foreign: ++rt.metrics.cache_read_foreign_sectors; break;
        case ondisk::DataSectorStatus::bad_csum: ++rt.metrics.cache_read_bad_sectors; break;
        }
    }
}

StepResult WorkloadTask::after_lookup(Runtime& rt, uint64_t hole_start, uint64_t hole_end,
                                      uint64_t cost) {
    if (hole_end == hole_start)
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
        if (!flash_only_ && discard) {
            finish_cost_ns_ = k.discard_ns;
        } else if (!flash_only_) {
            rt.metrics.backing_write_sectors += n;
            finish_cost_ns_ = backing_io_ns(k, n);
        }
        state_ = State::Invalidate;
        return invalidate_rest(rt);
    }
    uint64_t backing_ns = 0;
    if (writeback) {
        bch_writeback_add(rt, v);
    } else if (rt.opts.requests.backing_io) {
        // Writethrough: the backing write runs alongside, charged with this step's result.
        rt.metrics.backing_write_sectors += n;
        backing_ns = backing_io_ns(k, n);
    }
    start_insert(rt, writeback, writeback || rt.opts.requests.writethrough_waits);
    // On to the first allocation in the same step (the loop never comes back to Idle
    // without returning, so this recursion is one level deep).
    StepResult r = step(rt);
    r.cost_ns += backing_ns;
    return r;
}

StepResult WorkloadTask::invalidate_rest(Runtime& rt) {
    uint64_t seq = 0, removed = 0, dirty = 0;
    if (offset_ < insert_end_) {
        // The kernel's check key stand-in: a pending miss insert there is cut short.
        rt.requests->index_write(inode_, offset_, insert_end_);
        if (auto r = invalidate(rt, inode_, offset_, insert_end_, &seq, &removed, &dirty))
            return *r;
    }
    rt.metrics.invalidated_sectors += removed;
    if (dirty)
        rt.requests->add_dirty(rt.requests->volume(uint32_t(inode_)), -int64_t(dirty));
    offset_ = insert_end_;
    return finish(rt, finish_cost_ns_);
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
    // The data write to the cache device, with the lock dropped (data_write.h).
    if (!rt.opts.data_payload) {
        // What the bucket held before (an old prio set or node) is gone on a real device.
        for (unsigned i = 0; i < g.nptrs; ++i)
            rt.devices[g.ptrs[i].dev]->forget(g.ptrs[i].offset * ondisk::DATA_SECTOR_BYTES,
                                              uint64_t(g.sectors) * ondisk::DATA_SECTOR_BYTES);
        io_status = Status::ok();
        return StepResult::yield(cache_io_ns(rt.opts.costs, g.sectors));
    }
    return StepResult::do_io(build_data_write(rt, g, {inode_, offset_, write_id_}, data_));
}

std::optional<StepResult> WorkloadTask::insert_piece(Runtime& rt) {
    CacheSet& c = rt.c;
    const uint64_t from = offset_, piece_end = offset_ + grant_.sectors;
    uint64_t to = piece_end;
    if (miss_insert_)
        // The replace-insert against the check key: only what is still a hole.
        to = std::min(to, std::max(rt.requests->miss_slot(slot_).end, from));
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
        if (!miss_insert_)
            rt.requests->index_write(inode_, from, to);
        if (auto r = insert_key(rt, k, write_id_, &journal_seq_, &dirty_removed,
                                /*acknowledge=*/!miss_insert_,
                                miss_insert_ ? &lookup_hint_ : nullptr)) {
            if (r->kind == StepResult::Kind::Done)
                bkey_put(c, grant_.ptrs.data(), grant_.nptrs);
            return r;
        }
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
    return std::nullopt;
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
    state_ = State::Idle;
    return StepResult::yield(cost_ns);
}

StepResult WorkloadTask::step(Runtime& rt) {
    CacheSet& c = rt.c;
    for (;;) {
        switch (state_) {
        case State::Idle: {
            if (source_done_ || rt.io_disabled())
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
        case State::HitRead:
            return read_hits(rt);
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
                if (miss_insert_)
                    return finish(rt);
                state_ = State::Invalidate;
                return invalidate_rest(rt);
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
            if (!io_status) {
                rt.io_failed("data write", io_status);
                bkey_put(c, grant_.ptrs.data(), grant_.nptrs);
                return StepResult::done();
            }
            if (auto r = insert_piece(rt))
                return *r;
            if (offset_ < insert_end_) {
                state_ = State::Alloc;
                break;
            }
            if (journal_seq_ && kind_ != Kind::Read) {
                state_ = State::Durable;
                break;
            }
            return finish(rt);
        case State::Invalidate:
            return invalidate_rest(rt);
        case State::Durable:
            // A write completes once the journal entry holding its last key is durable.
            if (auto r = wait_durable(rt, journal_seq_))
                return *r;
            return finish(rt);
        }
    }
}

} // namespace bucketscope
