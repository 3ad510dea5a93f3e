#pragma once
// The allocator's state: one `Cache` per cache device and the `CacheSet` that owns them,
// field for field what bcache keeps in struct cache and struct cache_set for allocation.
//
// Reserves. Buckets that are ready for use sit on four freelists, one per alloc_reserve.
// BTREE and PRIO hold buckets for metadata so the btree and the prio writer can always make
// progress; MOVINGGC feeds moving GC; NONE is ordinary data. free_inc holds buckets that
// were just invalidated (gen bumped in memory) and are waiting for their new gens to reach
// disk. The sizes come from cache_alloc() in super.c and depend on the kernel profile.
//
// Ownership and threads: a CacheSet owns its caches; every field below is guarded by
// `bucket_lock` unless its comment says otherwise. In deterministic mode the single engine
// thread holds it implicitly.

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/alloc/bucket.h"
#include "core/alloc/fifo.h"
#include "core/alloc/heap.h"
#include "core/alloc/prio_clock.h"

namespace bucketscope {

enum Reserve : uint8_t {
    RESERVE_BTREE = 0,
    RESERVE_PRIO = 1,
    RESERVE_MOVINGGC = 2,
    RESERVE_NONE = 3,
    RESERVE_NR = 4,
};
const char* to_string(Reserve r);

// CACHE_REPLACEMENT in the superblock flags: the values are the on-disk ones.
enum class ReplacementPolicy : uint8_t { Lru = 0, Fifo = 1, Random = 2 };
const char* to_string(ReplacementPolicy p);
bool parse_policy(const std::string& s, ReplacementPolicy& out);

// Which kernel's allocator the engine reproduces. See allocator-semantics.md section 6.
enum class KernelProfile : uint8_t { V6_2, V4_6 };
const char* to_string(KernelProfile p);
bool parse_profile(const std::string& s, KernelProfile& out);

inline constexpr unsigned MAX_CACHES_PER_SET = 8;
inline constexpr unsigned MAX_OPEN_BUCKETS_V6 = 128;
inline constexpr unsigned MAX_OPEN_BUCKETS_V4 = 6;
inline constexpr size_t PRIO_SET_HEADER_BYTES = 40;
inline constexpr size_t BUCKET_DISK_BYTES = 3;

// What the allocator needs from the superblock of one cache.
struct CacheGeometry {
    uint64_t nbuckets = 0;      // including the buckets below first_bucket
    uint32_t bucket_size = 0;   // sectors
    uint16_t block_size = 8;    // sectors
    uint16_t first_bucket = 1;
    uint16_t njournal_buckets = 0; // sb.keys; 0 before the first registration
    uint16_t nr_this_dev = 0;

    uint64_t bucket_bytes() const { return uint64_t(bucket_size) << 9; }
    // meta_bucket_bytes (v6) caps the prio buffer at 4 MiB on x86-64; v4 uses bucket_bytes.
    uint64_t prio_buffer_bytes(KernelProfile p) const;
    uint64_t prios_per_bucket(KernelProfile p) const;
    uint64_t prio_buckets(KernelProfile p) const;
};

// Capacities of every queue as cache_alloc() computes them.
struct QueueSizes {
    std::array<size_t, RESERVE_NR> free{};
    size_t free_inc = 0;
    size_t heap = 0;
};
// Returns false (with `why`) where the kernel refuses the cache, e.g. nbuckets <= 512.
bool compute_queue_sizes(const CacheGeometry& g, KernelProfile p, QueueSizes& out,
                         std::string* why = nullptr);

// One LRU candidate: the bucket and its ranking key, computed once per pass.
struct HeapEntry {
    uint64_t key;
    uint64_t bucket;
};

struct Cache {
    CacheGeometry geo;
    ReplacementPolicy policy = ReplacementPolicy::Lru;
    bool discard = false;

    std::vector<Bucket> buckets;
    std::array<Fifo<uint64_t>, RESERVE_NR> free;
    Fifo<uint64_t> free_inc;
    Heap<HeapEntry> heap;

    uint64_t fifo_last_bucket = 0;
    bool invalidate_needs_gc = false;
    uint64_t random_state = 0; // the random policy's generator (get_random_bytes stand-in)

    // Where the current and the previous prio sets live (2 x prio_buckets entries).
    std::vector<uint64_t> prio_buckets;
    std::vector<uint64_t> prio_last_buckets;
    // Gens as the newest durable prio set records them: what a crash would bring back.
    std::vector<uint8_t> disk_gens;

