// Events arrive in engine order, so each lane is a small state machine over the stream;
// a dropped event (the ring overflowed) can only end an interval early or start one late,
// never make one run backwards.
#include "widgets/stall_history.h"

#include <algorithm>

namespace bucketscope {
namespace {

StallHistory::Lane free_lane(uint8_t reserve) {
    return StallHistory::Lane(StallHistory::FreeBtreeEmpty +
                              std::min<uint8_t>(reserve, RESERVE_NR - 1));
}

} // namespace

StallHistory::StallHistory(size_t capacity) : capacity_(std::max<size_t>(capacity, 1)) {}

void StallHistory::clear() {
    for (auto& l : lanes_)
        l.clear();
    open_.fill(std::nullopt);
    totals_.fill(0);
    latest_ns_ = 0;
    last_invalidate_seq_.reset();
}

void StallHistory::push(Lane lane, const Interval& i) {
    auto& l = lanes_[lane];
    if (l.size() == capacity_)
        l.pop_front();
    l.push_back(i);
    ++totals_[lane];
}

void StallHistory::close(Lane lane, uint64_t end_ns) {
    if (!open_[lane])
        return;
    Interval i = *open_[lane];
    i.end_ns = std::max(end_ns, i.start_ns);
    open_[lane].reset();
    push(lane, i);
}

void StallHistory::add(const EngineFrame& frame) {
    add(frame.events);
}

void StallHistory::add(const std::vector<EngineEvent>& events) {
    for (const EngineEvent& e : events) {
        latest_ns_ = std::max(latest_ns_, e.clock_ns);
        if (e.kind != EventKind::Invalidate || !last_invalidate_seq_ ||
            e.seq != *last_invalidate_seq_ + 1)
            close(Invalidation, open_[Invalidation] ? open_[Invalidation]->end_ns : 0);
        switch (e.kind) {
        case EventKind::GcStart:
            close(Gc, e.clock_ns);
            open_[Gc] = Interval{e.clock_ns, e.clock_ns, 1};
            break;
        case EventKind::GcEnd:
            // The duration also covers gc_finish's own cost, charged after the event.
            if (!open_[Gc])
                open_[Gc] = Interval{e.clock_ns - std::min(e.value, e.clock_ns), e.clock_ns, 1};
            close(Gc, open_[Gc]->start_ns + e.value);
            break;
        case EventKind::Invalidate:
            if (open_[Invalidation]) {
                open_[Invalidation]->end_ns = e.clock_ns;
                ++open_[Invalidation]->count;
            } else {
                open_[Invalidation] = Interval{e.clock_ns, e.clock_ns, 1};
            }
            last_invalidate_seq_ = e.seq;
            break;
        case EventKind::Alloc:
            if (e.reserve == RESERVE_PRIO && !open_[PrioWrite])
                open_[PrioWrite] = Interval{e.clock_ns, e.clock_ns, 1};
            close(free_lane(e.reserve), e.clock_ns);
            break;
        case EventKind::AllocFail:
            if (open_[free_lane(e.reserve)])
                ++open_[free_lane(e.reserve)]->count;
            else
                open_[free_lane(e.reserve)] = Interval{e.clock_ns, e.clock_ns, 1};
            break;
        case EventKind::PrioWrite:
            if (!open_[PrioWrite])
                open_[PrioWrite] = Interval{e.clock_ns, e.clock_ns, 1};
            close(PrioWrite, e.clock_ns);
            break;
        default:
            break;
        }
    }
}

QString StallHistory::name(Lane lane) {
    switch (lane) {
    case Gc:
        return tr("GC runs");
    case Invalidation:
        return tr("invalidation batches");
    case PrioWrite:
        return tr("prio writes");
    case FreeBtreeEmpty:
        return tr("free[BTREE] empty");
    case FreePrioEmpty:
        return tr("free[PRIO] empty");
    case FreeMovingGcEmpty:
        return tr("free[MOVINGGC] empty");
    case FreeNoneEmpty:
        return tr("free[NONE] empty");
    case LaneCount:
        break;
    }
    return {};
}

} // namespace bucketscope
