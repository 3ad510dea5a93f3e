#pragma once
// The engine's extent index: the stand-in for bcache's btree, keyed like it.
//
// Shape. A B+tree of nodes. Leaves (level 0) hold extents sorted by (inode, end offset);
// interior nodes hold one key per child. Every node has a key of its own, as in bcache: its
// `max` (the largest position it covers, MAX_KEY for the rightmost path), KEY_SIZE = the
// node size in sectors, and one pointer to the bucket the node lives in. A node covers
// (previous sibling's max, max]. The root's key and level are what a journal entry records
// as btree_root / btree_level.
//
// Overwrite. insert() gives the newer key the whole of its range: older extents it covers
// are dropped, partly covered ones are trimmed (a trimmed front moves the pointer offsets
// forward) and one that spans the new key is split in two, as bcache's extent fixup does.
// A key that crosses a node boundary is cut there, one piece per leaf, as
// bch_btree_insert_keys does (bch_cut_back / bch_cut_front at the node key): an extent
// always lies inside its leaf's range, so a leaf's keys describe its range completely and
// can be written to disk on their own.
//
// Persistence. The index is the in-memory btree; an IndexObserver (core/engine/btree_store)
// keeps its on-disk copy. The observer hears every key as it lands in a leaf (what the
// kernel appends to the leaf's unwritten bset), every node created and every node retired,
// which is all it needs to write nodes in the kernel's format.
//
// Buckets. The index never allocates. A node that grows past its capacity stays overfull
// until the caller supplies buckets: nodes_needed() says exactly how many, the caller takes
// them with bch_bucket_alloc_set(RESERVE_BTREE) and drops the allocation pin with bkey_put
// (as bch_btree_node_alloc does), then split() uses them. Like the kernel's btree_split,
// split() replaces the overfull node by new nodes (two or more halves, plus a new root when
// the root splits) and retires the old one with make_btree_freeing_key: its bucket's gen is
// bumped (bch_inc_gen) and prio_blocked is raised so no prio write can persist the new gen
// before the parent that stops referencing it is written. The caller completes that write
// with complete_node_frees(), which frees the buckets (bch_bucket_free) and lowers
// prio_blocked again (or complete_node_free() one node, when the caller knows which parent
// write landed). Empty leaves stay until a split or reset; they cost no data bucket.
//
// Memory: one 24-byte LeafKey per live extent (not per bucket) in a leaf's sorted chunks,
// plus one IndexNode per keys_per_node of them.
// Not thread-safe: the engine calls it under bucket_lock (or deterministic, one thread).

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "core/alloc/cache.h"
#include "core/index/extent.h"
#include "core/ondisk/sorted_chunks.h"

namespace bucketscope {

struct IndexGeometry {
    uint32_t node_sectors = 0;   // KEY_SIZE of node keys (btree_pages * PAGE_SECTORS)
    uint32_t keys_per_node = 0;  // capacity of a node in keys, >= 4
    // What the kernel's bch_cache_set_alloc gives for this bucket size: the whole bucket up
    // to 256 KiB, else max(bucket/4, 256 KiB). Capacity: the one-pointer keys (24 bytes
    // each after the 32-byte bset header) that fit in 4/5 of the node's blocks, where
    // btree_split splits rather than compacts, so a node written whole leaves room for
    // appended bsets; capped at 4096 so a node stays a small vector.
    static IndexGeometry for_bucket(uint32_t bucket_size_sectors, uint32_t block_sectors = 1);
};

// How a leaf stores an extent: 24 bytes instead of Extent's 152, since the index holds one
// per live extent and the checker reads them all after every step. Both kernels' allocation
// paths give every key exactly one pointer (bch_alloc_sectors and bch_btree_node_alloc ask
// bch_bucket_alloc_set for n = 1), so one pointer is what a leaf key holds.
struct LeafKey {
    uint64_t offset = 0;      // KEY_OFFSET
    uint64_t ptr_word = 0;    // dev << 56 | sector offset << 8 | gen
    uint32_t inode_dirty = 0; // KEY_INODE (20 bits) | kUnwritten | KEY_DIRTY << 31
    uint32_t size = 0;        // KEY_SIZE

    // The key is also in its leaf's unwritten bset (IndexObserver::keeps_unwritten). Not
    // part of the key: pack() leaves it clear and nothing but the index's own bookkeeping
    // reads it.
    static constexpr uint32_t kUnwritten = 1u << 30;

