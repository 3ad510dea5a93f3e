// Formats a ParseError the same way everywhere, so messages from every parser read alike:
// "prio_set at byte 131072: bad magic 0x..., expected 0x...".

#include "core/ondisk/result.h"

namespace bucketscope::ondisk {

std::string ParseError::to_string() const {
    return structure + " at byte " + std::to_string(offset) + ": " + message;
}

} // namespace bucketscope::ondisk
