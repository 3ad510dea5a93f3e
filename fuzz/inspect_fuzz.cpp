// libFuzzer target: the whole read-only inspector on an arbitrary image in RAM (sparse
// inputs are expanded: the input is the first bytes of a device large enough to hold
// whatever geometry its superblock claims, capped). Every pointer, count and chain the
// image contains must be bounds-checked and loop-checked; errors are fine, crashes and
// hangs are not.

#include "core/device/ram_device.h"
#include "core/inspect/inspect.h"

#include <algorithm>
#include <cstring>

using namespace bucketscope;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    // Big enough for 128+ small buckets; small enough to keep each run fast.
    constexpr uint64_t kDeviceBytes = 4 << 20;
    RamDevice dev(kDeviceBytes);
    size_t n = std::min<size_t>(size, kDeviceBytes);
    if (n)
        (void)dev.write(0, {reinterpret_cast<const std::byte*>(data), n});
    (void)inspect::inspect_cache(dev);
    return 0;
}