    static LeafKey pack(const Extent& e); // requires e.nptrs == 1, inode <= MAX_KEY_INODE
    Extent unpack() const;
    uint64_t inode() const { return inode_dirty & MAX_KEY_INODE; }
    bool dirty() const { return inode_dirty >> 31; }
    bool unwritten() const { return (inode_dirty & kUnwritten) != 0; }
    uint64_t start() const { return offset - size; }
    KeyPos pos() const { return {inode(), offset}; }
    Ptr ptr() const {
        return Ptr{static_cast<uint8_t>(ptr_word >> 56), static_cast<uint8_t>(ptr_word),
                   (ptr_word >> 8) & ((1ull << 48) - 1)};
    }
};
static_assert(sizeof(LeafKey) == 24);

// A leaf's keys in key order, in chunks (see core/ondisk/sorted_chunks.h): an insert or
// erase anywhere in a leaf of thousands moves at most one chunk's tail.
struct LeafKeyPos {
    ondisk::Pos128 operator()(const LeafKey& k) const { return ondisk::pos128(k.inode(), k.offset); }
};
using LeafKeys = ondisk::SortedChunks<LeafKey, LeafKeyPos>;

inline ondisk::Pos128 pos128(const KeyPos& p) { return ondisk::pos128(p.inode, p.offset); }

// extent_invalid(c, e) || extent_bad(c, e) for the key's Extent e, without unpacking it:
// what a node rewrite leaves behind (GC's and the btree writer's), asked of every key of
// the node.
bool leaf_key_bad(const CacheSet& c, const LeafKey& k);

// One node, read-only to everyone but the index. Interior nodes list child node ids in
// key order; leaves list extents in key order.
struct IndexNode {
    uint8_t level = 0;
    Ptr ptr;                        // the bucket this node lives in
    KeyPos max;                     // the node key's position
    uint32_t parent = UINT32_MAX;   // node id, UINT32_MAX for the root
    uint32_t unwritten = 0;         // leaves: keys marked LeafKey::kUnwritten
    LeafKeys extents;               // level 0
    std::vector<uint32_t> children; // level > 0
    bool live = false;              // slot in use

    size_t nkeys() const { return level ? children.size() : extents.size(); }
};

// The root key as a journal entry records it.
struct RootKey {
    KeyPos pos;          // MAX_KEY
    uint32_t size = 0;   // node sectors
    Ptr ptr;
    uint8_t level = 0;   // btree_level
};

// Hears every change of the index that the on-disk btree must follow. Called with
// bucket_lock held, from inside the index's operations.
class IndexObserver {
  public:
    virtual ~IndexObserver() = default;
    // Key `piece` landed in leaf `leaf`, cut to the leaf's range. nptrs == 0 is an erase
    // (the kernel's pointerless key that bch_data_invalidate inserts).
    virtual void on_leaf_key(uint32_t leaf, const Extent& piece) = 0;
    // Asked just before a key is stored in `leaf` (then on_leaf_key follows): true has the
    // leaf keep it marked as unwritten (LeafKey::kUnwritten), and the marks then stand for
    // the observer's own copy of the leaf's unwritten keys. An unwritten bset of pointer
    // keys merged with the overwrite rule holds exactly the keys of the leaf inserted since
    // it was last written, as the leaf has cut them since, so the leaf, which is in key
    // order already, can hold that set for the price of a bit: the index keeps a marked
    // key's pieces marked through overwrites, splits and trims, unmarks whatever a split
    // moves into a fresh node (its image is its first write) and counts the marks per
    // leaf. A dropped key (drop_extents) loses its mark.
    virtual bool keeps_unwritten(uint32_t leaf) {
        (void)leaf;
        return false;
    }
    // Node `id` now exists (init_root, a split piece, a new root); its slot may be reused.
    virtual void on_node_created(uint32_t id) = 0;
    // Node `id` was replaced by `replacements` and retired: `freeing` is its pointer with
    // the gen make_btree_freeing_key bumped it to; `parent` is its parent (UINT32_MAX for
    // the root). Called before the slot is released.
    virtual void on_node_retired(uint32_t id, const Ptr& freeing, uint32_t parent,
                                 std::span<const uint32_t> replacements) = 0;
};

// One node of a tree read back from disk, parents before children (what core/inspect's
// btree walk visits).
struct LoadedNode {
    uint8_t level = 0;
    Ptr ptr;
    KeyPos max;                    // the node key's position
    uint32_t parent = UINT32_MAX;  // position of the parent in the list; UINT32_MAX: root
    std::vector<Extent> extents;   // leaves: in key order, non-overlapping, one pointer each
};

class ExtentIndex {
  public:
    explicit ExtentIndex(IndexGeometry g);

    const IndexGeometry& geometry() const { return geo_; }

