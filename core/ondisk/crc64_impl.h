#pragma once
// Internal to core/ondisk: the carry-less-multiplication path of crc64_be (crc64_clmul.cpp).

#include <cstddef>
#include <cstdint>

namespace bucketscope::ondisk::detail {

// Whether this CPU has PCLMULQDQ and SSSE3 (checked once).
bool clmul_available();
// Whether it also has VPCLMULQDQ and AVX2, for two blocks per instruction (checked once).
bool wide_clmul_available();
// Whether it also has AVX-512 (F, BW) for four blocks per instruction (checked once).
bool clmul512_available();
// Runs crc64_be's raw register over the first whole 64-byte blocks of p[0..n) (n >= 64)
// and says in *used how many bytes that was; the caller does the rest with the table.
// `width`: the widest registers to use where the CPU has them, 128, 256 or 512 bits (tests
// pick each to check every loop this CPU can run).
uint64_t crc64_be_clmul(uint64_t crc, const std::byte* p, size_t n, size_t* used,
                        unsigned width = 512);
// a * b mod P with two carry-less multiplications and a Barrett reduction (requires
// clmul_available()).
uint64_t mulmod_clmul(uint64_t a, uint64_t b);

} // namespace bucketscope::ondisk::detail
