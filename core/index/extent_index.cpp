// The extent index's tree walk and bcache's extent overwrite (see extent_index.h).
//
// Every operation on a key range is "take the overlapping extents out, put back the pieces
// that survive". Extents never overlap and sort by their end, so the extents touching a
// range are one consecutive run in key order, which may cross leaf boundaries; pieces are
// re-inserted by position, so a trimmed extent whose end moved lands in whichever leaf now
// covers it. Node splits, frees and the self-check live in index_split.cpp.

#include "core/index/extent_index.h"

#include <algorithm>
#include <array>
#include <cassert>

namespace bucketscope {

LeafKey LeafKey::pack(const Extent& e) {
    assert(e.nptrs == 1 && e.inode <= MAX_KEY_INODE && e.ptrs[0].offset < (1ull << 48));
    LeafKey k;
    k.offset = e.offset;
    k.ptr_word = uint64_t(e.ptrs[0].dev) << 56 | e.ptrs[0].offset << 8 | e.ptrs[0].gen;
    k.inode_dirty = static_cast<uint32_t>(e.inode) | (e.dirty ? 1u << 31 : 0u);
    k.size = e.size;
    return k;
}

Extent LeafKey::unpack() const {
    Extent e;
    e.inode = inode();
    e.offset = offset;
    e.size = size;
    e.dirty = dirty();
    e.nptrs = 1;
    e.ptrs[0] = ptr();
    return e;
}

bool leaf_key_bad(const CacheSet& c, const LeafKey& k) {
    if (!k.size || k.size > k.offset)
        return true;
    const Ptr p = k.ptr();
    const Cache* ca = p.dev < MAX_CACHES_PER_SET ? ptr_cache(c, p) : nullptr;
    uint64_t bucket = 0;
    // An unavailable pointer makes the key bad; an available one must lie in a bucket and
    // be of its current gen.
    const bool bad =
        !ca || ptr_invalid(*ca, p, k.size, bucket) || gen_after(ca->buckets[bucket].gen, p.gen);
    assert(bad == (extent_invalid(c, k.unpack()) || extent_bad(c, k.unpack())));
    return bad;
}

namespace {

// leaf_key_bad for many keys of one cache set: each device number's cache and pointer
// geometry worked out once instead of per key (a rewrite asks it of every key of a leaf).
class BadKeys {
  public:
    explicit BadKeys(const CacheSet& c) : c_(c) {
        for (unsigned dev = 0; dev < MAX_CACHES_PER_SET; ++dev) {
            Ptr p;
            p.dev = static_cast<uint8_t>(dev);
            ca_[dev] = ptr_cache(c, p);
            if (ca_[dev])
                geo_[dev] = PtrGeometry(ca_[dev]->geo);
        }
    }
    bool operator()(const LeafKey& k) const {
        bool bad = !k.size || k.size > k.offset;
        if (!bad) {
            const Ptr p = k.ptr();
            const Cache* ca = p.dev < MAX_CACHES_PER_SET ? ca_[p.dev] : nullptr;
            uint64_t bucket = 0;
            bad = !ca || ptr_invalid(geo_[p.dev], p, k.size, bucket) ||
                  gen_after(ca->buckets[bucket].gen, p.gen);
        }
        assert(bad == leaf_key_bad(c_, k));
        return bad;
    }