    // Creates the empty level-0 root (key MAX_KEY) in `node`, a bucket the caller allocated
    // from RESERVE_BTREE. Drops any previous tree without freeing its buckets (registration
    // of a new cache set starts here).
    void init_root(const Ptr& node);
    // Replaces the tree by `nodes` (the first is the root). A node's children are the later
    // entries naming it as parent, in order; the last child of a node is stretched to the
    // node's key and extents are cut to their leaf's range, so the result partitions the
    // key space even where a stale child was skipped. Interior nodes over capacity are
    // asked to be replaced. Returns each entry's node id.
    std::vector<uint32_t> load(const std::vector<LoadedNode>& nodes);
    bool has_root() const { return root_ != UINT32_MAX; }
    RootKey root_key() const; // requires has_root()
    uint32_t root_id() const { return root_; }

    // --- extents --------------------------------------------------------------------------
    void set_observer(IndexObserver* o) { observer_ = o; }

    // Where a visit() found the first key at or past its start: a cache miss inserts its
    // key right there once the backing read returns, and while the index has not changed
    // in between (version) insert() takes the leaf and the place from here instead of
    // searching for them again.
    struct LeafHint {
        uint64_t version = 0;
        uint32_t leaf = UINT32_MAX;
        LeafKeys::Cursor at;
        ondisk::Pos128 pos = 0; // what was searched for
    };

    // Inserts `k` (nptrs == 1, 1 <= size <= 65535) with extent overwrite semantics, cut at
    // leaf boundaries. Never fails; may leave nodes over capacity (see nodes_needed()).
    // Returns the sectors of older extents it replaced; `dirty_removed`, if given, gets how
    // many of them were dirty (the request path's bcache_dev_sectors_dirty accounting).
    // `hint`, if given, is used when it is current and was searched for k's start.
    uint64_t insert(const Extent& k, uint64_t* dirty_removed = nullptr,
                    const LeafHint* hint = nullptr);
    // The leaf `hint` names when it is current, was searched for k's start and `k` lies in
    // that one leaf (the only one for_each_leaf_piece would visit); UINT32_MAX otherwise.
    uint32_t hinted_leaf(const Extent& k, const LeafHint* hint) const {
        if (!hint || hint->version != version_ ||
            hint->pos != pos128(KeyPos{k.inode, k.start()}.successor()) ||
            nodes_[hint->leaf].max < k.pos())
            return UINT32_MAX;
        assert(hint->leaf == leaf_for(KeyPos{k.inode, k.start()}.successor()));
        return hint->leaf;
    }
    // Drops every extent sector in [start, start + len) of `inode` (trimming or splitting
    // the extents at the edges). Returns the sectors removed, `dirty_removed` as insert().
    uint64_t erase(uint64_t inode, uint64_t start, uint64_t len,
                   uint64_t* dirty_removed = nullptr);
    // Calls f(leaf, piece_start, piece_end) for each leaf covering part of sectors
    // [start, end) of `inode`, in key order, with the part inside that leaf.
    template <typename F>
    void for_each_leaf_piece(uint64_t inode, uint64_t start, uint64_t end, F&& f) const;
    // Moving GC's replace-insert: inserts `neu` only if an extent identical to `old` (range,
    // dirty bit and pointers) is still in the index, so a write that overwrote the range in
    // the meantime wins. Returns whether it inserted.
    bool replace(const Extent& old, const Extent& neu);
    // Extents overlapping [start, start + len) of `inode`, in key order, cut to that range.
    std::vector<Extent> lookup(uint64_t inode, uint64_t start, uint64_t len) const;
    // The same walk without copies: f(const LeafKey&) for every overlapping extent, in key
    // order and uncut, until f returns false. The request path's cache_lookup, which runs
    // once per request and must not allocate. `hint`, if given, gets where the walk began.
    template <typename F>
    void visit(uint64_t inode, uint64_t start, uint64_t len, F&& f, LeafHint* hint = nullptr) const;

    // Every extent in key order.
    void for_each(const std::function<void(const Extent&)>& f) const;
    // Every node, parents before children (the order GC walks them).
    void for_each_node(const std::function<void(uint32_t id, const IndexNode&)>& f) const;
    const IndexNode& node(uint32_t id) const { return nodes_[id]; }
    // The leaf covering `p` (requires has_root()).
    uint32_t leaf_for(KeyPos p) const;
    // Removes the extents of leaf `id` for which `drop` is true (GC's rewrite of a node that
    // holds too many stale keys). Returns how many were removed.
    size_t drop_extents(uint32_t id, const std::function<bool(const Extent&)>& drop);
    // drop_extents with leaf_key_bad: the keys a rewrite of leaf `id` leaves behind.
    size_t drop_bad_extents(const CacheSet& c, uint32_t id);
    // How many keys of leaf `id` are marked unwritten (0 for a slot not in use).
    size_t unwritten_keys(uint32_t id) const { return id < nodes_.size() ? nodes_[id].unwritten : 0; }
    // f(const LeafKey&) for every key of leaf `id` marked unwritten, in key order; the
    // marks are cleared.
    template <typename F> void take_unwritten(uint32_t id, F&& f);

