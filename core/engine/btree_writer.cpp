// The btree writer's state machine; see btree_writer.h.
#include "core/engine/btree_writer.h"

#include <cassert>

namespace bucketscope {

BtreeWriter::BtreeWriter(BtreeStore& store) : Task("bcache_btree_io"), store_(store) {}

StepResult BtreeWriter::alloc(Runtime& rt) {
    CacheSet& c = rt.c;
    bool optional = false;
    const size_t need = store_.plan_replacement(&optional);
    if (!need) {
        state_ = State::Idle;
        return StepResult::yield();
    }
    // What the inserters put in reserve, then the rest (GC's rewrites) from RESERVE_BTREE.
    std::vector<Ptr> nodes = store_.take_reserved(need);
    const size_t funded = nodes.size();
    nodes.resize(need);
    size_t got = funded;
    for (; got < need; ++got)
        if (!bch_bucket_alloc_set(c, RESERVE_BTREE, 1, &nodes[got], rt.obs()))
            break;
    if (got < need) {
        for (size_t i = funded; i < got; ++i) {
            Cache& ca = *ptr_cache(c, nodes[i]);
            __bch_bucket_free(c, ca, ca.buckets[ptr_bucket(ca, nodes[i])]);
        }
        bkey_put(c, nodes.data() + funded, static_cast<unsigned>(got - funded));
        store_.add_reserved(std::span<const Ptr>(nodes.data(), funded));
        if (optional) {
            store_.cancel_optional_replacements();
            state_ = State::Idle;
            return StepResult::yield();
        }
        if (!waiting_) {
            waiting_ = true;
            wait_start_ns_ = rt.now();
            ++rt.metrics.alloc_waits;
        }
        rt.wake_allocators();
        return StepResult::block(WaitOn::BtreeCacheWait, kBtreeCacheWait);
    }
    if (waiting_) {
        waiting_ = false;
        rt.metrics.alloc_wait_ns += rt.now() - wait_start_ns_;
    }
    // Buckets the smaller split does not take stay reserved, pins held, for the next one.
    const size_t used = store_.drop_bad_keys_of_rewrites(need);
    assert(used && used <= need);
    store_.add_reserved(std::span<const Ptr>(nodes).subspan(used));
    // bch_btree_node_alloc drops the allocation pin at once; METADATA keeps them safe.
    bkey_put(c, nodes.data(), static_cast<unsigned>(used));
    ios_ = store_.replace(std::span<const Ptr>(nodes).first(used));
    next_ = 0;
    replacing_ = true;
    state_ = State::Io;
    return StepResult::yield();
}

StepResult BtreeWriter::step(Runtime& rt) {
    if (awaiting_io_) {
        awaiting_io_ = false;
        if (!io_status) {
            const IoRequest& io = ios_[next_ - 1].io;
            rt.io_failed(io.op == IoOp::Flush ? "btree flush" : "btree node write", io_status);
        }
    }
    if (rt.io_disabled())
        return StepResult::done();
    for (;;) {
        switch (state_) {
        case State::Idle:
            if (store_.flush_requested()) {
                ios_ = store_.take_appends();
                next_ = 0;
                replacing_ = false;
                state_ = State::Io;
                break;
            }
            if (store_.drop_moot_flush())
                rt.wake(kBtreeDone);
            if (store_.replacement_due()) {
                state_ = State::Alloc;
                break;
            }
            if (store_.appends_due()) {
                ios_ = store_.take_appends();
                next_ = 0;
                replacing_ = false;
                state_ = State::Io;
                break;
            }
            if (store_.rewrites_due()) {
                store_.submit_rewrites();
                state_ = State::Alloc;
                break;
            }
            return StepResult::block(WaitOn::BtreeWrite, kBtreeWork);
        case State::Alloc:
            if (store_.flush_requested()) {
                state_ = State::Idle; // the journal first: a flush needs no bucket
                break;
            }
            return alloc(rt);
        case State::Io:
            if (next_ < ios_.size()) {
                awaiting_io_ = true;
                return StepResult::do_io(ios_[next_++].io);
            }
            if (replacing_)
                store_.replacement_done();
            else
                store_.appends_done();
            ios_.clear();
            next_ = 0;
            state_ = State::Idle;
            rt.wake(kBtreeDone);
            return StepResult::yield();
        }
    }
}

} // namespace bucketscope
