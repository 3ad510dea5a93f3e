#pragma once
// Sizes as users type them: "256M", "512k", "1G", "131072", "256s".
//
// Suffixes follow make-bcache (bcache-tools hatoi): K, M, G, T multiply by powers of
// 1024, case-insensitively; "KiB"/"KB" spellings mean the same. A bare number is bytes,
// as in make-bcache's -b and -w. An "s" suffix counts 512-byte sectors, the unit the
// superblock itself stores, so a size copied from bcache-super-show can be pasted back.

#include "core/device/device.h"

#include <cstdint>
#include <string_view>

namespace bucketscope {

// Parses `text` into bytes. Errors name the text and what was expected.
Status parse_size(std::string_view text, uint64_t& bytes);

} // namespace bucketscope
