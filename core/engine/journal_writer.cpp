// bch_journal_meta placement and encoding; see journal_writer.h.
#include "core/engine/journal_writer.h"

#include "core/ondisk/jset.h"

namespace bucketscope {

namespace {

ondisk::Bkey to_bkey(uint64_t inode, uint64_t offset, uint32_t size, const Ptr& p) {
    ondisk::Bkey k;
    k.inode = inode;
    k.offset = offset;
    k.size = size;
    k.nptrs = 1;
    k.ptrs[0] = ondisk::BkeyPtr{p.dev, p.offset, p.gen};
    return k;
}

} // namespace

JournalWriter::JournalWriter(Runtime& rt) : rt_(rt), dev_(rt.c.caches.size()) {}

uint64_t JournalWriter::journal_bucket(unsigned dev, unsigned idx) const {
    return rt_.c.caches[dev]->geo.first_bucket + idx;
}

PreparedJset JournalWriter::prepare() {
    ondisk::Jset j;
    j.seq = ++seq_;
    j.last_seq = j.seq;
    if (rt_.has_uuid_bucket) {
        const Cache& ca = *rt_.c.caches.front();
        j.uuid_bucket = to_bkey(0, ca.geo.bucket_size, ca.geo.bucket_size, rt_.uuid_bucket);
    }
    if (rt_.index && rt_.index->has_root()) {
        const RootKey r = rt_.index->root_key();
        j.btree_root = to_bkey(r.pos.inode, r.pos.offset, r.size, r.ptr);
        j.btree_level = r.level;
    }
    for (size_t i = 0; i < rt_.c.caches.size() && i < j.prio_bucket.size(); ++i) {
        const Cache& ca = *rt_.c.caches[i];
        j.prio_bucket[ca.geo.nr_this_dev] = ca.prio_buckets.empty() ? 0 : ca.prio_buckets[0];
    }

    const Cache& first = *rt_.c.caches.front();
    const uint64_t block_bytes = uint64_t(first.geo.block_size) << 9;
    PreparedJset out;
    out.seq = j.seq;
    out.buf = ondisk::encode_jset(j, rt_.set_magic, block_bytes);
    const uint64_t set_blocks = out.buf.size() / block_bytes;

    for (size_t i = 0; i < rt_.c.caches.size(); ++i) {
        Cache& ca = *rt_.c.caches[i];
        DevState& d = dev_[i];
        const uint64_t bucket_blocks = ca.geo.bucket_size / ca.geo.block_size;
        if (d.blocks_free < set_blocks) {
            d.cur_idx = (d.cur_idx + 1) % ca.geo.njournal_buckets;
            d.blocks_free = bucket_blocks;
        }
        const uint64_t bucket = journal_bucket(static_cast<unsigned>(i), d.cur_idx);
        const uint64_t sector = bucket * ca.geo.bucket_size +
                                (bucket_blocks - d.blocks_free) * ca.geo.block_size;
        d.blocks_free -= set_blocks;
        out.offset_bytes.push_back(sector << 9);
        out.bucket.push_back(bucket);
        ca.meta_sectors_written += set_blocks * ca.geo.block_size;
    }
    return out;
}

void JournalWriter::written(const PreparedJset& j) {
    ++rt_.metrics.journal_writes;
    for (size_t i = 0; i < j.bucket.size(); ++i)
        rt_.emit(EventKind::JournalWrite, static_cast<uint8_t>(i), j.bucket[i], j.seq);
}

} // namespace bucketscope
