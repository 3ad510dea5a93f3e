// The journal's open entry, placement and reclaim; see journal_writer.h.
#include "core/engine/journal_writer.h"

#include <algorithm>

#include "core/engine/btree_store.h"

namespace bucketscope {

namespace {

constexpr size_t kMaxJsetBytes = 32 * 1024; // PAGE_SIZE << JSET_BITS

// Fills a header key in place: the jset's keys are ~200 bytes each, and assigning a built
// one would zero and copy it again for every entry written.
void set_ptr_key(ondisk::Bkey& k, uint64_t inode, uint64_t offset, uint32_t size, const Ptr& p) {
    k.inode = inode;
    k.offset = offset;
    k.size = size;
    k.nptrs = 1;
    k.ptrs[0] = ondisk::BkeyPtr{p.dev, p.offset, p.gen};
}

} // namespace

JournalWriter::JournalWriter(Runtime& rt) : rt_(rt), dev_(rt.c.caches.size()) {
    const Cache& ca = *rt.c.caches.front();
    const uint64_t block_bytes = uint64_t(ca.geo.block_size) << 9;
    const uint64_t bucket_bytes = ca.geo.bucket_bytes();
    // Half a bucket at most, so a bucket always holds an entry plus the reserve.
    const uint64_t entry_bytes =
        std::max(block_bytes, std::min<uint64_t>(kMaxJsetBytes, bucket_bytes / 2) / block_bytes *
                                  block_bytes);
    max_entry_u64s_ = (entry_bytes - ondisk::JSET_HEADER) / 8;
    reserve_blocks_ = entry_bytes / block_bytes;
}

uint64_t JournalWriter::journal_bucket(unsigned dev, unsigned idx) const {
    return rt_.c.caches[dev]->geo.first_bucket + idx;
}

void JournalWriter::resume(uint64_t seq, uint64_t last_seq, unsigned cur_idx,
                           uint64_t used_blocks, const std::vector<uint64_t>& bucket_max_seq) {
    next_seq_ = seq + 1;
    durable_seq_ = seq;
    durable_last_seq_ = last_seq;
    for (size_t i = 0; i < dev_.size(); ++i) {
        const Cache& ca = *rt_.c.caches[i];
        const uint64_t bucket_blocks = ca.geo.bucket_size / ca.geo.block_size;
        dev_[i].cur_idx = cur_idx;
        dev_[i].blocks_free = bucket_blocks - std::min(bucket_blocks, used_blocks);
        dev_[i].bucket_seq = bucket_max_seq;
        dev_[i].bucket_seq.resize(ca.geo.njournal_buckets, 0);
    }
}

bool JournalWriter::room_for(const ondisk::Bkey& k) const {
    return !failed_ && open_.u64s() + k.u64s() <= max_entry_u64s_;
}

uint64_t JournalWriter::add_key(const ondisk::Bkey& k) {
    open_.add(k);
    return next_seq_;
}

uint64_t JournalWriter::add_key(const Extent& e) {
    if (e.nptrs != 1)
        return add_key(to_bkey(e));
    uint64_t w[3];
    ondisk::encode_ptr_key(e.inode, e.offset, e.size, e.dirty, e.ptrs[0].dev, e.ptrs[0].offset,
                           e.ptrs[0].gen, w);
    open_.add_packed(w, 3);
    return next_seq_;
}

uint64_t JournalWriter::request_meta() {
    meta_requested_ = true;
    return next_seq_;
}

bool JournalWriter::reclaimable(const DevState& d, unsigned idx) const {
    return d.bucket_seq[idx] == 0 || d.bucket_seq[idx] < durable_last_seq_;
}

bool JournalWriter::begin_write(uint64_t last_seq, PreparedJset& out, uint64_t* pinned_upto) {
    // The header is rebuilt in place: set_ptr_key writes the same fields every time and
    // the rest stay as constructed, so this is a fresh Jset without zeroing ~600 bytes
    // per entry.
    ondisk::Jset& j = header_;
    j.seq = next_seq_;
    j.last_seq = std::min(last_seq, j.seq);
    if (rt_.has_uuid_bucket) {
        const Cache& ca = *rt_.c.caches.front();
        set_ptr_key(j.uuid_bucket, 0, ca.geo.bucket_size, ca.geo.bucket_size, rt_.uuid_bucket);
    } else {
        j.uuid_bucket = ondisk::Bkey{};
    }
    if (rt_.btree && rt_.btree->has_disk_root()) {
        const RootKey r = rt_.btree->disk_root();
        set_ptr_key(j.btree_root, r.pos.inode, r.pos.offset, r.size, r.ptr);
        j.btree_level = r.level;
    } else if (rt_.index && rt_.index->has_root()) {
        const RootKey r = rt_.index->root_key();
        set_ptr_key(j.btree_root, r.pos.inode, r.pos.offset, r.size, r.ptr);
        j.btree_level = r.level;
    } else {
        j.btree_root = ondisk::Bkey{};
        j.btree_level = 0;
    }
    for (size_t i = 0; i < rt_.c.caches.size() && i < j.prio_bucket.size(); ++i) {
        const Cache& ca = *rt_.c.caches[i];
        j.prio_bucket[ca.geo.nr_this_dev] = ca.prio_buckets.empty() ? 0 : ca.prio_buckets[0];
    }

    const Cache& first = *rt_.c.caches.front();
    const uint64_t block_bytes = uint64_t(first.geo.block_size) << 9;
    const uint64_t need = open_.blocks(block_bytes);

    // One decision for every cache: their journals are laid out and filled alike.
    DevState& d0 = dev_.front();
    const unsigned n = first.geo.njournal_buckets;
    if (d0.bucket_seq.size() != n)
        for (DevState& d : dev_)
            d.bucket_seq.assign(n, 0);
    const unsigned next = (d0.cur_idx + 1) % n;
    const unsigned after_next = (next + 1) % n;
    const uint64_t bucket_blocks = first.geo.bucket_size / first.geo.block_size;
    // Where the entry may go: somewhere that leaves the reserve free behind it, or, using
    // the reserve, only if the entry's own last_seq frees the bucket after it once durable.
    const bool stay_fits = d0.blocks_free >= need;
    const bool stay_keeps = stay_fits && d0.blocks_free - need >= reserve_blocks_;
    const bool stay_frees = stay_fits && j.last_seq > d0.bucket_seq[next];
    const bool move_ok = reclaimable(d0, next) && bucket_blocks >= need;
    const bool move_keeps = move_ok && bucket_blocks - need >= reserve_blocks_;
    const bool move_frees = move_ok && j.last_seq > d0.bucket_seq[after_next];
    bool move = false;
    if (stay_keeps)
        move = false;
    else if (move_keeps)
        move = true;
    else if (stay_frees)
        move = false;
    else if (move_frees)
        move = true;
    else {
        *pinned_upto = reclaimable(d0, next) ? d0.bucket_seq[after_next] : d0.bucket_seq[next];
        return false;
    }

    out.seq = j.seq;
    out.last_seq = j.last_seq;
    out.buf = open_.finish(j, rt_.set_magic, block_bytes, std::move(out.buf));
    out.offset_bytes.clear();
    out.bucket.clear();
    for (size_t i = 0; i < rt_.c.caches.size(); ++i) {
        Cache& ca = *rt_.c.caches[i];
        DevState& d = dev_[i];
        if (move) {
            d.cur_idx = next;
            d.blocks_free = bucket_blocks;
        }
        const uint64_t bucket = journal_bucket(static_cast<unsigned>(i), d.cur_idx);
        const uint64_t sector = bucket * ca.geo.bucket_size +
                                (bucket_blocks - d.blocks_free) * ca.geo.block_size;
        d.blocks_free -= need;
        d.bucket_seq[d.cur_idx] = j.seq;
        out.offset_bytes.push_back(sector << 9);
        out.bucket.push_back(bucket);
        ca.meta_sectors_written += need * ca.geo.block_size;
    }
    meta_requested_ = false;
    in_flight_ = true;
    ++next_seq_;
    return true;
}

void JournalWriter::written(const PreparedJset& j) {
    in_flight_ = false;
    durable_seq_ = j.seq;
    durable_last_seq_ = j.last_seq;
    ++rt_.metrics.journal_writes;
    for (size_t i = 0; i < j.bucket.size(); ++i)
        rt_.emit(EventKind::JournalWrite, static_cast<uint8_t>(i), j.bucket[i], j.seq);
}

void JournalWriter::write_failed() {
    in_flight_ = false;
    failed_ = true;
}

} // namespace bucketscope
