// Journalling and inserting one key, and waiting for it; see key_insert.h.
#include "core/engine/key_insert.h"

#include "core/engine/btree_store.h"
#include "core/engine/journal_writer.h"

namespace bucketscope {

std::optional<StepResult> insert_key(Runtime& rt, const Extent& k, uint64_t write_id,
                                     uint64_t* journal_seq) {
    if (rt.io_disabled() || rt.journal->failed())
        return StepResult::done();
    const ondisk::Bkey key = to_bkey(k);
    if (!rt.journal->room_for(key)) {
        rt.wake(kJournalWork);
        return StepResult::block(WaitOn::Journal, kJournalWait);
    }
    if (const size_t need = rt.btree->buckets_to_fund(k)) {
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
    *journal_seq = rt.journal->add_key(key);
    rt.btree->set_insert_seq(*journal_seq);
    rt.index->insert(k);
    rt.btree->set_insert_seq(0);
    rt.record_ack({k.inode, k.start(), k.size, write_id, k.dirty, *journal_seq});
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
