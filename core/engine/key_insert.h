#pragma once
// bch_data_insert_keys for one extent, and waiting for it to be durable: the second half
// of every write, after its data is on the device (data_write.h). Every request path (the
// built-in workload, trace replay, cache modes) calls these.
//
//   insert_key:   the key goes into the journal's open entry (bch_journal) and into the
//                 btree (bch_btree_insert), in one lock hold, so journal order is insertion
//                 order. It waits first (returns a Block for the caller to hand back) while
//                 the open entry has no room for it, and, when the btree must split or
//                 rewrite a node the key lands in, takes the node buckets for that from
//                 RESERVE_BTREE first (btree_check_reserve), sleeping on btree_cache_wait
//                 when they are not there; it has no effect on the index until it succeeds.
//                 The piece is recorded for acknowledgement (Runtime::record_ack).
//   wait_durable: until the journal entry holding the key is durable (the write's
//                 FLUSH|FUA completion); only then is the write acknowledged.
// Both return done() once the cache set has stopped on an I/O error: the write is lost
// and must not be acknowledged. bucket_lock held.

#include <optional>

#include "core/engine/runtime.h"

namespace bucketscope {

// nullopt: `k` is in the index and journalled in entry *journal_seq.
std::optional<StepResult> insert_key(Runtime& rt, const Extent& k, uint64_t write_id,
                                     uint64_t* journal_seq);
// nullopt: entry `journal_seq` is durable.
std::optional<StepResult> wait_durable(Runtime& rt, uint64_t journal_seq);

} // namespace bucketscope
