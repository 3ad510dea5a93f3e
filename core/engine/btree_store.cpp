// The on-disk btree: node logs, appends, replacements and journal pins; see btree_store.h.
#include "core/engine/btree_store.h"

#include <algorithm>
#include <cassert>
#include <map>

#include "core/alloc/random.h"
#include "core/engine/journal_writer.h"
#include "core/ondisk/bset.h"

namespace bucketscope {

ondisk::Bkey to_bkey(const Extent& e) {
    ondisk::Bkey k;
    k.inode = e.inode;
    k.offset = e.offset;
    k.size = e.size;
    k.dirty = e.dirty;
    k.nptrs = e.nptrs;
    for (unsigned i = 0; i < e.nptrs && i < ondisk::MAX_PTRS; ++i)
        k.ptrs[i] = ondisk::BkeyPtr{e.ptrs[i].dev, e.ptrs[i].offset, e.ptrs[i].gen};
    return k;
}

namespace {

// bch_btree_leaf_dirty forces a write once the unwritten bset passes PAGE_SIZE - 48.
constexpr size_t kForceWriteBytes = 4096 - 48;
constexpr uint32_t kMaxKeySize = 0xffff; // KEY_SIZE is 16 bits on disk

void take_min(uint64_t& m, uint64_t pin) {
    if (pin && (!m || pin < m))
        m = pin;
}

} // namespace

BtreeStore::BtreeStore(Runtime& rt, ExtentIndex& idx, uint64_t seed)
    : rt_(rt), idx_(idx), rng_(seed ^ 0x6274726565ull) {
    const CacheGeometry& g = rt.c.caches.front()->geo;
    block_bytes_ = uint64_t(g.block_size) << 9;
    node_blocks_ = std::max<uint32_t>(1, idx.geometry().node_sectors / g.block_size);
    idx_.set_observer(this);
}

BtreeStore::~BtreeStore() { idx_.set_observer(nullptr); }

BtreeStore::NodeDisk& BtreeStore::grow_to(uint32_t id) {
    nodes_.resize(id + 1);
    return nodes_[id];
}

uint64_t BtreeStore::new_bset_seq() { return splitmix64_next(rng_) | 1; }

void BtreeStore::adopt_written(uint32_t id, uint64_t bset_seq, uint32_t written_blocks) {
    NodeDisk& d = disk(id);
    d.bset_seq = bset_seq;
    d.written = written_blocks;
    d.on_disk = true;
    if (id == idx_.root_id())
        disk_root_key_ = idx_.root_key();
}

RootKey BtreeStore::disk_root() const {
    assert(disk_root_key_);
    return *disk_root_key_;
}

// --- the observer -------------------------------------------------------------------------

void BtreeStore::on_node_created(uint32_t id) {
    NodeDisk& d = disk(id);
    d = NodeDisk{};
    d.serial = next_serial_++;
    if (in_op_)
        op_created_.emplace_back(id, d.serial);
}

void BtreeStore::on_node_retired(uint32_t id, const Ptr& freeing, uint32_t parent,
                                 std::span<const uint32_t> replacements) {
    NodeDisk& d = disk(id);
    // Its unwritten keys live on in the replacements' images: keep them pinned until those
    // are reachable.
    take_min(op_pin_, d.pin);
    take_min(op_pin_, d.inflight_pin);
    Retired r;
    r.old_ptr = idx_.node(id).ptr;
    r.freeing = freeing;
    r.parent = parent;
    r.parent_serial = parent == UINT32_MAX ? 0 : disk(parent).serial;
    r.replacements.assign(replacements.begin(), replacements.end());
    if (const Cache* ca = ptr_cache(rt_.c, freeing))
        rt_.emit(EventKind::BtreeNodeFree, static_cast<uint8_t>(freeing.dev),
                 ptr_bucket(*ca, freeing), freeing.gen);
    op_retired_.push_back(std::move(r));
    nodes_[id] = NodeDisk{};
}

bool BtreeStore::keeps_unwritten(uint32_t leaf) {
    const NodeDisk& d = disk(leaf);
    return d.on_disk && !d.listed;
}

void BtreeStore::on_leaf_key(uint32_t leaf, const Extent& piece) {
    NodeDisk& d = disk(leaf);
    take_min(d.pin, insert_seq_);
    if (!d.on_disk)
        return; // its image, built from memory, will hold the key
    if (!d.listed) {
        if (piece.nptrs == 1)
            return; // marked in the leaf (keeps_unwritten)
        list_unwritten(leaf, d);
    }
    if (piece.nptrs == 1) {
        const Ptr& p = piece.ptrs[0];
        d.pending.insert_ptr(piece.inode, piece.offset, piece.size, piece.dirty,
                             ondisk::BkeyPtr{p.dev, p.offset, p.gen});
        return;
    }
    if (piece.nptrs) {
        d.pending.insert(to_bkey(piece));
        return;
    }
    // An erase: pointerless keys, cut to what KEY_SIZE holds.
    for (uint64_t s = piece.start(); s < piece.offset;) {
        const uint64_t e = std::min<uint64_t>(piece.offset, s + kMaxKeySize);
        ondisk::Bkey k;
        k.inode = piece.inode;
        k.offset = e;
        k.size = static_cast<uint32_t>(e - s);
        d.pending.insert(k);
        s = e;
    }
}

size_t BtreeStore::unwritten_u64s(uint32_t id, const NodeDisk& d) const {
    // A leaf key has one pointer: 3 u64s packed.
    return d.listed ? d.pending.u64s() : 3 * idx_.unwritten_keys(id);
}

bool BtreeStore::has_unwritten(uint32_t id, const NodeDisk& d) const {
    return d.listed ? !d.pending.empty() : idx_.unwritten_keys(id) != 0;
}

void BtreeStore::list_unwritten(uint32_t id, NodeDisk& d) {
    assert(!d.listed && d.pending.empty());
    // In key order: each goes onto the end of the set.
    idx_.take_unwritten(id, [&](const LeafKey& k) {
        const Ptr p = k.ptr();
        d.pending.insert_ptr(k.inode(), k.offset, k.size, k.dirty(),
                             ondisk::BkeyPtr{p.dev, p.offset, p.gen});
    });
    d.listed = true;
}

// --- inserts and room -----------------------------------------------------------------

size_t BtreeStore::buckets_to_fund(const Extent& k, const ExtentIndex::LeafHint* hint) {
    bool full = idx_.has_overfull();
    auto check = [&](uint32_t leaf) {
        NodeDisk& d = disk(leaf);
        if (d.log_full) {
            full = true;
            return;
        }
        if (!d.on_disk)
            return;
        // The key itself, and one older unwritten key it may split in two. Every key let
        // into an appendable leaf passed this check, so its unwritten set fits the log.
        // d.written + bset_blocks(u64s) <= node_blocks_, without the division.
        const size_t u64s = unwritten_u64s(leaf, d) + 2 * 3;
        if (ondisk::BSET_HEADER + 8 * u64s <= (node_blocks_ - d.written) * block_bytes_)
            return;
        d.log_full = true;
        idx_.request_replace(leaf, 1);
        full = true;
    };
    // A miss's key lies in the leaf its lookup found: no second search for it.
    if (const uint32_t leaf = idx_.hinted_leaf(k, hint); leaf != UINT32_MAX)
        check(leaf);
    else
        idx_.for_each_leaf_piece(k.inode, k.start(), k.offset,
                                 [&](uint32_t piece_leaf, uint64_t, uint64_t) { check(piece_leaf); });
    if (!full)
        return 0;
    bool optional = false;
    const size_t need = plan_replacement(&optional);
    return need > reserved_.size() ? need - reserved_.size() : 0;
}

void BtreeStore::add_reserved(std::span<const Ptr> buckets) {
    reserved_.insert(reserved_.end(), buckets.begin(), buckets.end());
}

// --- journal pins and flushes -------------------------------------------------------------

uint64_t BtreeStore::last_seq(uint64_t open_seq) const {
    uint64_t m = open_seq;
    auto take = [&](uint64_t p) {
        if (p && p < m)
            m = p;
    };
    for (const NodeDisk& d : nodes_) {
        take(d.pin);
        take(d.inflight_pin);
    }
    take(op_pin_);
    return m;
}

void BtreeStore::request_flush(uint64_t upto) { flush_upto_ = std::max(flush_upto_, upto); }

bool BtreeStore::flush_requested() const {
    if (!flush_upto_)
        return false;
    for (uint32_t id = 0; id < nodes_.size(); ++id)
        if (nodes_[id].pin && nodes_[id].pin <= flush_upto_ && appendable(id, nodes_[id]))
            return true;
    return false;
}

bool BtreeStore::appendable(uint32_t id, const NodeDisk& d) const {
    // A leaf waiting to be replaced for room takes its unwritten keys into the replacement.
    return d.on_disk && !d.log_full && has_unwritten(id, d);
}

bool BtreeStore::drop_moot_flush() {
    if (!flush_upto_ || flush_requested())
        return false;
    flush_upto_ = 0;
    return true;
}

bool BtreeStore::appends_due() const {
    for (uint32_t id = 0; id < nodes_.size(); ++id) {
        const NodeDisk& d = nodes_[id];
        if (appendable(id, d) &&
            (flush_all_ || ondisk::BSET_HEADER + 8 * unwritten_u64s(id, d) > kForceWriteBytes))
            return true;
    }
    return false;
}

bool BtreeStore::clean() const {
    if (in_op_ || !deferred_.empty() || idx_.nodes_needed())
        return false;
    for (uint32_t id = 0; id < nodes_.size(); ++id)
        if (has_unwritten(id, nodes_[id]) || nodes_[id].inflight_pin)
            return false;
    return true;
}

NodeIo BtreeStore::bset_write(uint32_t id, ondisk::BsetWriter keys, bool image) {
    NodeDisk& d = disk(id);
    const IndexNode& n = idx_.node(id);
    if (image) {
        d.bset_seq = new_bset_seq();
        d.written = 0;
    }
    NodeIo w;
    w.buf = std::move(keys).finish(rt_.set_magic, d.bset_seq, ondisk::BCACHE_BSET_VERSION,
                                   ondisk::make_ptr(n.ptr.gen, n.ptr.offset, n.ptr.dev));
    w.io.op = IoOp::Write;
    w.io.dev = n.ptr.dev;
    w.io.offset = n.ptr.offset * 512 + d.written * block_bytes_;
    w.io.length = w.buf.size();
    d.written += static_cast<uint32_t>(w.buf.size() / block_bytes_);
    assert(d.written <= node_blocks_);
    if (Cache* ca = ptr_cache(rt_.c, n.ptr))
        ca->btree_sectors_written += w.buf.size() >> 9;
    ++rt_.metrics.btree_writes;
    return w;
}

std::vector<NodeIo> BtreeStore::take_appends() {
    std::vector<NodeIo> out;
    for (uint32_t id = 0; id < nodes_.size(); ++id) {
        NodeDisk& d = nodes_[id];
        if (!appendable(id, d))
            continue;
        const size_t u64s = unwritten_u64s(id, d);
        const bool urgent = flush_upto_ && d.pin && d.pin <= flush_upto_;
        const bool big = ondisk::BSET_HEADER + 8 * u64s > kForceWriteBytes;
        if (!flush_all_ && !urgent && !big)
            continue;
        ondisk::BsetWriter keys(block_bytes_, u64s);
        if (d.listed) {
            d.pending.for_each_packed([&](const uint64_t* w, size_t n) { keys.add_packed(w, n); });
        } else {
            uint64_t w[3];
            idx_.take_unwritten(id, [&](const LeafKey& k) {
                const Ptr p = k.ptr();
                ondisk::encode_ptr_key(k.inode(), k.offset, k.size, k.dirty(), p.dev, p.offset,
                                       p.gen, w);
                keys.add_packed(w, 3);
            });
        }
        out.push_back(bset_write(id, std::move(keys), false));
        d.inflight_pin = d.pin;
        d.pin = 0;
        d.pending.clear();
        d.listed = false;
    }
    flush_upto_ = 0;
    flush_all_ = false;
    for (NodeIo& w : out)
        w.io.data = w.buf.data();
    return out;
}

void BtreeStore::appends_done() {
    for (NodeDisk& d : nodes_)
        d.inflight_pin = 0;
}

// --- replacements -------------------------------------------------------------------------

void BtreeStore::request_rewrite(uint32_t leaf) {
    NodeDisk& d = disk(leaf);
    if (d.on_disk)
        d.gc_rewrite = true;
}

bool BtreeStore::replacement_due() const { return idx_.nodes_needed() != 0; }

bool BtreeStore::rewrites_due() const {
    for (uint32_t id = 0; id < nodes_.size(); ++id)
        if (nodes_[id].gc_rewrite && nodes_[id].on_disk && idx_.node(id).live)
            return true;
    return false;
}

void BtreeStore::submit_rewrites() {
    for (uint32_t id = 0; id < nodes_.size(); ++id)
        if (nodes_[id].gc_rewrite && nodes_[id].on_disk && idx_.node(id).live)
            idx_.request_replace(id, 1);
}

size_t BtreeStore::plan_replacement(bool* optional) {
    for (;;) {
        const ExtentIndex::Plan plan = idx_.plan();
        bool changed = false;
        for (const auto& [recv, gain] : plan.receivers) {
            // One freeing key and the replacements' keys per replaced child.
            size_t keys = 0;
            for (const auto& e : plan.replaced)
                if (idx_.node(e.id).parent == recv)
                    keys += e.pieces + 1;
            const NodeDisk& d = disk(recv);
            if (d.written + ondisk::bset_blocks(3 * keys, block_bytes_) > node_blocks_) {
                idx_.request_replace(recv, 1);
                changed = true;
            }
        }
        if (changed)
            continue;
        bool mandatory = idx_.has_overfull();
        for (const auto& e : plan.replaced)
            mandatory |= disk(e.id).log_full;
        *optional = !mandatory;
        return plan.buckets;
    }
}

void BtreeStore::cancel_optional_replacements() {
    idx_.cancel_replace_requests();
    for (uint32_t id = 0; id < nodes_.size(); ++id) {
        nodes_[id].gc_rewrite = false;
        if (nodes_[id].log_full && idx_.node(id).live)
            idx_.request_replace(id, 1);
    }
}

size_t BtreeStore::drop_bad_keys_of_rewrites(size_t planned) {
    size_t dropped = 0;
    for (uint32_t id = 0; id < nodes_.size(); ++id)
        if (nodes_[id].gc_rewrite && idx_.replace_requested(id))
            // A dropped key leaves the leaf's unwritten set too (its mark goes with it),
            // where `pending` would keep it: the leaf is replaced right after and its
            // unwritten set dropped unread, so it makes no difference.
            dropped += idx_.drop_bad_extents(rt_.c, id);
    rt_.metrics.btree_keys_dropped += dropped;
    return dropped ? idx_.nodes_needed() : planned;
}

std::vector<Ptr> BtreeStore::take_reserved(size_t n) {
    const size_t k = std::min(n, reserved_.size());
    std::vector<Ptr> out(reserved_.end() - static_cast<std::ptrdiff_t>(k), reserved_.end());
    reserved_.resize(reserved_.size() - k);
    return out;
}

std::vector<NodeIo> BtreeStore::replace(std::span<const Ptr> nodes) {
    in_op_ = true;
    op_pin_ = 0;
    op_created_.clear();
    op_retired_.clear();
    CacheSet& c = rt_.c;
    [[maybe_unused]] const size_t used = idx_.split(c, nodes);
    assert(used == nodes.size());
    ++rt_.metrics.btree_replacements;

    // The new nodes whole, children before parents (the order does not matter for safety:
    // nothing on disk names them until the writes below, after a flush).
    std::vector<std::pair<uint8_t, uint32_t>> created;
    for (const auto& [id, serial] : op_created_)
        if (id < nodes_.size() && nodes_[id].serial == serial && idx_.node(id).live)
            created.emplace_back(idx_.node(id).level, id);
    std::sort(created.begin(), created.end());
    std::vector<NodeIo> out;
    std::vector<bool> dev_written(rt_.devices.size(), false);
    for (const auto& [level, id] : created) {
        NodeDisk& d = disk(id);
        take_min(op_pin_, d.pin);
        d.pin = 0;
        d.pending.clear();
        d.listed = false;
        assert(idx_.unwritten_keys(id) == 0); // the split unmarked its keys
        out.push_back(bset_write(id, node_image(id), true));
        d.on_disk = true;
        dev_written[out.back().io.dev] = true;
    }

    // Parents that kept their bucket: one bset each with the freeing keys of their
    // retired children and the keys of the children that replaced them.
    std::map<uint32_t, std::vector<ondisk::Bkey>> appends;
    for (const Retired& r : op_retired_) {
        if (r.parent == UINT32_MAX || r.parent >= nodes_.size() || !idx_.node(r.parent).live ||
            nodes_[r.parent].serial != r.parent_serial || !nodes_[r.parent].on_disk)
            continue;
        bool parent_new = false;
        for (const auto& [id, serial] : op_created_)
            parent_new |= id == r.parent && serial == r.parent_serial;
        if (parent_new)
            continue;
        auto& keys = appends[r.parent];
        ondisk::Bkey freeing;
        freeing.size = idx_.geometry().node_sectors;
        freeing.nptrs = 1;
        freeing.ptrs[0] = ondisk::BkeyPtr{r.freeing.dev, r.freeing.offset, r.freeing.gen};
        keys.push_back(freeing);
        for (uint32_t n : r.replacements)
            if (idx_.node(n).live && idx_.node(n).parent == r.parent)
                keys.push_back(node_key(n));
    }
    if (!appends.empty())
        for (unsigned dev = 0; dev < dev_written.size(); ++dev)
            if (dev_written[dev]) {
                NodeIo f;
                f.io.op = IoOp::Flush;
                f.io.dev = dev;
                out.push_back(std::move(f));
            }
    for (auto& [parent, keys] : appends) {
        std::stable_sort(keys.begin(), keys.end(), [](const ondisk::Bkey& a, const ondisk::Bkey& b) {
            return ondisk::bkey_cmp(a, b) < 0;
        });
        ondisk::BsetWriter bset(block_bytes_);
        for (const ondisk::Bkey& k : keys)
            bset.add(k);
        out.push_back(bset_write(parent, std::move(bset), false));
    }
    for (NodeIo& w : out)
        if (w.io.op == IoOp::Write)
            w.io.data = w.buf.data();
    return out;
}

void BtreeStore::replacement_done() {
    std::vector<Ptr> frees;
    for (const Retired& r : op_retired_)
        frees.push_back(r.old_ptr);
    const RootKey root = idx_.root_key();
    const bool new_root = !disk_root_key_ || disk_root_key_->ptr.offset != root.ptr.offset ||
                          disk_root_key_->ptr.gen != root.ptr.gen ||
                          disk_root_key_->ptr.dev != root.ptr.dev;
    if (new_root) {
        // bch_btree_set_root: the next journal entry names it; until that is durable the
        // old root is what a crash would bring back, so its bucket waits.
        disk_root_key_ = root;
        if (rt_.journal) {
            deferred_.push_back({rt_.journal->request_meta(), std::move(frees)});
            rt_.wake(kJournalWork);
        } else {
            free_now(frees);
        }
    } else {
        free_now(frees);
    }
    op_pin_ = 0;
    in_op_ = false;
    op_created_.clear();
    op_retired_.clear();
    rt_.wake(kBtreeDone);
}

void BtreeStore::free_now(const std::vector<Ptr>& ptrs) {
    for (const Ptr& p : ptrs)
        idx_.complete_node_free(rt_.c, p);
    if (!ptrs.empty())
        rt_.wake_allocators(); // prio_blocked went down
}

bool BtreeStore::deferred_frees_due() const {
    return !deferred_.empty() && rt_.journal && rt_.journal->durable(deferred_.front().seq);
}

void BtreeStore::complete_deferred_frees() {
    while (deferred_frees_due()) {
        free_now(deferred_.front().frees);
        deferred_.pop_front();
    }
}

// --- keys ---------------------------------------------------------------------------------

ondisk::Bkey BtreeStore::node_key(uint32_t id) const {
    const IndexNode& n = idx_.node(id);
    ondisk::Bkey k;
    k.inode = n.max.inode;
    k.offset = n.max.offset;
    k.size = idx_.geometry().node_sectors;
    k.nptrs = 1;
    k.ptrs[0] = ondisk::BkeyPtr{n.ptr.dev, n.ptr.offset, n.ptr.gen};
    return k;
}

ondisk::BsetWriter BtreeStore::node_image(uint32_t id) const {
    const IndexNode& n = idx_.node(id);
    // One pointer per key, leaf or interior: 3 u64s each.
    ondisk::BsetWriter keys(block_bytes_, 3 * n.nkeys());
    uint64_t w[3];
    if (n.level == 0) {
        for (const LeafKey& k : n.extents) {
            const Ptr p = k.ptr();
            ondisk::encode_ptr_key(k.inode(), k.offset, k.size, k.dirty(), p.dev, p.offset, p.gen,
                                   w);
            keys.add_packed(w, 3);
        }
    } else {
        for (uint32_t ch : n.children)
            keys.add(node_key(ch));
    }
    return keys;
}

} // namespace bucketscope
