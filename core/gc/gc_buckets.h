#pragma once
// GC's two passes over every bucket: btree_gc_start's reset before the mark and
// bch_btree_gc_finish's count after it. GC runs once per 1/16 of the cache written, so a
// small cache runs them often (11k times in a 1M-request replay on 807 buckets): both have
// a loop that takes sixteen buckets (three 64-byte registers) at once where the CPU has
// AVX-512, and the scalar loop, the definition, for the rest and everywhere else. Each
// bucket's result depends on that bucket alone (the count is a sum and a maximum), so the
// two give identical buckets and counts (tests/core/gc/gc_buckets_test.cpp).

#include <cstddef>
#include <cstdint>

#include "core/alloc/bucket.h"

namespace bucketscope {

// btree_gc_start on buckets[0..n): last_gc = gen, and unless the bucket is pinned its whole
// gc_mark (mark, sectors, GC_MOVE) goes.
void gc_reset_buckets(Bucket* buckets, size_t n);

// bch_btree_gc_finish's count over buckets[0..n): raises need_gc to the largest gen -
// last_gc and returns how many buckets are available (unpinned, and unmarked or holding
// only clean data).
uint64_t gc_count_buckets(const Bucket* buckets, size_t n, uint8_t& need_gc);

namespace detail {
void gc_reset_buckets_scalar(Bucket* buckets, size_t n);
uint64_t gc_count_buckets_scalar(const Bucket* buckets, size_t n, uint8_t& need_gc);
// For tests: false makes the two entry points use the scalar loops only.
void set_gc_buckets_vector(bool on);
// Whether the vector loops would run (the CPU has them and they are not switched off).
bool gc_buckets_vector();
} // namespace detail

} // namespace bucketscope
