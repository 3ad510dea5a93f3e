// Journalling and inserting one key, and waiting for it; see key_insert.h.
#include "core/engine/key_insert.h"

#include <algorithm>

#include "core/engine/btree_store.h"
#include "core/engine/journal_writer.h"

namespace bucketscope {

namespace {
constexpr uint64_t kMaxKeySize = 0xffff; // KEY_SIZE is 16 bits on disk
} // namespace

std::optional<StepResult> reserve_btree(Runtime& rt, const Extent& range,
                                        const ExtentIndex::LeafHint* hint) {
    if (const size_t need = rt.btree->buckets_to_fund(range, hint)) {
        // btree_check_reserve: all of them or none, then sleep on btree_cache_wait.
        std::vector<Ptr> nodes(need);
        size_t got = 0;
        for (; got < need; ++got)
            if (!bch_bucket_alloc_set(rt.c, RESERVE_BTREE, 1, &nodes[got], rt.obs()))
                break;
        if (got < need) {
            for (size_t i = 0; i < got; ++i) {
                Cache& ca = *ptr_cache(rt.c, nodes[i]);
                __bch_bucket_free(rt.c, ca, ca.buckets[ptr_bucket(ca, nodes[i])]);
            }
            bkey_put(rt.c, nodes.data(), static_cast<unsigned>(got));
            ++rt.metrics.alloc_waits;
            rt.wake_allocators();
            return StepResult::block(WaitOn::BtreeCacheWait, kBtreeCacheWait);
        }
        rt.btree->add_reserved(nodes);
        rt.wake(kBtreeWork);
    }
    return std::nullopt;
}

std::optional<StepResult> insert_key(Runtime& rt, const Extent& k, uint64_t write_id,
                                     uint64_t* journal_seq, uint64_t* dirty_removed,
                                     bool acknowledge, const ExtentIndex::LeafHint* hint) {
    if (rt.io_disabled() || rt.journal->failed())
        return StepResult::done();
    if (!rt.journal->room_for(k)) {
        rt.wake(kJournalWork);
        return StepResult::block(WaitOn::Journal, kJournalWait);
    }
    if (auto r = reserve_btree(rt, k, hint))
        return r;
    *journal_seq = rt.journal->add_key(k);
    rt.btree->set_insert_seq(*journal_seq);
    rt.index->insert(k, dirty_removed, hint);
    rt.btree->set_insert_seq(0);
    if (acknowledge)
        rt.record_ack({k.inode, k.start(), k.size, write_id, k.dirty, *journal_seq});
    return std::nullopt;
}

std::optional<StepResult> replace_key(Runtime& rt, const Extent& old, const Extent& neu,
                                      bool* replaced, uint64_t* journal_seq) {
    *replaced = false;
    if (rt.io_disabled() || rt.journal->failed())
        return StepResult::done();
    if (!rt.journal->room_for(neu)) {
        rt.wake(kJournalWork);
        return StepResult::block(WaitOn::Journal, kJournalWait);
    }
    if (auto r = reserve_btree(rt, neu))
        return r;
    // The key lands in the open entry; it is added only if the replace happens.
    rt.btree->set_insert_seq(rt.journal->open_seq());
    *replaced = rt.index->replace(old, neu);
    rt.btree->set_insert_seq(0);
    if (*replaced)
        *journal_seq = rt.journal->add_key(neu);
    return std::nullopt;
}

std::optional<StepResult> invalidate(Runtime& rt, uint64_t inode, uint64_t start, uint64_t end,
                                     uint64_t* journal_seq, uint64_t* removed,
                                     uint64_t* dirty_removed) {
    *removed = *dirty_removed = 0;
    if (rt.io_disabled() || rt.journal->failed())
        return StepResult::done();
    if (start >= end)
        return std::nullopt;
    // The pointerless keys bch_data_invalidate journals, at most KEY_SIZE each; room for
    // all of them first, so the range is dropped in one lock hold.
    std::vector<ondisk::Bkey> keys;
    for (uint64_t s = start; s < end;) {
        const uint64_t e = std::min(end, s + kMaxKeySize);
        ondisk::Bkey k;
        k.inode = inode;
        k.offset = e;
        k.size = static_cast<uint32_t>(e - s);
        keys.push_back(k);
        s = e;
    }
    for (const auto& k : keys)
        if (!rt.journal->room_for(k)) {
            rt.wake(kJournalWork);
            return StepResult::block(WaitOn::Journal, kJournalWait);
        }
    // Funding per piece small enough for an Extent's size; what is reserved accumulates.
    for (uint64_t s = start; s < end;) {
        const uint64_t e = std::min<uint64_t>(end, s + (1ull << 30));
        Extent range;
        range.inode = inode;
        range.offset = e;
        range.size = static_cast<uint32_t>(e - s);
        if (auto r = reserve_btree(rt, range))
            return r;
        s = e;
    }
    uint64_t seq = 0;
    for (const auto& k : keys)
        seq = rt.journal->add_key(k);
    *journal_seq = seq;
    rt.btree->set_insert_seq(seq);
    *removed = rt.index->erase(inode, start, end - start, dirty_removed);
    rt.btree->set_insert_seq(0);
    return std::nullopt;
}

std::optional<StepResult> wait_durable(Runtime& rt, uint64_t journal_seq) {
    if (rt.journal->durable(journal_seq))
        return std::nullopt;
    if (rt.io_disabled() || rt.journal->failed())
        return StepResult::done();
    rt.wake(kJournalWork);
    return StepResult::block(WaitOn::Journal, kJournalWait);
}

} // namespace bucketscope
