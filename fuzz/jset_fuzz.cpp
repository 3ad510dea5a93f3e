// libFuzzer target: decode_jset on an arbitrary journal block.

#include "core/ondisk/jset.h"
#include "fuzz/fuzz_input.h"

using namespace bucketscope;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::FuzzInput in(data, size);
    uint64_t magic = in.byte() & 1 ? fuzz::kSeedSetMagic : 0;
    (void)ondisk::decode_jset(in.rest(), magic, 1 << 20);
    return 0;
}
