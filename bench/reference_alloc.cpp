// The reference procedures, written from allocator-semantics.md sections 1-2 in the
// kernel's own style: macros for the fifo and heap operations so each comparison expands
// in place, as util.h's do, and bucket_prio() recomputed at each comparison from
// ca->set->min_prio. This is the cost model of the kernel code that the engine is
// compared with, so it is deliberately not "improved".
//
// The only departures: C++ casts (the project compiles with -Wold-style-cast), plain ints
// for the atomics (the benchmarks are single-threaded, the lock is implied), counters for
// the wake-ups, and abort() for the kernel's BUG_ON.

#include "bench/reference_alloc.h"

#include <cstdlib>

#include "core/alloc/random.h"

namespace bucketscope::bench {

namespace {

constexpr unsigned kInitialPrio = 32768;
constexpr unsigned kBtreePrio = 65535;
constexpr unsigned kGcGenMax = 96;
constexpr unsigned kMarkReclaimable = 1;
constexpr unsigned kMarkMetadata = 3;

// The gc_mark bitfield accessors; GC_SECTORS_USED is a u64 as BITMASK() makes it.
#define GC_MARK(b) ((b)->gc_mark & 3u)
#define GC_SECTORS_USED(b) (static_cast<uint64_t>(((b)->gc_mark >> 2) & 8191u))
#define SET_GC_MARK(b, v)                                                                   \
    ((b)->gc_mark = static_cast<uint16_t>(((b)->gc_mark & ~3u) | ((v) & 3u)))
#define SET_GC_SECTORS_USED(b, v)                                                           \
    ((b)->gc_mark = static_cast<uint16_t>(((b)->gc_mark & ~(8191u << 2)) | (((v) & 8191u) << 2)))
#define SET_GC_MOVE(b, v)                                                                   \
    ((b)->gc_mark = static_cast<uint16_t>(((b)->gc_mark & 0x7fffu) | ((v) ? 0x8000u : 0u)))
#define BUCKET_GC_GEN(b) (static_cast<uint8_t>((b)->gen - (b)->last_gc))

#define for_each_bucket(b, ca)                                                              \
    for (b = (ca)->buckets + (ca)->first_bucket; b < (ca)->buckets + (ca)->nbuckets; b++)

#define fifo_used(f) (((f)->back - (f)->front) & (f)->mask)
#define fifo_full(f) (fifo_used(f) == (f)->size)
#define fifo_empty(f) ((f)->front == (f)->back)

#define heap_full(h) ((h)->used == (h)->size)
#define heap_peek(h) ((h)->used ? (h)->data[0] : nullptr)
#define heap_swap(h, i, j)                                                                  \
    do {                                                                                    \
        Bucket* _t = (h)->data[i];                                                          \
        (h)->data[i] = (h)->data[j];                                                        \
        (h)->data[j] = _t;                                                                  \
    } while (0)

// Downward: follow the child that does not compare before its sibling while the parent
// does not compare before it. Equal keys swap.
#define heap_sift(h, i, cmp)                                                                \
    do {                                                                                    \
        size_t _r, _j = (i);                                                                \
        for (; _j * 2 + 1 < (h)->used; _j = _r) {                                           \
            _r = _j * 2 + 1;                                                                \
            if (_r + 1 < (h)->used && cmp((h)->data[_r], (h)->data[_r + 1]))                \
                _r++;                                                                       \
            if (cmp((h)->data[_r], (h)->data[_j]))                                          \
                break;                                                                      \
            heap_swap(h, _r, _j);                                                           \
        }                                                                                   \
    } while (0)

// Upward (the kernel calls it heap_sift_down); moves the index variable itself, which is
// how heap_add learns where the new element stopped.
#define heap_sift_up(h, i, cmp)                                                             \
    do {                                                                                    \
        while (i) {                                                                         \
            size_t _p = ((i) - 1) / 2;                                                      \
            if (cmp((h)->data[i], (h)->data[_p]))                                           \
                break;                                                                      \
            heap_swap(h, i, _p);                                                            \
            i = _p;                                                                         \
        }                                                                                   \
    } while (0)

// heap_add: append, move up, then down from wherever it stopped. The kernel's version also
// returns whether there was room; the LRU pass checks heap_full() first, so that result
// is dropped here.
#define heap_add(h, d, cmp)                                                                 \
    do {                                                                                    \
        if (!heap_full(h)) {                                                                \
            size_t _i = (h)->used++;                                                        \
            (h)->data[_i] = d;                                                              \
            heap_sift_up(h, _i, cmp);                                                       \
            heap_sift(h, _i, cmp);                                                          \
        }                                                                                   \
    } while (0)

// heap_pop: take the root, move the last element there and sift it down. `ok` receives
// what the kernel's statement expression evaluates to.
#define heap_pop(h, d, cmp, ok)                                                             \
    do {                                                                                    \
        (ok) = (h)->used != 0;                                                              \
        if (ok) {                                                                           \
            (d) = (h)->data[0];                                                             \
            (h)->used--;                                                                    \
            heap_swap(h, 0, (h)->used);                                                     \
            heap_sift(h, 0, cmp);                                                           \
        }                                                                                   \
    } while (0)

// bucket_prio() as alloc.c defines it: u16 - u16 is an int, adding the unsigned scale
// wraps it to 32 bits, and the u64 sectors make the product 64-bit. Like the macro it
// reads min_prio through ca->set at every use; it needs `ca` in scope.
inline uint64_t bucket_prio_of(const ref_cache* ca, const Bucket* b) {
    const unsigned scale = (kInitialPrio - ca->set->min_prio) / 8;
    return (static_cast<unsigned>(b->prio - ca->set->min_prio) + scale) * GC_SECTORS_USED(b);
}
#define bucket_prio(b) bucket_prio_of(ca, b)
#define bucket_max_cmp(l, r) (bucket_prio(l) < bucket_prio(r))
#define bucket_min_cmp(l, r) (bucket_prio(l) > bucket_prio(r))

size_t roundup_pow_of_two(size_t n) {
    size_t p = 1;
    while (p < n)
        p <<= 1;
    return p;
}

// __init_fifo: storage is the power of two above the capacity.
int init_fifo_exact(ref_fifo* f, size_t size) {
    if (!size)
        return -1;
    const size_t allocated = roundup_pow_of_two(size + 1);
    f->size = size;
    f->mask = allocated - 1;
    f->front = f->back = 0;
    f->data = static_cast<uint64_t*>(std::calloc(allocated, sizeof(*f->data)));
    return f->data ? 0 : -1;
}

int init_fifo(ref_fifo* f, size_t size) {
    return init_fifo_exact(f, size > 4 ? roundup_pow_of_two(size) - 1 : size);
}

uint8_t inc_gen(ref_cache* ca, Bucket* b) {
    const uint8_t ret = ++b->gen;
    if (BUCKET_GC_GEN(b) > ca->set->need_gc)
        ca->set->need_gc = BUCKET_GC_GEN(b);
    return ret;
}

int can_invalidate_bucket(ref_cache* ca, Bucket* b) {
    if (!ca->set->gc_mark_valid)
        std::abort();
    return (!GC_MARK(b) || GC_MARK(b) == kMarkReclaimable) && !b->pin &&
           BUCKET_GC_GEN(b) < kGcGenMax;
}

void invalidate_one_bucket(ref_cache* ca, Bucket* b) {
    if (GC_MARK(b) && GC_MARK(b) != kMarkReclaimable)
        std::abort();
    inc_gen(ca, b);
    b->prio = kInitialPrio;
    b->pin++;
    ref_fifo_push(&ca->free_inc, static_cast<uint64_t>(b - ca->buckets));
}

void wake_up_gc(ref_cache_set* c) {
    c->gc_wakeups++;
}

} // namespace

int ref_fifo_push(ref_fifo* f, uint64_t v) {
    if (fifo_full(f))
        return 0;
    f->data[f->back++] = v;
    f->back &= f->mask;
    return 1;
}

int ref_fifo_pop(ref_fifo* f, uint64_t* out) {
    if (fifo_empty(f))
        return 0;
    *out = f->data[f->front++];
    f->front &= f->mask;
    return 1;
}

size_t ref_fifo_used(const ref_fifo* f) {
    return fifo_used(f);
}

void ref_fifo_clear(ref_fifo* f) {
    f->front = f->back = 0;
}

int ref_cache_alloc(ref_cache_set* c, ref_cache* ca, Bucket* buckets, size_t nbuckets,
                    unsigned bucket_size, unsigned first_bucket) {
    *c = ref_cache_set{};
    *ca = ref_cache{};
    c->cache = ca;
    c->nbuckets = nbuckets;
    ca->set = c;
    ca->buckets = buckets;
    ca->nbuckets = nbuckets;
    ca->bucket_size = bucket_size;
    ca->first_bucket = first_bucket;

    const size_t free = roundup_pow_of_two(nbuckets) >> 10;
    // prio_buckets(): each prio bucket holds (bucket bytes - 40-byte header) / 3 entries.
    const size_t prios_per_bucket = ((static_cast<size_t>(bucket_size) << 9) - 40) / 3;
    const size_t prio_buckets = (nbuckets + prios_per_bucket - 1) / prios_per_bucket;
    if (!free || init_fifo(&ca->free[REF_RESERVE_BTREE], 8) ||
        init_fifo_exact(&ca->free[REF_RESERVE_PRIO], prio_buckets) ||
        init_fifo(&ca->free[REF_RESERVE_MOVINGGC], free) ||
        init_fifo(&ca->free[REF_RESERVE_NONE], free) || init_fifo(&ca->free_inc, free << 2))
        return -1;
    ca->heap.size = free << 3;
    ca->heap.data = static_cast<Bucket**>(std::calloc(ca->heap.size, sizeof(Bucket*)));
    return ca->heap.data ? 0 : -1;
}

void ref_cache_free(ref_cache* ca) {
    for (auto& f : ca->free)
        std::free(f.data);
    std::free(ca->free_inc.data);
    std::free(ca->heap.data);
}

size_t ref_cache_queue_bytes(const ref_cache* ca) {
    size_t bytes = (ca->free_inc.mask + 1) * sizeof(uint64_t);
    for (const auto& f : ca->free)
        bytes += (f.mask + 1) * sizeof(uint64_t);
    return bytes + ca->heap.size * sizeof(Bucket*);
}

void ref_invalidate_buckets_lru(ref_cache* ca) {
    Bucket* b;
    ptrdiff_t i;

    ca->heap.used = 0;

    for_each_bucket(b, ca) {
        if (!can_invalidate_bucket(ca, b))
            continue;

        if (!heap_full(&ca->heap)) {
            heap_add(&ca->heap, b, bucket_max_cmp);
        } else if (bucket_max_cmp(b, heap_peek(&ca->heap))) {
            ca->heap.data[0] = b;
            heap_sift(&ca->heap, 0, bucket_max_cmp);
        }
    }

    for (i = static_cast<ptrdiff_t>(ca->heap.used / 2) - 1; i >= 0; --i)
        heap_sift(&ca->heap, static_cast<size_t>(i), bucket_min_cmp);

    while (!fifo_full(&ca->free_inc)) {
        bool popped;
        heap_pop(&ca->heap, b, bucket_min_cmp, popped);
        if (!popped) {
            // Giving up keeps the allocator from re-running a pass that cannot succeed.
            ca->invalidate_needs_gc = 1;
            wake_up_gc(ca->set);
            return;
        }
        invalidate_one_bucket(ca, b);
    }
}

void ref_invalidate_buckets_fifo(ref_cache* ca) {
    size_t checked = 0;

    while (!fifo_full(&ca->free_inc)) {
        if (ca->fifo_last_bucket < ca->first_bucket || ca->fifo_last_bucket >= ca->nbuckets)
            ca->fifo_last_bucket = ca->first_bucket;

        Bucket* b = ca->buckets + ca->fifo_last_bucket++;
        if (can_invalidate_bucket(ca, b))
            invalidate_one_bucket(ca, b);

        if (++checked >= ca->nbuckets) {
            ca->invalidate_needs_gc = 1;
            wake_up_gc(ca->set);
            return;
        }
    }
}

void ref_invalidate_buckets_random(ref_cache* ca) {
    size_t checked = 0;

    while (!fifo_full(&ca->free_inc)) {
        size_t n = splitmix64_next(ca->random_state);
        n %= ca->nbuckets - ca->first_bucket;
        n += ca->first_bucket;

        Bucket* b = ca->buckets + n;
        if (can_invalidate_bucket(ca, b))
            invalidate_one_bucket(ca, b);

        if (++checked >= ca->nbuckets / 2) {
            ca->invalidate_needs_gc = 1;
            wake_up_gc(ca->set);
            return;
        }
    }
}

int ref_allocator_push(ref_cache* ca, uint64_t bucket) {
    // The prio reserve first: without prio buckets no invalidated bucket can be released.
    if (ref_fifo_push(&ca->free[REF_RESERVE_PRIO], bucket))
        return 1;
    for (unsigned i = 0; i < REF_RESERVE_NR; i++)
        if (ref_fifo_push(&ca->free[i], bucket))
            return 1;
    return 0;
}

long ref_bucket_alloc(ref_cache* ca, unsigned reserve) {
    ref_cache_set* c = ca->set;
    uint64_t r;

    if (c->io_disable)
        return -1;
    if (!ref_fifo_pop(&ca->free[REF_RESERVE_NONE], &r) && !ref_fifo_pop(&ca->free[reserve], &r))
        return -1;

    c->allocator_wakeups++;

    Bucket* b = ca->buckets + r;
    if (b->pin != 1)
        std::abort();

    SET_GC_SECTORS_USED(b, ca->bucket_size);
    if (reserve <= REF_RESERVE_PRIO) {
        SET_GC_MARK(b, kMarkMetadata);
        SET_GC_MOVE(b, 0);
        b->prio = kBtreePrio;
    } else {
        SET_GC_MARK(b, kMarkReclaimable);
        SET_GC_MOVE(b, 0);
        b->prio = kInitialPrio;
    }

    if (c->avail_nbuckets > 0) {
        c->avail_nbuckets--;
        c->in_use = static_cast<unsigned>((c->nbuckets - c->avail_nbuckets) * 100 / c->nbuckets);
    }
    return static_cast<long>(r);
}

void ref_rescale_priorities(ref_cache_set* c, int sectors) {
    ref_cache* ca = c->cache;
    const unsigned long next = c->nbuckets * ca->bucket_size / 1024;
    Bucket* b;

    c->rescale -= sectors;
    if (c->rescale >= 0)
        return;
    c->rescale += static_cast<int>(next);

    c->min_prio = 65535;
    for_each_bucket(b, ca) {
        if (b->prio && b->prio != kBtreePrio && !b->pin) {
            b->prio--;
            if (b->prio < c->min_prio)
                c->min_prio = b->prio;
        }
    }
}

} // namespace bucketscope::bench