    uint64_t sectors_written = 0;      // data through alloc_sectors
    uint64_t meta_sectors_written = 0; // prio, journal and uuid writes
    uint64_t btree_sectors_written = 0;
};

// An open bucket: a partly written data bucket that consecutive writes share.
struct OpenBucket {
    uint32_t last_write_point = 0;
    uint32_t sectors_free = 0;
    // The key this bucket was last used for (its end position) and its pointers.
    uint64_t inode = 0;
    uint64_t offset = 0; // KEY_OFFSET: end of the last extent written here
    bool flash_only = false;
    uint8_t nptrs = 0;
    std::array<uint64_t, MAX_CACHES_PER_SET> ptr_bucket{};
    std::array<uint64_t, MAX_CACHES_PER_SET> ptr_offset{}; // sector within the device
    std::array<uint8_t, MAX_CACHES_PER_SET> ptr_gen{};
    std::array<uint8_t, MAX_CACHES_PER_SET> ptr_dev{};
};

// The open buckets in LRU order (front = least recently used, the kernel's list head).
// They live in fixed slots and the order is a list of slot numbers, so making one the most
// recently used moves a byte rather than a 170-byte struct: bch_alloc_sectors does that
// for every data write. Reads like a vector of OpenBucket in LRU order. A counting filter
// over the buckets' (inode, offset) keys tells pick_data_bucket when no sequential
// continuation can exist, so it need not look at all 128 of them.
class OpenBucketPool {
  public:
    template <typename Pool, typename T> class Iter {
      public:
        Iter(Pool* p, size_t i) : p_(p), i_(i) {}
        T& operator*() const { return (*p_)[i_]; }
        T* operator->() const { return &(*p_)[i_]; }
        Iter& operator++() {
            ++i_;
            return *this;
        }
        bool operator==(const Iter& o) const { return i_ == o.i_; }

      private:
        Pool* p_;
        size_t i_;
    };
    using iterator = Iter<OpenBucketPool, OpenBucket>;
    using const_iterator = Iter<const OpenBucketPool, const OpenBucket>;

    void assign(size_t n, const OpenBucket& v) {
        slots_.assign(n, v);
        order_.resize(n);
        for (size_t i = 0; i < n; ++i)
            order_[i] = static_cast<uint8_t>(i);
        filter_.fill(0);
        filter_[slot_of(v.inode, v.offset)] = static_cast<uint8_t>(n);
    }
    // False: no open bucket's key is (inode, offset). True: one may be.
    bool may_hold_key(uint64_t inode, uint64_t offset) const {
        return filter_[slot_of(inode, offset)] != 0;
    }
    // Changes an open bucket's key; every write of OpenBucket::inode/offset goes here.
    void set_key(OpenBucket& ob, uint64_t inode, uint64_t offset) {
        --filter_[slot_of(ob.inode, ob.offset)];
        ob.inode = inode;
        ob.offset = offset;
        ++filter_[slot_of(inode, offset)];
    }
    size_t size() const { return slots_.size(); }
    bool empty() const { return slots_.empty(); }
    // By LRU position: 0 = least recently used.
    OpenBucket& operator[](size_t pos) { return slots_[order_[pos]]; }
    const OpenBucket& operator[](size_t pos) const { return slots_[order_[pos]]; }
    OpenBucket& front() { return (*this)[0]; }
    OpenBucket& back() { return (*this)[size() - 1]; }
    const OpenBucket& front() const { return (*this)[0]; }
    const OpenBucket& back() const { return (*this)[size() - 1]; }
    // list_move_tail: the bucket at `pos` becomes the most recently used.
    void move_to_back(size_t pos) {
        const uint8_t slot = order_[pos];
        std::copy(order_.begin() + static_cast<ptrdiff_t>(pos) + 1, order_.end(),
                  order_.begin() + static_cast<ptrdiff_t>(pos));
        order_.back() = slot;
    }
    iterator begin() { return {this, 0}; }
    iterator end() { return {this, size()}; }
    const_iterator begin() const { return {this, 0}; }
    const_iterator end() const { return {this, size()}; }

  private:
    static size_t slot_of(uint64_t inode, uint64_t offset) {
        return ((offset ^ (inode << 40)) * 0x9E3779B97F4A7C15ull) >> (64 - 12);
    }
    std::vector<OpenBucket> slots_;
    std::vector<uint8_t> order_; // MAX_OPEN_BUCKETS_V6 <= 256
    std::array<uint8_t, 4096> filter_{}; // counts of keys per hash slot (at most 128 in all)
};

struct CacheSet {
    KernelProfile profile = KernelProfile::V6_2;
    std::vector<std::unique_ptr<Cache>> caches; // cache_by_alloc order

    uint16_t min_prio = 0;   // starts at 0 (zeroed allocation), written only by rescale
    uint8_t need_gc = 0;
    int64_t rescale = 0;     // sectors until the next rescale (atomic_t in the kernel)
    bool gc_mark_valid = false;
    int prio_blocked = 0;
    uint64_t avail_nbuckets = 0; // [v6]
    uint64_t nbuckets = 0;       // c->nbuckets
    bool sync = false;           // CACHE_SYNC
    bool io_disable = false;     // CACHE_SET_IO_DISABLE [v6]
    int64_t sectors_to_gc = 0;
    unsigned gc_in_use_percent = 0;

    // Open buckets in LRU order: front = least recently used (the list head).
    OpenBucketPool open_buckets;

    // The deferred rescale (off unless started): prio_clock.h.
    PrioClock prio_clock;

    std::mutex bucket_lock;
};

} // namespace bucketscope
