// The first registration of a cache set that only make-bcache has touched
// (allocator-semantics.md 4.3, run_cache_set's non-SYNC branch), in the kernel's order:
//
//   1. keys = clamp(nbuckets >> 7, 2, 256) journal buckets d[i] = first_bucket + i;
//   2. bch_initial_gc_finish: journal buckets METADATA, free[PRIO] then free[BTREE] seeded
//      with invalidated buckets (these skip the durable-gen rule: nothing lives in them);
//   3. the allocator starts; without CACHE_SYNC it invalidates and pushes straight away;
//   4. bch_prio_write(wait = true) per cache: its buckets come through the fast path, NONE
//      first, and its journal_meta does nothing yet (no CACHE_SYNC);
//   5. __uuid_write: one RESERVE_BTREE bucket holding a zeroed uuid array;
//   6. the root node: a RESERVE_BTREE bucket, an empty leaf with key MAX_KEY;
//   7. CACHE_SYNC = 1 and the first journal entry (seq 1, in d[1]) naming root, uuid
//      bucket and prio buckets — from here on the gens written in step 4 are durable.
// In the kernel the allocator thread runs concurrently with 4-6; here it runs whenever
// registration would otherwise wait for a bucket, which is when the kernel's would matter.
#include <algorithm>

#include "core/alloc/random.h"
#include "core/engine/engine_impl.h"
#include "core/engine/builtin_source.h"
#include "core/ondisk/data_sector.h"
#include "core/ondisk/bkey.h"
#include "core/ondisk/bset.h"

