// libFuzzer target: decode_superblock (parse + read_super validation) on arbitrary bytes
// at byte 4096, with arbitrary device sizes, page sizes and logical block sizes; a decoded
// superblock must encode and decode again to the same fields.

#include "core/ondisk/superblock.h"
#include "fuzz/fuzz_input.h"

using namespace bucketscope;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::FuzzInput in(data, size);
    ondisk::SuperblockLimits limits;
    uint8_t shift = in.byte();
    limits.device_bytes = shift & 0x80 ? 0 : uint64_t{1} << (shift % 48);
    limits.logical_block_bytes = 512u << (in.byte() % 4);
    limits.max_version = in.byte() & 1 ? 4 : 6;
    auto sb = ondisk::decode_superblock(in.rest(), limits);
    if (sb) {
        auto again = ondisk::decode_superblock(ondisk::encode_superblock(sb.value()), limits);
        if (!again || again.value().nbuckets != sb.value().nbuckets)
            __builtin_trap();
    }
    (void)ondisk::parse_superblock(in.rest());
    return 0;
}
