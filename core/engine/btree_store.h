#pragma once
// The on-disk side of the extent index: bcache's btree nodes in the kernel's format
// (bcache-ondisk.md section 5), so that inspect and the kernel read what the engine wrote.
//
// A node on disk is a log of bsets in its bucket, all with the node's random seq. The
// first is written when the node is written whole (its image: a fresh node from a split
// or rewrite, or the root at registration); each later one holds the keys inserted since
// the write before (an append). Leaves collect the keys that land in them
// (IndexObserver::on_leaf_key, already cut to the leaf's range) in an unwritten set merged
// with the overwrite rule, which is what the kernel's last, unwritten bset holds. Reading a
// node merges its bsets, later ones winning, and gives back the node's keys as they are in
// memory. Interior nodes change only when children are replaced.
//
// The unwritten set. While a leaf's unwritten keys are all pointer keys, the set is the
// leaf's keys marked unwritten (IndexObserver::keeps_unwritten): a cache miss's key costs
// a bit in the leaf key it stores anyway instead of a search and a move in a second sorted
// structure of thousands of keys, and an append reads the marked keys out of the leaf in
// key order. The first key the leaf cannot hold (an erase's pointerless key) moves the
// marked keys into `pending`, an ExtentSet, which then takes every key until the next
// write.
//
// Structure changes follow btree_split / btree_gc_rewrite_node: the new nodes are written
// whole into their fresh buckets, bottom up with a flush between levels; then each parent
// that kept its bucket gets one appended bset holding the new children's keys and, for
// every retired child, make_btree_freeing_key's key (position ZERO_KEY, the bumped gen: on
// reload it pulls the bucket's gen forward, so the old pointer is stale even before a prio
// write says so). A new root is recorded by the next journal entry instead. The retired
// buckets are freed (and their prio_blocked released) only once that parent write has
// completed, or the journal entry naming the new root is durable.
//
// Room. A leaf whose log has no room left for the grown unwritten bset
// (bch_btree_insert_node's insert_u64s_remaining) is replaced: rewritten whole into a
// fresh bucket, or split when over capacity (the capacity keeps a node's image within 4/5
// of it, btree_split's threshold, so a rewritten node has room again). A parent that would
// not fit the bset of new keys is replaced with its children. As in the kernel, the
// inserter that finds a leaf full first gets the buckets for every replacement now due
// (btree_check_reserve, sleeping on btree_cache_wait while it holds no journal pin) and
// only then inserts; its key goes into the replacement. So the writer never waits for a
// bucket before releasing a journal pin, and the journal, which may wait for the writer,
// never waits for the allocator, which may be waiting for the journal.
//
// Journal pins. A key stays in the journal's replay range until it is in a node reachable
// on disk. Each leaf remembers the oldest journal seq among its unwritten keys (and among
// keys being appended); a structure change holds the seqs of the nodes it replaces until
// its writes are done. last_seq() is the minimum, what the next jset records.
//
// Every method runs with bucket_lock held. All node I/O is done by one task, the btree
// writer (btree_writer.h), one operation at a time, so no two node writes race and a
// node's bucket is never freed under a write in flight.

#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <vector>

#include "core/engine/runtime.h"
#include "core/index/extent_index.h"
#include "core/ondisk/bkey.h"
#include "core/ondisk/bset.h"
#include "core/ondisk/extents.h"

namespace bucketscope {

// An extent as a packed key (one pointer per pointer, KEY() bit set).
ondisk::Bkey to_bkey(const Extent& e);

// One write (or flush) of a btree operation, with its own buffer.
struct NodeIo {
    IoRequest io;
    std::vector<std::byte> buf;
};

class BtreeStore final : public IndexObserver {
  public:
    BtreeStore(Runtime& rt, ExtentIndex& idx, uint64_t seed);
    ~BtreeStore() override;
    BtreeStore(const BtreeStore&) = delete;
    BtreeStore& operator=(const BtreeStore&) = delete;

