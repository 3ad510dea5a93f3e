// libFuzzer target: decode_uuid_bucket in both entry formats (v0 and v1).

#include "core/ondisk/uuid_entry.h"
#include "fuzz/fuzz_input.h"

using namespace bucketscope;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::FuzzInput in(data, size);
    bool v0 = in.byte() & 1;
    (void)ondisk::decode_uuid_bucket(in.rest(), v0, 1 << 20);
    return 0;
}