    size_t size() const { return nextents_; }   // extents
    size_t node_count() const { return nlive_; }
    unsigned height() const;                   // root level + 1; 0 without a root

    // --- node splits and frees ------------------------------------------------------------
    // Asks for node `id` to be replaced at the next split(): by at least `min_pieces` (1 =
    // rewritten as one fresh node) and by more if it is over capacity. Requests die with
    // the node.
    void request_replace(uint32_t id, unsigned min_pieces);
    bool replace_requested(uint32_t id) const { return replace_requests_.count(id) != 0; }
    void cancel_replace_requests() { replace_requests_.clear(); }
    // Nodes over capacity (leaves only can be; a split never leaves an interior one over).
    bool has_overfull() const { return !overfull_leaves_.empty(); }
    // Exactly how many node buckets split() needs now (0 when no node is over capacity and
    // none is to be replaced).
    size_t nodes_needed() const;
    // The nodes split() will replace and how many pieces each becomes, lowest level first,
    // and the nodes that will gain keys without being replaced (their parents).
    struct PlanEntry {
        uint32_t id;
        size_t pieces;
    };
    struct Plan {
        std::vector<PlanEntry> replaced;
        std::vector<std::pair<uint32_t, size_t>> receivers; // node, keys it gains (net)
        bool new_root = false;
        size_t buckets = 0;
    };
    Plan plan() const;
    // Splits every overfull node, bottom up, using the first nodes_needed() of `new_nodes`
    // (each allocated from RESERVE_BTREE, allocation pin already dropped). Applies
    // make_btree_freeing_key to every replaced node (bch_inc_gen, prio_blocked++) and keeps
    // it pending. Returns how many buckets it used; 0 and no change if `new_nodes` is short.
    size_t split(CacheSet& c, std::span<const Ptr> new_nodes);
    // Nodes retired by split() whose parent write has not completed yet.
    const std::vector<Ptr>& pending_frees() const { return pending_frees_; }
    // The parent writes are done: btree_node_free (bch_bucket_free) each pending node and
    // drop its prio_blocked reference.
    void complete_node_frees(CacheSet& c);
    // The same for the one retired node at `p`; false if no such node is pending.
    bool complete_node_free(CacheSet& c, const Ptr& p);

    // Structural self-check (sorted, non-overlapping, inside node ranges, parents and
    // levels consistent, counts right). Empty when sound; each string names the node.
    std::vector<std::string> validate() const;

  private:
    uint32_t new_node(uint8_t level, const Ptr& ptr, KeyPos max, uint32_t parent);
    void free_node_slot(uint32_t id);
    // An extent taken out of a leaf, and whether it was marked unwritten.
    struct Taken {
        Extent e;
        bool unwritten = false;
    };
    // Takes every extent of `inode` overlapping [start, end) out of the leaves.
    std::vector<Taken> take_overlaps(uint64_t inode, uint64_t start, uint64_t end);
    // erase() without telling the observer: the overwrite part of an insert, which the
    // on-disk merge of the inserted key reproduces.
    uint64_t erase_range(uint64_t inode, uint64_t start, uint64_t len,
                         uint64_t* dirty_removed = nullptr);
    void put_extent(const Extent& k, bool unwritten);
    // insert()'s common cases with one leaf lookup: `k` lies in one leaf and either
    // overlaps nothing (a miss insert where GC had dropped the stale key) and goes in at
    // its place, or has exactly the range of one extent already there (a stale key of the
    // same object) and is stored over it, instead of an erase and an insert that each
    // move half the leaf. Returns the sectors replaced, or nullopt, changing nothing, when
    // neither is the case.
    std::optional<uint64_t> insert_in_leaf(const Extent& k, uint64_t* dirty_removed,
                                           const LeafHint* hint);
    void put_extent_in(uint32_t leaf, const Extent& k, bool unwritten);
    // Whether a key stored in `leaf` now is to be marked unwritten (the observer's say).
    bool mark_for(uint32_t leaf) const { return observer_ && observer_->keeps_unwritten(leaf); }
    template <typename Pred> size_t drop_if(uint32_t id, Pred drop);
    // How many pieces a node of n keys splits into.
    size_t pieces(size_t n) const;
    // How many pieces node `id` with `keys` keys becomes at a split (0: it stays).
    size_t pieces_for(uint32_t id, size_t keys) const;
    void split_node(CacheSet& c, uint32_t id, size_t m, std::span<const Ptr>& new_nodes);
    // leaf_for by walking down from the root: what the directory below is built to agree
    // with (debug builds check every lookup against it).
    uint32_t descend(KeyPos p) const;
    void build_directory() const;

