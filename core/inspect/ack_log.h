#pragma once
// The acknowledgement log `bucketscope-cli run --ack-log` appends to and `check --ack-log`
// verifies against: one line per acknowledged piece of a write, written only after the
// journal entry holding its key was durable, in the order the keys were inserted.
//
//   # bucketscope ack log 1
//   <inode> <start sector> <sectors> <write id> <dirty 0|1> <journal seq>
//
// A line without its newline (the writer died while appending) is ignored.

#include <cstdint>
#include <string>
#include <vector>

namespace bucketscope::inspect {

inline constexpr const char* kAckLogHeader = "# bucketscope ack log 1\n";

struct AckRecord {
    uint64_t inode = 0;
    uint64_t start = 0;
    uint64_t sectors = 0;
    uint64_t write_id = 0;
    bool dirty = false;
    uint64_t journal_seq = 0;
};

std::string format_ack(const AckRecord& a);
// Every complete record of `text`; false with `why` (naming the line) on a malformed one.
bool parse_ack_log(const std::string& text, std::vector<AckRecord>& out, std::string* why);

} // namespace bucketscope::inspect
