#pragma once
// The stall timeline's data: what held the allocator up, as intervals on the engine clock,
// one lane per cause, worked out from the engine's event stream alone:
//
//   GC            bcache_gc_start, lasting the duration bcache_gc_end carries
//   invalidation  a run of consecutive bcache_invalidate events: one invalidate pass
//                 filling free_inc (count = buckets invalidated)
//   prio write    the first RESERVE_PRIO allocation after the previous bcache_prio_write
//                 .. the next bcache_prio_write: a prio set being written, during which
//                 v6.2 holds prio_blocked and v4.6's allocator waits
//   free[R] empty bcache_alloc_fail on reserve R .. the next bcache_alloc from R: a
//                 bucket_alloc that had to sleep (count = failures in the interval)
//
// Intervals still open at the newest event are kept apart and drawn up to it. Each lane
// keeps its newest `capacity` intervals. UI thread only.

#include "widgets/engine_frame.h"

#include <QCoreApplication>
#include <QString>
#include <array>
#include <deque>
#include <optional>

namespace bucketscope {

class StallHistory {
    Q_DECLARE_TR_FUNCTIONS(bucketscope::StallHistory)

  public:
    enum Lane {
        Gc,
        Invalidation,
        PrioWrite,
        FreeBtreeEmpty, // free[r] empty for r = BTREE, PRIO, MOVINGGC, NONE in this order
        FreePrioEmpty,
        FreeMovingGcEmpty,
        FreeNoneEmpty,
        LaneCount,
    };
    struct Interval {
        uint64_t start_ns = 0, end_ns = 0;
        uint64_t count = 1;
        bool operator==(const Interval&) const = default;
    };

    explicit StallHistory(size_t capacity = 20000);

    // Takes the frame's events (the events since the previous frame, oldest first).
    void add(const EngineFrame& frame);
    void add(const std::vector<EngineEvent>& events);
    void clear();

    const std::deque<Interval>& intervals(Lane lane) const { return lanes_[lane]; }
    // The interval in progress on `lane`, drawn up to latest_ns().
    const std::optional<Interval>& open(Lane lane) const { return open_[lane]; }
    uint64_t latest_ns() const { return latest_ns_; }
    // Finished intervals ever seen on `lane` (dropped ones included).
    uint64_t total(Lane lane) const { return totals_[lane]; }

    static QString name(Lane lane);

  private:
    void close(Lane lane, uint64_t end_ns);
    void push(Lane lane, const Interval& i);

    size_t capacity_;
    std::array<std::deque<Interval>, LaneCount> lanes_;
    std::array<std::optional<Interval>, LaneCount> open_;
    std::array<uint64_t, LaneCount> totals_{};
    uint64_t latest_ns_ = 0;
    std::optional<uint64_t> last_invalidate_seq_;
};

} // namespace bucketscope
