// The kernel probes journal buckets in hash order and bisects to find the head; reading
// all of them gives the same newest entry and is simple to get right. An entry may not
// exceed 32 KiB (PAGE_SIZE << JSET_BITS) or its bucket, as in journal_read_bucket.

#include "core/inspect/journal_read.h"

#include <algorithm>
#include <map>

#include "core/inspect/device_read.h"

namespace bucketscope::inspect {

using ondisk::ParseError;
using ondisk::Result;

namespace {
constexpr size_t kMaxJsetBytes = 32 * 1024;
} // namespace

Result<JournalScan> read_journal(Device& dev, const ondisk::CacheSuperblock& sb,
                                 Progress* progress) {
    const uint64_t bucket_bytes = sb.bucket_sectors() * 512;
    const size_t block_bytes = size_t{sb.block_size} * 512;
    std::map<uint64_t, JournalEntry> by_seq;
    JournalScan scan;
    scan.bucket_max_seq.assign(sb.keys, 0);
    for (size_t i = 0; i < sb.keys; ++i) {
        const uint64_t start = sb.d[i] * bucket_bytes;
        if (!report_progress(progress, "journal", i, sb.keys))
            return ParseError{"jset", start, kCancelledMessage};
        auto buf = read_structure(dev, "jset", start, bucket_bytes);
        if (!buf)
            return buf.error();
        const std::span<const std::byte> b(buf.value());
        for (size_t off = 0; off + ondisk::JSET_HEADER <= b.size();) {
            const auto window = b.subspan(off, std::min(b.size() - off, kMaxJsetBytes));
            auto j = ondisk::decode_jset(window, sb.set_magic(), start + off);
            if (!j) {
                off += block_bytes;
                continue;
            }
            ++scan.entries_found;
            const size_t bytes = j.value().bytes();
            const uint64_t seq = j.value().seq;
            const uint64_t end = off + (bytes + block_bytes - 1) / block_bytes * block_bytes;
            scan.bucket_max_seq[i] = std::max(scan.bucket_max_seq[i], seq);
            if (by_seq.empty() || seq > by_seq.rbegin()->first) {
                scan.newest_bucket = static_cast<unsigned>(i);
                scan.newest_end_blocks = end / block_bytes;
            }
            by_seq.try_emplace(seq, JournalEntry{start + off, std::move(j.value())});
            off = end;
        }
    }
    if (by_seq.empty())
        return ParseError{"jset", sb.d[0] * bucket_bytes,
                          "no valid journal entry in any of the " + std::to_string(sb.keys) +
                              " journal buckets, but CACHE_SYNC says the set has metadata"};
    for (const auto& [seq, e] : by_seq)
        scan.history.push_back({seq, e.jset.prio_bucket});
    const uint64_t newest_seq = by_seq.rbegin()->first;
    const uint64_t last_seq = by_seq.rbegin()->second.jset.last_seq;
    if (last_seq > newest_seq)
        return ParseError{"jset", by_seq.rbegin()->second.device_offset + 32,
                          "newest entry seq " + std::to_string(newest_seq) + " has last_seq " +
                              std::to_string(last_seq) + ", expected last_seq <= seq"};
    for (auto it = by_seq.lower_bound(last_seq); it != by_seq.end(); ++it) {
        const uint64_t want = scan.replay.empty() ? last_seq : scan.replay.back().jset.seq + 1;
        if (it->first != want && !(scan.replay.empty() && sb.cache_discard()))
            return ParseError{"jset", it->second.device_offset + 16,
                              "journal entries " + std::to_string(want) + "-" +
                                  std::to_string(it->first - 1) + " missing (replaying " +
                                  std::to_string(last_seq) + "-" + std::to_string(newest_seq) + ")"};
        scan.replay.push_back(std::move(it->second));
    }
    return scan;
}

} // namespace bucketscope::inspect
