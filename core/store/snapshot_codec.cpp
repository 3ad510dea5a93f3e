#include "core/store/snapshot_codec.h"

#include <cstring>
#include <memory>
#include <string>
#include <zstd.h>

namespace bucketscope::store {
namespace {

template <typename T> void append(std::vector<std::byte>& out, const std::vector<T>& v) {
    const size_t at = out.size();
    out.resize(at + v.size() * sizeof(T));
    if (!v.empty())
        std::memcpy(out.data() + at, v.data(), v.size() * sizeof(T));
}

template <typename T> void take(std::span<const std::byte>& in, std::vector<T>& v, uint64_t n) {
    v.resize(n);
    std::memcpy(v.data(), in.data(), n * sizeof(T));
    in = in.subspan(n * sizeof(T));
}

} // namespace

std::vector<std::byte> compress(std::span<const std::byte> raw, int level) {
    // One context per thread, kept: setting up a fresh one costs more than compressing a
    // batch of events (it showed as a third of the writer's profile).
    thread_local const std::unique_ptr<ZSTD_CCtx, size_t (*)(ZSTD_CCtx*)> ctx(ZSTD_createCCtx(),
                                                                              ZSTD_freeCCtx);
    std::vector<std::byte> out(ZSTD_compressBound(raw.size()));
    const size_t n =
        ZSTD_compressCCtx(ctx.get(), out.data(), out.size(), raw.data(), raw.size(), level);
    if (ZSTD_isError(n))
        throw std::runtime_error(std::string("zstd compression failed: ") + ZSTD_getErrorName(n));
    out.resize(n);
    return out;
}

std::vector<std::byte> decompress(std::span<const std::byte> packed, size_t raw_size) {
    std::vector<std::byte> out(raw_size);
    const size_t n = ZSTD_decompress(out.data(), out.size(), packed.data(), packed.size());
    if (ZSTD_isError(n))
        throw std::runtime_error(std::string("snapshot is not a valid zstd frame: ") +
                                 ZSTD_getErrorName(n));
    if (n != raw_size)
        throw std::runtime_error("snapshot decompressed to " + std::to_string(n) +
                                 " bytes, expected " + std::to_string(raw_size));
    return out;
}

// Bytes per bucket: gen 1, prio 2, mark 1, sectors_used 2, pin 2, membership 1, gc_gen 1.
constexpr size_t kBytesPerBucket = 10;

std::vector<std::byte> serialise_buckets(const BucketSnapshot& s) {
    std::vector<std::byte> out;
    out.reserve(s.gen.size() * kBytesPerBucket);
    append(out, s.gen);
    append(out, s.prio);
    append(out, s.mark);
    append(out, s.sectors_used);
    append(out, s.pin);
    append(out, s.membership);
    append(out, s.gc_gen);
    return out;
}

void deserialise_buckets(std::span<const std::byte> raw, uint64_t nbuckets, BucketSnapshot& out) {
    if (raw.size() != nbuckets * kBytesPerBucket)
        throw std::runtime_error("snapshot holds " + std::to_string(raw.size()) +
                                 " bytes, expected " + std::to_string(nbuckets * kBytesPerBucket) +
                                 " for " + std::to_string(nbuckets) + " buckets");
    out.nbuckets = nbuckets;
    take(raw, out.gen, nbuckets);
    take(raw, out.prio, nbuckets);
    take(raw, out.mark, nbuckets);
    take(raw, out.sectors_used, nbuckets);
    take(raw, out.pin, nbuckets);
    take(raw, out.membership, nbuckets);
    take(raw, out.gc_gen, nbuckets);
}

} // namespace bucketscope::store