    IndexGeometry geo_;
    std::vector<IndexNode> nodes_;
    std::vector<uint32_t> free_slots_;
    uint32_t root_ = UINT32_MAX;
    size_t nextents_ = 0;
    size_t nlive_ = 0;
    // Changes whenever a leaf's keys or the tree's shape may have: what makes a LeafHint
    // stale.
    uint64_t version_ = 1;
    std::vector<Ptr> pending_frees_;
    std::set<uint32_t> overfull_leaves_;
    std::map<uint32_t, unsigned> replace_requests_; // node -> minimum pieces
    IndexObserver* observer_ = nullptr;
    // leaf_for's directory: every leaf's key and id in key order, so a lookup is one binary
    // search over contiguous keys rather than a descent whose every probe reads another
    // node (a cache miss each on a large index; the request path looks up leaves several
    // times per miss). The search reads a top level of every eighth key first, then eight
    // keys, as a leaf's chunk summary does. Rebuilt on the first lookup after the tree's shape changed: every
    // node created or freed, a split's relinking, a load.
    mutable std::vector<ondisk::Pos128> dir_max_;
    mutable std::vector<ondisk::Pos128> dir_top_; // ondisk::build_top over dir_max_
    mutable std::vector<uint32_t> dir_leaf_;
    mutable bool dir_valid_ = false;
};

// Inline: the request path asks it once or twice per request.
inline uint32_t ExtentIndex::leaf_for(KeyPos p) const {
    if (!dir_valid_)
        build_directory();
    // The leaves partition the key space in key order and the last one's key is MAX_KEY,
    // so the first leaf whose key is at or past p is the one the descent reaches.
    const ondisk::Pos128 q = pos128(p);
    const size_t at = ondisk::partition_point_topped(dir_max_.data(), dir_max_.size(), dir_top_,
                                                     [&](ondisk::Pos128 m) { return m < q; });
    assert(at < dir_max_.size());
    const uint32_t id = dir_leaf_[at];
    assert(id == descend(p));
    return id;
}

template <typename F>
void ExtentIndex::for_each_leaf_piece(uint64_t inode, uint64_t start, uint64_t end, F&& f) const {
    // The leaf covering position (inode, s + 1) holds sector s; it covers sectors up to its
    // key's offset, or all the rest of the inode if its key names a later inode.
    while (start < end) {
        const uint32_t id = leaf_for(KeyPos{inode, start}.successor());
        const KeyPos max = nodes_[id].max;
        const uint64_t stop = max.inode > inode ? end : std::min(end, max.offset);
        f(id, start, stop);
        start = stop;
    }
}

template <typename F>
void ExtentIndex::visit(uint64_t inode, uint64_t start, uint64_t len, F&& f,
                        LeafHint* hint) const {
    if (!has_root() || !len)
        return;
    const uint64_t end = start + len;
    KeyPos pos = KeyPos{inode, start}.successor();
    for (;;) {
        const uint32_t id = leaf_for(pos);
        const LeafKeys& ex = nodes_[id].extents;
        const auto first = ex.lower_bound(pos128(pos));
        if (hint) {
            *hint = {version_, id, first, pos128(pos)};
            hint = nullptr;
        }
        for (auto it = ex.iter(first); it != ex.end(); ++it) {
            if (it->inode() != inode || it->start() >= end)
                return;
            if (!f(*it) || it->offset >= end)
                return;
        }
        const KeyPos max = nodes_[id].max;
        if (max == KeyPos::max() || max.inode > inode)
            return;
        pos = max.successor();
    }
}

template <typename F> void ExtentIndex::take_unwritten(uint32_t id, F&& f) {
    IndexNode& n = nodes_[id];
    if (!n.unwritten)
        return;
    n.extents.modify_each([&](LeafKey& k) {
        if (k.unwritten()) {
            k.inode_dirty &= ~LeafKey::kUnwritten;
            f(static_cast<const LeafKey&>(k));
            return --n.unwritten != 0;
        }
        return true;
    });
    assert(n.unwritten == 0);
}

} // namespace bucketscope
