// libFuzzer target: decode_bkeys on arbitrary packed key words; every decoded key must
// re-encode to the same number of words.

#include "core/ondisk/bkey.h"
#include "fuzz/fuzz_input.h"

#include <cstring>
#include <vector>

using namespace bucketscope;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::vector<uint64_t> words(size / 8);
    if (!words.empty())
        std::memcpy(words.data(), data, words.size() * 8);
    auto keys = ondisk::decode_bkeys(words, "bkey", 0);
    if (keys) {
        for (const auto& k : keys.value()) {
            std::vector<uint64_t> out(k.u64s());
            ondisk::encode_bkey(k, out);
            if (ondisk::bkey_u64s(out[0]) != k.u64s())
                __builtin_trap();
        }
    }
    return 0;
}
