// libFuzzer target: decode_prio_set on an arbitrary prio bucket (the seeds' set_magic, or
// one taken from the input).

#include "core/ondisk/prio_set.h"
#include "fuzz/fuzz_input.h"

using namespace bucketscope;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::FuzzInput in(data, size);
    uint64_t magic = in.byte() & 1 ? fuzz::kSeedSetMagic : 0;
    (void)ondisk::decode_prio_set(in.rest(), magic, 1 << 20);
    return 0;
}
