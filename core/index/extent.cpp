// The kernel's extent and pointer predicates (extents.c, btree.h), on the unpacked Extent.
// See extent.h.

#include "core/index/extent.h"

#include <cassert>

namespace bucketscope {

KeyPos KeyPos::successor() const {
    if (offset < MAX_KEY_OFFSET)
        return {inode, offset + 1};
    if (inode < MAX_KEY_INODE)
        return {inode + 1, 0};
    return *this;
}

void Extent::cut(uint64_t new_start, uint64_t new_end) {
    assert(new_start >= start() && new_end <= offset && new_start < new_end);
    const uint64_t front = new_start - start();
    for (unsigned i = 0; i < nptrs; ++i)
        ptrs[i].offset += front;
    offset = new_end;
    size = static_cast<uint32_t>(new_end - new_start);
}

const Cache* ptr_cache(const CacheSet& c, const Ptr& p) {
    // alloc's PTR_CACHE only reads; one definition of the device lookup for both.
    return ptr_cache(const_cast<CacheSet&>(c), p);
}

bool ptr_available(const CacheSet& c, const Ptr& p) {
    return p.dev < MAX_CACHES_PER_SET && ptr_cache(c, p) != nullptr;
}

uint8_t ptr_stale(const CacheSet& c, const Ptr& p) {
    const Cache* ca = ptr_cache(c, p);
    assert(ca);
    return gen_after(ca->buckets[ptr_bucket(*ca, p)].gen, p.gen);
}

bool extent_bad(const CacheSet& c, const Extent& k) {
    if (!k.nptrs || !k.size)
        return true;
    for (unsigned i = 0; i < k.nptrs; ++i)
        if (!ptr_available(c, k.ptrs[i]) || ptr_stale(c, k.ptrs[i]))
            return true;
    return false;
}

bool extent_invalid(const CacheSet& c, const Extent& k, const char** why) {
    auto fail = [&](const char* w) {
        if (why)
            *why = w;
        return true;
    };
    if (!k.size)
        return fail("KEY_SIZE is 0");
    if (k.size > k.offset)
        return fail("KEY_SIZE is larger than KEY_OFFSET");
    for (unsigned i = 0; i < k.nptrs; ++i) {
        if (!ptr_available(c, k.ptrs[i]))
            continue;
        uint64_t bucket = 0;
        if (const char* w = ptr_invalid(*ptr_cache(c, k.ptrs[i]), k.ptrs[i], k.size, bucket))
            return fail(w);
    }
    return false;
}

} // namespace bucketscope
