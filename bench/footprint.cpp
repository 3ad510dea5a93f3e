// mallinfo2() reports the bytes in use in the main arena (uordblks) and in mmap'ed
// chunks (hblkhd); big vectors land in the latter. The benchmark program is
// single-threaded while this runs, so the difference is make_cache()'s alone.

#include "bench/footprint.h"

#include <malloc.h>

#include <bit>
#include <stdexcept>

#include "bench/rig.h"

namespace bucketscope::bench {

namespace {

size_t heap_in_use() {
    const struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
}

// fifo.h: the storage is the power of two above the capacity.
size_t fifo_bytes(const Fifo<uint64_t>& f) {
    return std::bit_ceil(f.capacity() + 1) * sizeof(uint64_t);
}

} // namespace

Footprint measure_engine_footprint(uint64_t nbuckets) {
    Footprint fp;
    fp.nbuckets = nbuckets;
    const size_t before = heap_in_use();
    auto ca = make_cache(bench_geometry(nbuckets), KernelProfile::V6_2, ReplacementPolicy::Lru);
    fp.measured_bytes = heap_in_use() - before;
    if (!ca)
        throw std::runtime_error("make_cache refused " + std::to_string(nbuckets) + " buckets");

    fp.bucket_array_bytes = ca->buckets.capacity() * sizeof(Bucket);
    for (const auto& f : ca->free)
        fp.queue_bytes += fifo_bytes(f);
    fp.queue_bytes += fifo_bytes(ca->free_inc) + ca->heap.size() * sizeof(HeapEntry);
    fp.other_bytes = (ca->prio_buckets.capacity() + ca->prio_last_buckets.capacity()) *
                         sizeof(uint64_t) +
                     ca->disk_gens.capacity() * sizeof(uint8_t);
    fp.counted_bytes = sizeof(Cache) + fp.bucket_array_bytes + fp.queue_bytes + fp.other_bytes;
    return fp;
}

} // namespace bucketscope::bench