    uint32_t node_blocks() const { return node_blocks_; }
    uint64_t block_bytes() const { return block_bytes_; }

    // --- the tree as it is on disk (registration, open) ---------------------------------
    // Node `id` is on disk as its keys are in memory: its log holds `written_blocks`
    // blocks of bsets with seq `bset_seq`. Adopting the root makes it the disk root.
    void adopt_written(uint32_t id, uint64_t bset_seq, uint32_t written_blocks);
    // A fresh random (non-zero) bset seq, as the kernel draws for each node.
    uint64_t new_bset_seq();
    // The root the journal records: the newest root whose image is written.
    bool has_disk_root() const { return disk_root_key_.has_value(); }
    RootKey disk_root() const;

    // --- inserts --------------------------------------------------------------------------
    // The journal seq of the keys inserted from now on (the pins they take).
    void set_insert_seq(uint64_t seq) { insert_seq_ = seq; }
    // How many more node buckets the inserter of `k` must put in reserve (add_reserved)
    // before inserting: 0 unless a node is over capacity or a leaf `k` lands in has no
    // room left in its log (that leaf is then asked to be replaced, and `k` will go into
    // the replacement). This is btree_check_reserve in the inserter's context.
    // `hint`, if given, is where the lookup before the insert began (ExtentIndex::insert's).
    size_t buckets_to_fund(const Extent& k, const ExtentIndex::LeafHint* hint = nullptr);
    // Buckets from RESERVE_BTREE, allocation pins held, for the coming replacements.
    void add_reserved(std::span<const Ptr> buckets);
    // Up to `n` reserved buckets (pins still held), for the writer's split.
    std::vector<Ptr> take_reserved(size_t n);

    // --- the journal ----------------------------------------------------------------------
    // The oldest journal seq still needed for replay, given that the open entry is
    // `open_seq`.
    uint64_t last_seq(uint64_t open_seq) const;
    // Write every leaf holding keys of journal entries up to `upto` (btree_flush_write).
    void request_flush(uint64_t upto);
    // Write every leaf with unwritten keys (clean stop).
    void request_flush_all() { flush_all_ = true; }
    // No leaf holds unwritten keys and no structure change is pending or in flight.
    bool clean() const;

    // --- GC -------------------------------------------------------------------------------
    // btree_gc_rewrite_node: rewrite `leaf` into a fresh bucket without its bad keys. Best
    // effort: the writer tries once it has nothing that must be done, and gives up when no
    // bucket is to be had, as the kernel skips it.
    void request_rewrite(uint32_t leaf);

    // --- the writer -----------------------------------------------------------------------
    // Frees waiting for a journal entry naming a new root; the journal calls this when an
    // entry becomes durable.
    void complete_deferred_frees();
    // Work waiting, in the order the writer serves it.
    bool flush_requested() const;     // the journal is waiting for pins
    bool replacement_due() const;     // a node over capacity or asked to be replaced
    bool rewrites_due() const;        // GC asked for rewrites
    // Turns GC's rewrite requests into replacement requests for the next plan.
    void submit_rewrites();
    bool appends_due() const;         // flush_all, or an unwritten set past 4 KiB
    // A flush request with nothing left to flush (its pins are gone): forget it. Returns
    // whether there was one, so the journal can be told to look again.
    bool drop_moot_flush();
    // The leaf appends to do now (each a bset at the end of its leaf's log): what a flush
    // request or flush_all needs, and every unwritten set past 4 KiB. Marks them in flight.
    std::vector<NodeIo> take_appends();
    void appends_done();
    // Replacement: asks parents without room for the new keys to be replaced too, then
    // returns how many buckets the split needs and whether it may be given up (only GC
    // rewrites asked for it). cancel_optional_replacements() gives GC's up.
    size_t plan_replacement(bool* optional);
    void cancel_optional_replacements();
    // With the buckets in hand, GC's rewrites leave their bad keys behind (as
    // btree_gc_rewrite_node's sort does). Returns how many buckets the split needs now,
    // `planned` if nothing was dropped: a rewritten leaf that was also over capacity may
    // need fewer pieces than planned.
    size_t drop_bad_keys_of_rewrites(size_t planned);
    // Runs the split with `nodes` (drop_bad_keys_of_rewrites() of them, allocation pins
    // dropped) and returns its writes: every new node's image, level by level with flushes
    // between, then one bset per parent that gained keys.
    std::vector<NodeIo> replace(std::span<const Ptr> nodes);
    // The writes are done: free the retired buckets, or, with a new root, ask the journal
    // for the entry that records it and free them once that is durable.
    void replacement_done();

