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
//                 The piece is recorded for acknowledgement (Runtime::record_ack) when it
//                 is a write's. Cache-miss data is journalled too, unlike the kernel's
//                 replace inserts (which pass no journal ref), so that a synced engine's
//                 disk holds every key its index does.
//   replace_key:  write_dirty_finish's replace-insert: `neu` goes in only if `old` is still
//                 in the index exactly, journalled as above.
//   invalidate:   bch_data_invalidate: pointerless keys over a range, journalled, dropping
//                 whatever the index holds there (bypassed writes, discards).
//   wait_durable: until the journal entry holding the key is durable (the write's
//                 FLUSH|FUA completion); only then is the write acknowledged.
// All return done() once the cache set has stopped on an I/O error: the write is lost
// and must not be acknowledged. bucket_lock held.

#include <optional>

#include "core/engine/runtime.h"

namespace bucketscope {

// nullopt: `k` is in the index (and journalled in entry *journal_seq when given).
// `dirty_removed`, if given, gets the dirty sectors the key overwrote. `hint`: where a
// lookup began, for ExtentIndex::insert.
std::optional<StepResult> insert_key(Runtime& rt, const Extent& k, uint64_t write_id,
                                     uint64_t* journal_seq, uint64_t* dirty_removed = nullptr,
                                     bool acknowledge = true,
                                     const ExtentIndex::LeafHint* hint = nullptr);
// nullopt: done; *replaced says whether `neu` went in (journalled in *journal_seq).
std::optional<StepResult> replace_key(Runtime& rt, const Extent& old, const Extent& neu,
                                      bool* replaced, uint64_t* journal_seq);
// nullopt: sectors [start, end) of `inode` are gone from the index, journalled in entry
// *journal_seq; *removed / *dirty_removed get the live / dirty sectors dropped.
std::optional<StepResult> invalidate(Runtime& rt, uint64_t inode, uint64_t start, uint64_t end,
                                     uint64_t* journal_seq, uint64_t* removed,
                                     uint64_t* dirty_removed);
// btree_check_reserve for a change to `range`'s sectors: nullopt once the node buckets the
// btree writer needs for it are reserved.
// `hint`: as insert_key's.
std::optional<StepResult> reserve_btree(Runtime& rt, const Extent& range,
                                        const ExtentIndex::LeafHint* hint = nullptr);
// nullopt: entry `journal_seq` is durable.
std::optional<StepResult> wait_durable(Runtime& rt, uint64_t journal_seq);

} // namespace bucketscope
