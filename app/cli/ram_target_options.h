#pragma once
// `ram:SIZE` targets of the commands that format one on the fly (run, replay): the
// make-bcache options they take (-b/--bucket-size, -w/--block-size, --discard) and the
// sparse RAM device formatted with them (core/workload/ram_target.h).

#include <string>

#include "core/alloc/cache.h"
#include "core/device/device.h"
#include "core/workload/ram_target.h"

namespace CLI {
class App;
}

namespace bucketscope::cli {

struct RamArgs {
    std::string bucket_size = "512K";
    std::string block_size; // empty: the RAM device's 512-byte sectors, as make-bcache picks
    bool discard = false;
};

void add_ram_options(CLI::App* cmd, RamArgs& a);

// Formats `target` ("ram:SIZE") with `a` and `policy` into `out`; an error names the
// option or the limit it broke.
Status make_ram(const std::string& target, const RamArgs& a, ReplacementPolicy policy,
                workload::CacheTarget& out);

} // namespace bucketscope::cli