  private:
    const CacheSet& c_;
    std::array<const Cache*, MAX_CACHES_PER_SET> ca_{};
    std::array<PtrGeometry, MAX_CACHES_PER_SET> geo_{};
};

} // namespace

IndexGeometry IndexGeometry::for_bucket(uint32_t bucket_size_sectors, uint32_t block_sectors) {
    constexpr uint32_t PAGE_SECTORS = 8;
    constexpr uint32_t BTREE_MAX_PAGES = 64; // 256 KiB of 4 KiB pages
    IndexGeometry g;
    uint32_t pages = bucket_size_sectors / PAGE_SECTORS;
    if (pages > BTREE_MAX_PAGES)
        pages = std::max(pages / 4, BTREE_MAX_PAGES);
    g.node_sectors = pages ? pages * PAGE_SECTORS : bucket_size_sectors;
    constexpr uint64_t kBsetHeader = 32, kKeyBytes = 24;
    const uint64_t block_bytes = uint64_t(std::max<uint32_t>(block_sectors, 1)) * 512;
    const uint64_t node_blocks = uint64_t(g.node_sectors) * 512 / block_bytes;
    const uint64_t image_bytes = std::max<uint64_t>(1, node_blocks * 4 / 5) * block_bytes;
    const uint64_t keys = image_bytes > kBsetHeader ? (image_bytes - kBsetHeader) / kKeyBytes : 0;
    g.keys_per_node = static_cast<uint32_t>(std::clamp<uint64_t>(keys, 4, 4096));
    return g;
}

ExtentIndex::ExtentIndex(IndexGeometry g) : geo_(g) {
    assert(geo_.keys_per_node >= 4);
}

uint32_t ExtentIndex::new_node(uint8_t level, const Ptr& ptr, KeyPos max, uint32_t parent) {
    uint32_t id;
    if (!free_slots_.empty()) {
        id = free_slots_.back();
        free_slots_.pop_back();
    } else {
        id = static_cast<uint32_t>(nodes_.size());
        nodes_.emplace_back();
    }
    IndexNode& n = nodes_[id];
    n.level = level;
    n.ptr = ptr;
    n.max = max;
    n.parent = parent;
    n.live = true;
    ++nlive_;
    dir_valid_ = false;
    ++version_;
    return id;
}

void ExtentIndex::free_node_slot(uint32_t id) {
    nodes_[id] = IndexNode{};
    free_slots_.push_back(id);
    overfull_leaves_.erase(id);
    replace_requests_.erase(id);
    --nlive_;
    dir_valid_ = false;
    ++version_;
}

void ExtentIndex::init_root(const Ptr& node) {
    nodes_.clear();
    free_slots_.clear();
    overfull_leaves_.clear();
    nextents_ = 0;
    nlive_ = 0;
    replace_requests_.clear();
    pending_frees_.clear();
    root_ = new_node(0, node, KeyPos::max(), UINT32_MAX);
    if (observer_)
        observer_->on_node_created(root_);
}

std::vector<uint32_t> ExtentIndex::load(const std::vector<LoadedNode>& nodes) {
    nodes_.clear();
    free_slots_.clear();
    overfull_leaves_.clear();
    replace_requests_.clear();
    pending_frees_.clear();
    nextents_ = 0;
    nlive_ = 0;
    root_ = UINT32_MAX;
    std::vector<uint32_t> ids;
    for (size_t i = 0; i < nodes.size(); ++i) {
        const LoadedNode& l = nodes[i];
        const bool root = i == 0;
        const uint32_t parent = root ? UINT32_MAX : ids[l.parent];
        const uint32_t id = new_node(l.level, l.ptr, root ? KeyPos::max() : l.max, parent);
        if (root)
            root_ = id;
        else
            nodes_[parent].children.push_back(id);
        ids.push_back(id);
    }
    // Parents come first, so each node's key is final before its own last child copies it.
    std::vector<KeyPos> low(nodes_.size(), KeyPos::zero());
    for (uint32_t id : ids) {
        IndexNode& n = nodes_[id];
        KeyPos prev = low[id];
        for (size_t c = 0; c < n.children.size(); ++c) {
            IndexNode& ch = nodes_[n.children[c]];
            if (c + 1 == n.children.size())
                ch.max = n.max;
            low[n.children[c]] = prev;
            prev = ch.max;
        }
    }
    for (size_t i = 0; i < nodes.size(); ++i) {
        const uint32_t id = ids[i];
        IndexNode& n = nodes_[id];
        for (Extent e : nodes[i].extents) {
            const KeyPos lo = low[id];
            if (e.inode == lo.inode && e.start() < lo.offset) {
                if (e.offset <= lo.offset)
                    continue;
                e.cut(lo.offset, e.offset);
            }
            if (e.pos() > n.max) {
                if (e.inode != n.max.inode || e.start() >= n.max.offset)
                    continue;
                e.cut(e.start(), n.max.offset);
            }
            if (e.pos() <= lo || e.nptrs != 1)
                continue;
            n.extents.push_back(LeafKey::pack(e));
        }
        nextents_ += n.extents.size();
        if (n.level == 0 && n.extents.size() > geo_.keys_per_node)
            overfull_leaves_.insert(id);
        if (n.level > 0 && n.children.size() > geo_.keys_per_node)
            replace_requests_[id] = 1;
        if (observer_)
            observer_->on_node_created(id);
    }
    dir_valid_ = false; // the children's keys were stretched after they were created
    return ids;
}

RootKey ExtentIndex::root_key() const {
    const IndexNode& r = nodes_[root_];
    return {r.max, geo_.node_sectors, r.ptr, r.level};
}

unsigned ExtentIndex::height() const {
    return has_root() ? nodes_[root_].level + 1u : 0u;
}

void ExtentIndex::build_directory() const {
    dir_max_.clear();
    dir_leaf_.clear();
    // In-order walk with an explicit stack of (node, next child).
    std::vector<std::pair<uint32_t, size_t>> stack{{root_, 0}};
    while (!stack.empty()) {
        auto& [id, next] = stack.back();
        const IndexNode& n = nodes_[id];
        if (!n.level) {
            dir_max_.push_back(pos128(n.max));
            dir_leaf_.push_back(id);
            stack.pop_back();
        } else if (next < n.children.size()) {
            const uint32_t child = n.children[next++];
            stack.emplace_back(child, 0);
        } else {
            stack.pop_back();
        }
    }
    ondisk::build_top(dir_max_.data(), dir_max_.size(), 0, dir_top_);
    dir_valid_ = true;
}

uint32_t ExtentIndex::descend(KeyPos p) const {
    uint32_t id = root_;
    while (nodes_[id].level) {
        const auto& ch = nodes_[id].children;
        // The last child's max equals the parent's, so a child always covers p.
        auto it = std::lower_bound(ch.begin(), ch.end(), p,
                                   [&](uint32_t c, const KeyPos& q) { return nodes_[c].max < q; });
        assert(it != ch.end());
        id = *it;
    }
    return id;
}

std::vector<ExtentIndex::Taken> ExtentIndex::take_overlaps(uint64_t inode, uint64_t start,
                                                          uint64_t end) {
    std::vector<Taken> out;
    // Extents ending after `start` are the first that can overlap [start, end).
    KeyPos pos = KeyPos{inode, start}.successor();
    for (;;) {
        const uint32_t id = leaf_for(pos);
        LeafKeys& ex = nodes_[id].extents;
        bool stop = false;
        for (auto at = ex.lower_bound(pos128(pos)); !ex.at_end(at) && !stop;) {
            const LeafKey& k = ex.at(at);
            if (k.inode() != inode || k.start() >= end) {
                stop = true;
                break;
            }
            out.push_back({k.unpack(), k.unwritten()});
            nodes_[id].unwritten -= k.unwritten();
            // Whatever follows an extent reaching `end` starts at or after it.
            stop = k.offset >= end;
            ex.erase(at);
            --nextents_;
        }
        const KeyPos max = nodes_[id].max;
        if (stop || max == KeyPos::max() || max.inode > inode)
            break;
        pos = max.successor();
    }
    return out;
}

namespace {
LeafKey pack_marked(const Extent& k, bool unwritten) {
    LeafKey p = LeafKey::pack(k);
    if (unwritten)
        p.inode_dirty |= LeafKey::kUnwritten;
    return p;
}
} // namespace

void ExtentIndex::put_extent(const Extent& k, bool unwritten) {
    put_extent_in(leaf_for(k.pos()), k, unwritten);
}

void ExtentIndex::put_extent_in(uint32_t id, const Extent& k, bool unwritten) {
    LeafKeys& ex = nodes_[id].extents;
    auto at = ex.lower_bound(pos128(k.pos()));
    ex.insert(at, pack_marked(k, unwritten));
    nodes_[id].unwritten += unwritten;
    ++nextents_;
    if (ex.size() > geo_.keys_per_node)
        overfull_leaves_.insert(id);
}

std::optional<uint64_t> ExtentIndex::insert_in_leaf(const Extent& k, uint64_t* dirty_removed,
                                                    const LeafHint* hint) {
    const uint64_t start = k.start();
    const KeyPos first = KeyPos{k.inode, start}.successor();
    const uint32_t id = hint ? hint->leaf : leaf_for(first);
    IndexNode& n = nodes_[id];
    if (n.max < k.pos())
        return std::nullopt; // crosses into the next leaf
    LeafKeys& ex = n.extents;
    // The first extent ending after `start`. Extents do not overlap and lie inside their
    // leaf, so when it starts at or past k's end nothing overlaps k, and when it has k's
    // range it is the only one k overlaps.
    auto at = hint ? hint->at : ex.lower_bound(pos128(first));
    assert(!hint || (id == leaf_for(first) && at.c == ex.lower_bound(pos128(first)).c &&
                     at.i == ex.lower_bound(pos128(first)).i));
    uint64_t removed = 0;
    if (ex.at_end(at) || ex.at(at).inode() != k.inode || ex.at(at).start() >= k.offset) {
        if (dirty_removed)
            *dirty_removed = 0;
        const bool mark = mark_for(id);
        ex.insert(at, pack_marked(k, mark));
        n.unwritten += mark;
        ++nextents_;
    } else if (LeafKey& old = ex.at(at); old.offset == k.offset && old.size == k.size) {
        if (dirty_removed)
            *dirty_removed = old.dirty() ? k.size : 0;
        const bool mark = mark_for(id);
        n.unwritten += static_cast<uint32_t>(mark) - old.unwritten();
        old = pack_marked(k, mark);
        removed = k.size;
    } else {
        return std::nullopt;
    }
    if (ex.size() > geo_.keys_per_node)
        overfull_leaves_.insert(id);
    if (observer_)
        observer_->on_leaf_key(id, k);
    return removed;
}

uint64_t ExtentIndex::insert(const Extent& k, uint64_t* dirty_removed, const LeafHint* hint) {
    assert(has_root() && k.size && k.size <= k.offset && k.nptrs == 1);
    if (hint && (hint->version != version_ ||
                 hint->pos != pos128(KeyPos{k.inode, k.start()}.successor())))
        hint = nullptr;
    ++version_;
    if (const auto removed = insert_in_leaf(k, dirty_removed, hint))
        return *removed;
    const uint64_t removed = erase_range(k.inode, k.start(), k.size, dirty_removed);
    for_each_leaf_piece(k.inode, k.start(), k.offset, [&](uint32_t leaf, uint64_t s, uint64_t e) {
        Extent piece = k;
        piece.cut(s, e);
        put_extent_in(leaf, piece, mark_for(leaf));
        if (observer_)
            observer_->on_leaf_key(leaf, piece);
    });
    return removed;
}

uint64_t ExtentIndex::erase(uint64_t inode, uint64_t start, uint64_t len,
                            uint64_t* dirty_removed) {
    ++version_;
    const uint64_t removed = erase_range(inode, start, len, dirty_removed);
    if (observer_ && len)
        for_each_leaf_piece(inode, start, start + len, [&](uint32_t leaf, uint64_t s, uint64_t e) {
            Extent gap;
            gap.inode = inode;
            gap.offset = e;
            gap.size = static_cast<uint32_t>(e - s);
            observer_->on_leaf_key(leaf, gap);
        });
    return removed;
}

uint64_t ExtentIndex::erase_range(uint64_t inode, uint64_t start, uint64_t len,
                                  uint64_t* dirty_removed) {
    if (dirty_removed)
        *dirty_removed = 0;
    if (!len)
        return 0;
    const uint64_t end = start + len;
    uint64_t removed = 0;
    for (const auto& [x, unwritten] : take_overlaps(inode, start, end)) {
        const uint64_t cut = std::min(x.offset, end) - std::max(x.start(), start);
        removed += cut;
        if (dirty_removed && x.dirty)
            *dirty_removed += cut;
        if (x.start() < start) {
            Extent front = x;
            front.cut(x.start(), start);
            put_extent(front, unwritten);
        }
        if (x.offset > end) {
            Extent back = x;
            back.cut(end, x.offset);
            put_extent(back, unwritten);
        }
    }
    return removed;
}

std::vector<Extent> ExtentIndex::lookup(uint64_t inode, uint64_t start, uint64_t len) const {
    std::vector<Extent> out;
    const uint64_t end = start + len;
    visit(inode, start, len, [&](const LeafKey& k) {
        Extent piece = k.unpack();
        piece.cut(std::max(k.start(), start), std::min(k.offset, end));
        out.push_back(piece);
        return true;
    });
    return out;
}

bool ExtentIndex::replace(const Extent& old, const Extent& neu) {
    if (neu.inode != old.inode || neu.start() < old.start() || neu.offset > old.offset)
        return false;
    Extent expected = old;
    expected.cut(neu.start(), neu.offset);
    const auto now = lookup(neu.inode, neu.start(), neu.size);
    if (now.size() != 1)
        return false;
    const Extent& e = now[0];
    if (e.start() != expected.start() || e.offset != expected.offset ||
        e.dirty != expected.dirty || e.nptrs != expected.nptrs)
        return false;
    for (unsigned i = 0; i < e.nptrs; ++i)
        if (e.ptrs[i].dev != expected.ptrs[i].dev || e.ptrs[i].gen != expected.ptrs[i].gen ||
            e.ptrs[i].offset != expected.ptrs[i].offset)
            return false;
    insert(neu);
    return true;
}

void ExtentIndex::for_each(const std::function<void(const Extent&)>& f) const {
    for_each_node([&](uint32_t, const IndexNode& n) {
        for (const LeafKey& k : n.extents)
            f(k.unpack());
    });
}

void ExtentIndex::for_each_node(
    const std::function<void(uint32_t id, const IndexNode&)>& f) const {
    if (!has_root())
        return;
    std::vector<uint32_t> stack{root_};
    while (!stack.empty()) {
        const uint32_t id = stack.back();
        stack.pop_back();
        const IndexNode& n = nodes_[id];
        f(id, n);
        for (auto it = n.children.rbegin(); it != n.children.rend(); ++it)
            stack.push_back(*it);
    }
}

template <typename Pred> size_t ExtentIndex::drop_if(uint32_t id, Pred drop) {
    ++version_;
    uint32_t marked = 0;
    const size_t n = nodes_[id].extents.erase_if([&](const LeafKey& k) {
        const bool gone = drop(k);
        marked += gone && k.unwritten();
        return gone;
    });
    nodes_[id].unwritten -= marked;
    nextents_ -= n;
    if (nodes_[id].extents.size() <= geo_.keys_per_node)
        overfull_leaves_.erase(id);
    return n;
}

size_t ExtentIndex::drop_extents(uint32_t id, const std::function<bool(const Extent&)>& drop) {
    return drop_if(id, [&](const LeafKey& k) { return drop(k.unpack()); });
}

size_t ExtentIndex::drop_bad_extents(const CacheSet& c, uint32_t id) {
    const BadKeys bad(c);
    return drop_if(id, bad);
}

} // namespace bucketscope