  private:
    struct NodeDisk {
        uint64_t serial = 0;   // per created node; slots are reused
        uint64_t bset_seq = 0;
        uint32_t written = 0;  // blocks of bsets in the node's bucket
        bool on_disk = false;  // its image is written (or being written)
        bool log_full = false; // asked to be replaced for room: inserts into it wait
        bool gc_rewrite = false;
        // Leaves: the keys inserted since the last write are in `pending` (listed) or are
        // the leaf's keys marked unwritten (not listed).
        bool listed = false;
        ondisk::ExtentSet pending;
        uint64_t pin = 0;          // oldest journal seq in `pending` (0: none)
        uint64_t inflight_pin = 0; // of an append being written
    };
    struct Retired {
        Ptr old_ptr;       // what pending_frees holds
        Ptr freeing;       // the freeing key's pointer (gen bumped)
        uint32_t parent = UINT32_MAX;
        uint64_t parent_serial = 0;
        std::vector<uint32_t> replacements;
    };
    struct Deferred {
        uint64_t seq = 0;
        std::vector<Ptr> frees;
    };

    void on_leaf_key(uint32_t leaf, const Extent& piece) override;
    bool keeps_unwritten(uint32_t leaf) override;
    void on_node_created(uint32_t id) override;
    void on_node_retired(uint32_t id, const Ptr& freeing, uint32_t parent,
                         std::span<const uint32_t> replacements) override;

    // Node `id`'s slot, made on first use. Inline: an insert asks for it three times.
    NodeDisk& disk(uint32_t id) { return id < nodes_.size() ? nodes_[id] : grow_to(id); }
    NodeDisk& grow_to(uint32_t id);
    ondisk::Bkey node_key(uint32_t id) const;
    // The node's keys as its image holds them.
    ondisk::BsetWriter node_image(uint32_t id) const;
    NodeIo bset_write(uint32_t id, ondisk::BsetWriter keys, bool image);
    void free_now(const std::vector<Ptr>& ptrs);
    bool deferred_frees_due() const;
    // The unwritten set of leaf `id`, whichever holds it.
    size_t unwritten_u64s(uint32_t id, const NodeDisk& d) const;
    bool has_unwritten(uint32_t id, const NodeDisk& d) const;
    // Moves the leaf's marked keys into d.pending.
    void list_unwritten(uint32_t id, NodeDisk& d);
    bool appendable(uint32_t id, const NodeDisk& d) const;

    Runtime& rt_;
    ExtentIndex& idx_;
    uint64_t rng_;
    uint32_t node_blocks_ = 0;
    uint64_t block_bytes_ = 0;
    std::vector<NodeDisk> nodes_;
    uint64_t next_serial_ = 1;
    std::optional<RootKey> disk_root_key_;
    uint64_t insert_seq_ = 0;
    uint64_t flush_upto_ = 0;
    bool flush_all_ = false;

    // The structure change in progress (between replace() and replacement_done()).
    bool in_op_ = false;
    uint64_t op_pin_ = 0;
    std::vector<std::pair<uint32_t, uint64_t>> op_created_; // (id, serial)
    std::vector<Retired> op_retired_;
    std::deque<Deferred> deferred_;
    std::vector<Ptr> reserved_; // funded by inserters, allocation pins held
};

} // namespace bucketscope
