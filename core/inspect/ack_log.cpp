// The ack log's line format; see ack_log.h.
#include "core/inspect/ack_log.h"

#include <cinttypes>
#include <cstdio>

namespace bucketscope::inspect {

std::string format_ack(const AckRecord& a) {
    char line[160];
    std::snprintf(line, sizeof line, "%" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %d %" PRIu64 "\n",
                  a.inode, a.start, a.sectors, a.write_id, a.dirty ? 1 : 0, a.journal_seq);
    return line;
}

bool parse_ack_log(const std::string& text, std::vector<AckRecord>& out, std::string* why) {
    size_t pos = 0;
    uint64_t lineno = 0;
    while (pos < text.size()) {
        const size_t nl = text.find('\n', pos);
        if (nl == std::string::npos)
            break; // the last line was still being written
        const std::string line = text.substr(pos, nl - pos);
        pos = nl + 1;
        ++lineno;
        if (line.empty() || line[0] == '#')
            continue;
        AckRecord a;
        int dirty = 0;
        int used = 0;
        if (std::sscanf(line.c_str(), "%" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64 " %d %" SCNu64 "%n",
                        &a.inode, &a.start, &a.sectors, &a.write_id, &dirty, &a.journal_seq,
                        &used) != 6 ||
            static_cast<size_t>(used) != line.size() || (dirty != 0 && dirty != 1)) {
            if (why)
                *why = "line " + std::to_string(lineno) + ": \"" + line +
                       "\", expected: inode start sectors write_id dirty journal_seq";
            return false;
        }
        a.dirty = dirty;
        out.push_back(a);
    }
    return true;
}

} // namespace bucketscope::inspect