namespace bucketscope {

namespace {

// Runs the allocators until none makes progress; true if any step ran that did not
// immediately block.
bool run_allocators(Engine::Impl& e) {
    bool progress = false;
    for (AllocatorTask* a : e.allocators)
        progress |= e.run_until_blocked(*a) > 1;
    return progress;
}

bool write_whole(Engine::Impl& e, unsigned dev, uint64_t bucket,
                 const std::vector<std::byte>& bytes, std::string* why, const char* what) {
    IoRequest io;
    io.op = IoOp::Write;
    io.dev = dev;
    io.offset = bucket * e.c.caches[dev]->geo.bucket_bytes();
    io.length = bytes.size();
    io.data = bytes.data();
    uint64_t cost = 0;
    const Status st = e.rt->perform_io(io, &cost);
    e.rt->advance(cost);
    if (!st && why)
        *why = std::string(what) + " write to bucket " + std::to_string(bucket) + ": " +
               st.message;
    return bool(st);
}

// bch_bucket_alloc_set(RESERVE_BTREE, wait = true): runs the allocators while it fails.
bool alloc_btree_bucket(Engine::Impl& e, Ptr& out, std::string* why, const char* what) {
    for (;;) {
        if (bch_bucket_alloc_set(e.c, RESERVE_BTREE, 1, &out, e.rt->obs()))
            return true;
        if (!run_allocators(e)) {
            if (why)
                *why = std::string("registration: no bucket for the ") + what +
                       " (RESERVE_BTREE and RESERVE_NONE empty)";
            return false;
        }
    }
}

} // namespace

std::vector<ondisk::UuidEntry> engine_volumes(const EngineOptions& opts, uint64_t set_magic) {
    const VolumeLayout vol = volume_layout(opts);
    std::vector<ondisk::UuidEntry> out(2);
    uint64_t s = set_magic ^ 0x766f6c756d6573ull;
    for (size_t i = 0; i < out.size(); ++i) {
        ondisk::UuidEntry& u = out[i];
        for (size_t b = 0; b < u.uuid.size(); b += 8) {
            const uint64_t r = splitmix64_next(s);
            for (size_t k = 0; k < 8; ++k)
                u.uuid[b + k] = static_cast<uint8_t>(r >> (8 * k));
        }
        const std::string label = std::string(ondisk::ENGINE_VOLUME_LABEL) +
                                  (i == kCachedInode ? " cached volume" : " flash volume");
        std::copy(label.begin(), label.end(), u.label.begin());
    }
    // Volume 1 is the built-in workload's flash-only volume; a replay's volumes are all
    // backing devices (EngineOptions::requests.volumes says which is which).
    const auto& vols = opts.requests.volumes;
    if (opts.source ? kFlashInode < vols.size() && vols[kFlashInode].flash_only : true) {
        out[kFlashInode].flags = ondisk::UUID_FLASH_ONLY;
        out[kFlashInode].sectors = vol.flash_sectors;
    }
    return out;
}

uint64_t Engine::Impl::run_until_blocked(Task& t) {
    uint64_t steps = 0;
    rt->current_task = t.id;
    for (;;) {
        const StepResult r = t.step(*rt);
        ++steps;
        rt->advance(opts.costs.step_ns + r.cost_ns);
        if (r.kind == StepResult::Kind::Io) {
            uint64_t cost = 0;
            t.io_status = rt->perform_io(r.io, &cost);
            rt->advance(cost);
            continue;
        }
        if (r.kind != StepResult::Kind::Yield)
            return steps;
    }
}

bool register_new_cache_set(Engine::Impl& e, std::string* why) {
    CacheSet& c = e.c;
    Runtime& rt = *e.rt;

    // 1. Journal buckets. cache_alloc() already sized the reserves with keys = 0.
    rt.roots.journal_buckets.clear();
    for (auto& ca : c.caches) {
        const uint64_t keys = std::clamp<uint64_t>(ca->geo.nbuckets >> 7, 2, 256);
        ca->geo.njournal_buckets = static_cast<uint16_t>(keys);
        std::vector<uint64_t> d(keys);
        for (uint64_t i = 0; i < keys; ++i)
            d[i] = ca->geo.first_bucket + i;
        rt.roots.journal_buckets.push_back(std::move(d));
    }

    // 2.
    e.initial_seeded = bch_initial_gc_finish(c, rt.roots, rt.obs());

    // 3.
    run_allocators(e);

    // 4.
    for (size_t i = 0; i < c.caches.size(); ++i) {
        PrioWriter& pw = *e.prio[i];
        pw.begin(/*wait=*/true);
        Status last;
        for (;;) {
            const auto r = pw.step(last);
            if (!r)
                break;
            if (r->kind == StepResult::Kind::Io) {
                uint64_t cost = 0;
                last = rt.perform_io(r->io, &cost);
                rt.advance(cost);
                continue;
            }
            if (!run_allocators(e)) {
                if (why)
                    *why = "registration: no bucket for the prio write of cache " +
                           std::to_string(i);
                return false;
            }
        }
    }

    // 5. The uuid array: one bucket (v6: meta_bucket_bytes of it). The kernel's is zeroed
    // until a device attaches; the engine's names its two volumes right away.
    Ptr uuid;
    if (!alloc_btree_bucket(e, uuid, why, "uuid bucket"))
        return false;
    Cache& ca0 = *c.caches.front();
    const auto uuids = engine_volumes(e.opts, rt.set_magic);
    if (!write_whole(e, uuid.dev, ptr_bucket(ca0, uuid),
                     ondisk::encode_uuid_bucket(uuids, false, ca0.geo.prio_buffer_bytes(c.profile)),
                     why, "uuid"))
        return false;
    if (c.profile == KernelProfile::V6_2)
        ca0.meta_sectors_written += ca0.geo.bucket_size;
    bkey_put(c, &uuid, 1);
    rt.uuid_bucket = uuid;
    rt.has_uuid_bucket = true;
    rt.roots.uuid_ptrs = {uuid};

    // 6. The root: an empty leaf. Its node key's pin is dropped at once, as
    // bch_btree_node_alloc does; its METADATA mark keeps it safe until GC finds it.
    Ptr root;
    if (!alloc_btree_bucket(e, root, why, "btree root"))
        return false;
    bkey_put(c, &root, 1);
    e.index->init_root(root);
    // One empty version-1 bset; the kernel draws a node's bset seq at random.
    const uint64_t bset_seq = e.btree->new_bset_seq();
    const uint64_t block_bytes = uint64_t(ca0.geo.block_size) << 9;
    const auto node = ondisk::encode_bset({}, rt.set_magic, bset_seq, ondisk::BCACHE_BSET_VERSION,
                                          ondisk::make_ptr(root.gen, root.offset, root.dev),
                                          block_bytes);
    IoRequest node_io;
    node_io.op = IoOp::Write;
    node_io.dev = root.dev;
    node_io.offset = root.offset << 9;
    node_io.length = node.size();
    node_io.data = node.data();
    uint64_t node_cost = 0;
    if (const Status st = rt.perform_io(node_io, &node_cost); !st) {
        if (why)
            *why = "btree root write: " + st.message;
        return false;
    }
    rt.advance(node_cost);
    ca0.btree_sectors_written += node.size() >> 9;
    e.btree->adopt_written(e.index->root_id(), bset_seq,
                           static_cast<uint32_t>(node.size() / block_bytes));

    // 7.
    c.sync = true;
    e.journal->request_meta();
    if (!e.write_journal_now(why))
        return false;
    for (auto& pw : e.prio)
        pw->commit_pending();
    return true;
}

bool Engine::Impl::write_journal_now(std::string* why) {
    PreparedJset j;
    uint64_t pinned = 0;
    if (!journal->begin_write(btree->last_seq(journal->open_seq()), j, &pinned)) {
        if (why)
            *why = "journal: no free journal bucket (entries up to seq " +
                   std::to_string(pinned) + " are still needed)";
        return false;
    }
    auto fail = [&](const Status& st) {
        journal->write_failed();
        if (why)
            *why = "journal write seq " + std::to_string(j.seq) + ": " + st.message;
        return false;
    };
    for (size_t i = 0; i < j.offset_bytes.size(); ++i) {
        IoRequest io;
        io.dev = static_cast<unsigned>(i);
        uint64_t cost = 0;
        io.op = IoOp::Flush;
        if (rt->device_dirty(io.dev))
            if (Status st = rt->perform_io(io, &cost); !st)
                return fail(st);
        io.op = IoOp::Write;
        io.offset = j.offset_bytes[i];
        io.length = j.buf.size();
        io.data = j.buf.data();
        if (Status st = rt->perform_io(io, &cost); !st)
            return fail(st);
        io.op = IoOp::Flush;
        if (Status st = rt->perform_io(io, &cost); !st)
            return fail(st);
        rt->advance(cost);
    }
    journal->written(j);
    rt->journal_durable(j.seq);
    btree->complete_deferred_frees();
    return true;
}

} // namespace bucketscope
