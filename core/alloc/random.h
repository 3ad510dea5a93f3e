#pragma once
// The random replacement policy's stand-in for the kernel's get_random_bytes().
//
// The kernel draws from its CSPRNG, so no two runs evict the same buckets. The engine must
// replay bit for bit from a seed, so each cache carries its own 64-bit state and draws with
// splitmix64 (Steele, Lea and Flood): one add and two multiply-xorshift rounds per draw, a
// full 2^64 period and every state (including 0) a valid seed. Statistical quality is far
// beyond what "pick a bucket uniformly-ish" needs, and it is fast enough that the draw
// costs less than the modulo that follows it.

#include <cstdint>

namespace bucketscope {

inline uint64_t splitmix64_next(uint64_t& state) {
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

} // namespace bucketscope
