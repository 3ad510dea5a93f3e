// libFuzzer target: decode_btree_node (every bset of a node) and the read-time key sort,
// with block sizes from 512 bytes to 4 KiB and either checksum seed.

#include "core/ondisk/bset.h"
#include "fuzz/fuzz_input.h"

using namespace bucketscope;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::FuzzInput in(data, size);
    uint64_t magic = in.byte() & 1 ? fuzz::kSeedSetMagic : 0;
    size_t block_bytes = size_t{512} << (in.byte() % 4);
    uint64_t ptr0 = in.byte() & 1 ? ondisk::make_ptr(1, 1024, 0) : 0;
    bool extents = in.byte() & 1;
    auto node = ondisk::decode_btree_node(in.rest(), magic, ptr0, block_bytes, 1 << 20);
    if (node)
        (void)ondisk::sort_node_keys(node.value(), extents);
    return 0;
}
