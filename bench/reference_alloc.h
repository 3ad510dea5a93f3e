#pragma once
// A plain C-style rendering of the kernel's allocator procedures (alloc.c, util.h), used as
// the yardstick the engine is measured against and checked for the same victim order.
//
// It follows the kernel's shapes rather than the engine's: the LRU heap holds bucket
// pointers and evaluates bucket_prio() inside every comparison, the fifos and the heap are
// the util.h macros written out, and every queue is sized as cache_alloc() sizes it. It
// works on the caller's bucket array (the engine's own std::vector<Bucket>), so both sides
// of a benchmark read and write the same memory.
//
// Only what the benchmarks need is here: the three invalidate passes, the allocator push,
// the bch_bucket_alloc fast path (no waiting) and bch_rescale_priorities, all for one
// cache per set (v6.2). The random policy draws with the engine's stand-in for
// get_random_bytes() (core/alloc/random.h), so a reference and an engine pass started from
// the same state draw the same buckets.

#include <cstddef>
#include <cstdint>

#include "core/alloc/bucket.h"

namespace bucketscope::bench {

// DECLARE_FIFO(long, ...): mask arithmetic over a power-of-two buffer.
struct ref_fifo {
    size_t front, back, size, mask;
    uint64_t* data;
};

// DECLARE_HEAP(struct bucket *, heap).
struct ref_heap {
    size_t size, used;
    Bucket** data;
};

enum {
    REF_RESERVE_BTREE,
    REF_RESERVE_PRIO,
    REF_RESERVE_MOVINGGC,
    REF_RESERVE_NONE,
    REF_RESERVE_NR,
};

struct ref_cache_set;

struct ref_cache {
    ref_cache_set* set;
    Bucket* buckets; // not owned
    size_t nbuckets;
    unsigned first_bucket;
    unsigned bucket_size;

    ref_fifo free[REF_RESERVE_NR];
    ref_fifo free_inc;
    ref_heap heap;

    size_t fifo_last_bucket;
    int invalidate_needs_gc;
    uint64_t random_state;
};

struct ref_cache_set {
    ref_cache* cache;
    size_t nbuckets;
    uint16_t min_prio;
    uint8_t need_gc;
    int rescale; // atomic_t
    int gc_mark_valid;
    int io_disable;
    size_t avail_nbuckets;
    unsigned in_use; // gc_stats.in_use
    // Stand-ins for the wake-ups, counted so the compiler cannot drop them.
    unsigned long gc_wakeups;
    unsigned long allocator_wakeups;
};

// cache_alloc(): sizes and allocates every queue for `nbuckets` buckets of `bucket_size`
// sectors (v6.2: RESERVE_BTREE asks for 8 with no journal yet, RESERVE_PRIO exact).
// Returns 0, or -1 where the kernel refuses the cache (nbuckets < 513).
int ref_cache_alloc(ref_cache_set* c, ref_cache* ca, Bucket* buckets, size_t nbuckets,
                    unsigned bucket_size, unsigned first_bucket);
void ref_cache_free(ref_cache* ca);
// Bytes the queues take (the bucket array is the caller's).
size_t ref_cache_queue_bytes(const ref_cache* ca);

int ref_fifo_pop(ref_fifo* f, uint64_t* out);
int ref_fifo_push(ref_fifo* f, uint64_t v);
size_t ref_fifo_used(const ref_fifo* f);
void ref_fifo_clear(ref_fifo* f);

void ref_invalidate_buckets_lru(ref_cache* ca);
void ref_invalidate_buckets_fifo(ref_cache* ca);
void ref_invalidate_buckets_random(ref_cache* ca);

int ref_allocator_push(ref_cache* ca, uint64_t bucket);
// The fast path of bch_bucket_alloc(ca, reserve, wait = false): -1 when both lists are empty.
long ref_bucket_alloc(ref_cache* ca, unsigned reserve);

void ref_rescale_priorities(ref_cache_set* c, int sectors);

} // namespace bucketscope::bench
