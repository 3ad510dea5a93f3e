// Node splits and rewrites, node frees and the structural self-check of the extent index.
//
// A split mirrors bcache's btree_split: the overfull node is not grown in place but
// replaced by freshly allocated nodes (its keys spread evenly, each piece at most 3/4 full
// so the next inserts do not split again at once), the parent gains the extra keys (and may
// overflow in turn, so splits run level by level, bottom up), and a root split adds a new
// root one level up. The replaced node's bucket goes through make_btree_freeing_key right
// away: its gen is bumped so any pointer to the old node is stale, and prio_blocked holds
// prio writes off until complete_node_frees() says the parent write landed and the bucket
// can be freed. A node asked to be replaced (request_replace) goes through the same path,
// as one fresh node when it is within capacity (the kernel's compaction and GC rewrite) or
// as several. plan() / nodes_needed() run the same plan on counts only, so the caller can
// allocate exactly what split() will take.

#include <algorithm>
#include <cassert>
#include <map>

#include "core/alloc/alloc.h"
#include "core/index/extent_index.h"

namespace bucketscope {

namespace {

Cache& cache_of(CacheSet& c, const Ptr& p) {
    Cache* ca = ptr_cache(c, p);
    assert(ca && "a node pointer names a cache of the set");
    return *ca;
}

} // namespace

size_t ExtentIndex::pieces(size_t n) const {
    const size_t per = (size_t(geo_.keys_per_node) * 3 + 3) / 4;
    return std::max<size_t>(2, (n + per - 1) / per);
}

size_t ExtentIndex::pieces_for(uint32_t id, size_t keys) const {
    size_t m = keys > geo_.keys_per_node ? pieces(keys) : 0;
    if (const auto r = replace_requests_.find(id); r != replace_requests_.end())
        m = std::max<size_t>(m, r->second);
    // Every piece of a split keeps at least one key; an empty node is rewritten whole.
    return m ? std::min(m, std::max<size_t>(keys, 1)) : 0;
}

void ExtentIndex::request_replace(uint32_t id, unsigned min_pieces) {
    assert(id < nodes_.size() && nodes_[id].live && min_pieces >= 1);
    unsigned& m = replace_requests_[id];
    m = std::max(m, min_pieces);
}

ExtentIndex::Plan ExtentIndex::plan() const {
    Plan out;
    // (level, node) -> keys it will hold once the splits below it are done.
    std::map<std::pair<uint8_t, uint32_t>, size_t> pending;
    for (uint32_t id : overfull_leaves_)
        pending[{0, id}] = nodes_[id].nkeys();
    for (const auto& [id, m] : replace_requests_)
        pending[{nodes_[id].level, id}] = nodes_[id].nkeys();
    while (!pending.empty()) {
        const auto [key, keys] = *pending.begin();
        pending.erase(pending.begin());
        const IndexNode& n = nodes_[key.second];
        const size_t m = pieces_for(key.second, keys);
        if (!m) {
            // Only parents of replaced nodes get here: they gain keys in place.
            out.receivers.emplace_back(key.second, keys - n.nkeys());
            continue;
        }
        out.replaced.push_back({key.second, m});
        out.buckets += m;
        if (n.parent != UINT32_MAX) {
            auto [it, fresh] = pending.try_emplace({n.level + 1, n.parent}, 0);
            if (fresh)
                it->second = nodes_[n.parent].nkeys();
            it->second += m - 1;
        } else if (m > 1) {
            // A new root above the pieces, itself split again if they are too many.
            out.new_root = true;
            size_t root_keys = m;
            out.buckets += 1;
            while (root_keys > geo_.keys_per_node) {
                root_keys = pieces(root_keys);
                out.buckets += root_keys + 1;
            }
        }
    }
    return out;
}

size_t ExtentIndex::nodes_needed() const {
    if (overfull_leaves_.empty() && replace_requests_.empty())
        return 0;
    return plan().buckets;
}

void ExtentIndex::split_node(CacheSet& c, uint32_t id, size_t m,
                             std::span<const Ptr>& new_nodes) {
    const uint8_t level = nodes_[id].level;
    const KeyPos max = nodes_[id].max;
    const uint32_t parent = nodes_[id].parent;
    const Ptr old_ptr = nodes_[id].ptr;
    const size_t keys = nodes_[id].nkeys();

    std::vector<uint32_t> ids;
    LeafKeys::Cursor next_key; // the source leaf's first key not yet given to a piece
    for (size_t i = 0; i < m; ++i) {
        const size_t lo = keys * i / m, hi = keys * (i + 1) / m;
        const uint32_t nid = new_node(level, new_nodes.front(), max, parent);
        new_nodes = new_nodes.subspan(1);
        // new_node() may have grown nodes_: index afresh every time.
        IndexNode& src = nodes_[id];
        IndexNode& dst = nodes_[nid];
        if (level == 0) {
            // A fresh node's image is its first write: nothing in it is unwritten.
            for (size_t k = lo; k < hi; ++k, src.extents.advance(next_key)) {
                LeafKey key = src.extents.at(next_key);
                key.inode_dirty &= ~LeafKey::kUnwritten;
                dst.extents.push_back(key);
            }
            if (i + 1 < m)
                dst.max = dst.extents.back().pos();
        } else {
            dst.children.assign(src.children.begin() + lo, src.children.begin() + hi);
            if (i + 1 < m)
                dst.max = nodes_[dst.children.back()].max;
        }
        for (uint32_t child : nodes_[nid].children)
            nodes_[child].parent = nid;
        if (level == 0 && nodes_[nid].extents.size() > geo_.keys_per_node)
            overfull_leaves_.insert(nid);
        ids.push_back(nid);
        if (observer_)
            observer_->on_node_created(nid);
    }

    if (parent == UINT32_MAX && m > 1) {
        const uint32_t r = new_node(level + 1, new_nodes.front(), KeyPos::max(), UINT32_MAX);
        new_nodes = new_nodes.subspan(1);
        nodes_[r].children = ids;
        for (uint32_t nid : ids)
            nodes_[nid].parent = r;
        root_ = r;
        if (observer_)
            observer_->on_node_created(r);
    } else if (parent == UINT32_MAX) {
        root_ = ids.front(); // the root rewritten in place of itself
    } else {
        auto& ch = nodes_[parent].children;
        auto at = std::find(ch.begin(), ch.end(), id);
        assert(at != ch.end());
        at = ch.erase(at);
        ch.insert(at, ids.begin(), ids.end());
    }
    dir_valid_ = false; // relinked

    // make_btree_freeing_key: the old node's pointer goes stale now; the bucket is freed
    // once the parent that dropped it is written (complete_node_frees).
    Cache& ca = cache_of(c, old_ptr);
    Ptr freeing = old_ptr;
    freeing.gen = bch_inc_gen(c, ca.buckets[ptr_bucket(ca, old_ptr)]);
    ++c.prio_blocked;
    pending_frees_.push_back(old_ptr);
    if (observer_)
        observer_->on_node_retired(id, freeing, parent, ids);
    free_node_slot(id);
}

size_t ExtentIndex::split(CacheSet& c, std::span<const Ptr> new_nodes) {
    const size_t need = nodes_needed();
    if (!need || new_nodes.size() < need)
        return 0;
    std::span<const Ptr> left = new_nodes.first(need);
    // Level by level, lowest first: splitting a node changes its parent's key count, so
    // the parent is looked at after its children.
    std::set<std::pair<uint8_t, uint32_t>> work;
    for (uint32_t id : overfull_leaves_)
        work.insert({0, id});
    for (const auto& [id, m] : replace_requests_)
        work.insert({nodes_[id].level, id});
    while (!work.empty()) {
        const uint32_t id = work.begin()->second;
        work.erase(work.begin());
        const size_t m = pieces_for(id, nodes_[id].nkeys());
        if (!m)
            continue;
        const bool was_root = id == root_;
        const uint32_t parent = nodes_[id].parent;
        split_node(c, id, m, left);
        if (!was_root)
            work.insert({nodes_[parent].level, parent});
        else if (nodes_[root_].nkeys() > geo_.keys_per_node)
            work.insert({nodes_[root_].level, root_});
    }
    assert(left.empty());
    assert(replace_requests_.empty());
    return need;
}

void ExtentIndex::complete_node_frees(CacheSet& c) {
    for (const Ptr& p : pending_frees_) {
        Cache& ca = cache_of(c, p);
        __bch_bucket_free(c, ca, ca.buckets[ptr_bucket(ca, p)]);
        --c.prio_blocked;
    }
    pending_frees_.clear();
}

bool ExtentIndex::complete_node_free(CacheSet& c, const Ptr& p) {
    auto it = std::find_if(pending_frees_.begin(), pending_frees_.end(), [&](const Ptr& q) {
        return q.dev == p.dev && q.offset == p.offset && q.gen == p.gen;
    });
    if (it == pending_frees_.end())
        return false;
    Cache& ca = cache_of(c, p);
    __bch_bucket_free(c, ca, ca.buckets[ptr_bucket(ca, p)]);
    --c.prio_blocked;
    pending_frees_.erase(it);
    return true;
}

std::vector<std::string> ExtentIndex::validate() const {
    std::vector<std::string> errs;
    auto err = [&](uint32_t id, const std::string& what) {
        errs.push_back("index node " + std::to_string(id) + ": " + what);
    };
    if (!has_root())
        return errs;
    if (nodes_[root_].parent != UINT32_MAX || nodes_[root_].max != KeyPos::max())
        err(root_, "root has a parent or a key other than MAX_KEY");

    size_t extents = 0, live = 0;
    // (node, lower bound exclusive) pairs, so every key can be checked against its range.
    std::vector<std::pair<uint32_t, KeyPos>> stack{{root_, KeyPos::zero()}};
    while (!stack.empty()) {
        const auto [id, low] = stack.back();
        stack.pop_back();
        const IndexNode& n = nodes_[id];
        ++live;
        if (!n.live)
            err(id, "reached but not live");
        if (n.nkeys() > geo_.keys_per_node &&
            !(n.level == 0 ? overfull_leaves_.count(id) : replace_requests_.count(id)))
            err(id, "over capacity without a pending split");
        // Every key is above (0, 0): extents have a size, so KEY_OFFSET >= 1.
        KeyPos prev = low;
        if (n.level == 0) {
            extents += n.extents.size();
            const LeafKey* before = nullptr;
            size_t marked = 0;
            for (const LeafKey& e : n.extents) {
                marked += e.unwritten();
                if (!e.size || e.size > e.offset)
                    err(id, "extent with a bad size");
                if (e.pos() <= prev)
                    err(id, "extents out of order or outside the node's range");
                if (before && before->inode() == e.inode() && before->offset > e.start())
                    err(id, "overlapping extents");
                before = &e;
                if (e.pos() > n.max)
                    err(id, "extent beyond the node key");
                prev = e.pos();
            }
            if (marked != n.unwritten)
                err(id, "unwritten count " + std::to_string(n.unwritten) + " but " +
                            std::to_string(marked) + " keys marked");
        } else {
            if (n.children.empty())
                err(id, "interior node without children");
            else if (nodes_[n.children.back()].max != n.max)
                err(id, "last child's key differs from the node key");
            std::vector<std::pair<uint32_t, KeyPos>> kids;
            for (uint32_t ch : n.children) {
                const IndexNode& cn = nodes_[ch];
                if (cn.parent != id || cn.level + 1 != n.level)
                    err(ch, "parent or level inconsistent");
                if (cn.max <= prev)
                    err(ch, "children out of order");
                kids.emplace_back(ch, prev);
                prev = cn.max;
            }
            for (auto it = kids.rbegin(); it != kids.rend(); ++it)
                stack.push_back(*it);
        }
    }
    if (extents != nextents_)
        errs.push_back("index: extent count " + std::to_string(nextents_) + " but " +
                       std::to_string(extents) + " in the leaves");
    if (live != nlive_)
        errs.push_back("index: node count " + std::to_string(nlive_) + " but " +
                       std::to_string(live) + " reachable");
    return errs;
}

} // namespace bucketscope
