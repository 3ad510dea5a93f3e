// Explanations are built when a row is shown, not when it arrives: a busy engine emits
// thousands of events a second and most of them are never looked at.
#include "widgets/event_log_model.h"

#include <QCoreApplication>

#include "widgets/bucket_text.h"

namespace bucketscope {

class EventText {
    Q_DECLARE_TR_FUNCTIONS(bucketscope::EventText)
};
namespace {

QString command_text(uint64_t value) {
    switch (CommandKind(value)) {
    case CommandKind::SetPolicy: return EventText::tr("replacement policy written");
    case CommandKind::TriggerGc: return EventText::tr("trigger_gc written: GC woken");
    case CommandKind::ForceInvalidate: return EventText::tr("forced invalidation");
    case CommandKind::Rescale: return EventText::tr("forced priority rescale");
    case CommandKind::SetDiscard: return EventText::tr("discard setting changed");
    }
    return EventText::tr("command %1").arg(value);
}

QString ms(uint64_t ns) { return QString::number(double(ns) / 1e6, 'f', 3); }

} // namespace

QString explain_event(const EventRow& row) {
    const EngineEvent& e = row.event;
    const auto reserve = reserve_name(Reserve(std::min<uint8_t>(e.reserve, RESERVE_NR)));
    switch (e.kind) {
    case EventKind::Invalidate:
        return EventText::tr("bucket %1 invalidated: gen %2 to %3, %4 sectors of cached data dropped")
            .arg(e.bucket)
            .arg(uint8_t(row.gen_after - 1))
            .arg(row.gen_after)
            .arg(e.value);
    case EventKind::Alloc:
        return EventText::tr("bucket %1 allocated from free[%2] (gen %3)").arg(e.bucket).arg(reserve).arg(row.gen_after);
    case EventKind::AllocFail:
        return EventText::tr("allocation from free[%1] failed: the free lists are empty, the caller waits").arg(reserve);
    case EventKind::GcStart: return EventText::tr("garbage collection started");
    case EventKind::GcEnd: return EventText::tr("garbage collection finished after %1 ms").arg(ms(e.value));
    case EventKind::PrioWrite:
        return EventText::tr("prios and gens written (prio set %1, first prio bucket %2)").arg(e.value).arg(e.bucket);
    case EventKind::JournalWrite:
        return EventText::tr("journal entry %1 written to bucket %2").arg(e.value).arg(e.bucket);
    case EventKind::Discard: return EventText::tr("bucket %1 discarded before reuse").arg(e.bucket);
    case EventKind::Rescale: return EventText::tr("priorities rescaled: min_prio is now %1").arg(e.value);
    case EventKind::PolicyChange:
        return EventText::tr("replacement policy set to %1").arg(policy_name(ReplacementPolicy(e.value)));
    case EventKind::Command: return command_text(e.value);
    case EventKind::Error: return EventText::tr("error %1 (see the engine's last error)").arg(e.value);
    case EventKind::BtreeNodeFree:
        return EventText::tr("btree node in bucket %1 replaced: gen bumped to %2, freed once its parent is written")
            .arg(e.bucket)
            .arg(e.value);
    case EventKind::Count: break;
    }
    return EventText::tr("unknown event");
}

EventLogModel::EventLogModel(size_t capacity, QObject* parent)
    : QAbstractTableModel(parent), capacity_(std::max<size_t>(capacity, 1)) {}

void EventLogModel::append(const FramePtr& frame) {
    if (!frame || frame->events.empty())
        return;
    const auto& ev = frame->events;
    // Only the newest `capacity_` of this frame can survive.
    const size_t skip = ev.size() > capacity_ ? ev.size() - capacity_ : 0;
    const size_t adding = ev.size() - skip;
    const size_t overflow = rows_.size() + adding > capacity_ ? rows_.size() + adding - capacity_ : 0;
    if (overflow) {
        beginRemoveRows({}, 0, int(overflow) - 1);
        rows_.erase(rows_.begin(), rows_.begin() + std::ptrdiff_t(overflow));
        endRemoveRows();
    }
    beginInsertRows({}, int(rows_.size()), int(rows_.size() + adding) - 1);
    for (size_t i = skip; i < ev.size(); ++i)
        rows_.push_back({ev[i], i < frame->gen_after.size() ? frame->gen_after[i] : uint8_t(0)});
    endInsertRows();
}

void EventLogModel::clear() {
    beginResetModel();
    rows_.clear();
    endResetModel();
}

int EventLogModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(rows_.size());
}

int EventLogModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant EventLogModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const EventRow& r = rows_[size_t(index.row())];
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Seq: return QVariant::fromValue<qulonglong>(r.event.seq);
        case Time: return ms(r.event.clock_ns);
        case Kind: return QString::fromLatin1(to_string(r.event.kind));
        case Bucket:
            return r.event.kind == EventKind::Invalidate || r.event.kind == EventKind::Alloc ||
                           r.event.kind == EventKind::Discard ||
                           r.event.kind == EventKind::BtreeNodeFree
                       ? QVariant::fromValue<qulonglong>(r.event.bucket)
                       : QVariant();
        case Explanation: return explain_event(r);
        }
    } else if (role == Qt::ToolTipRole && index.column() == Explanation) {
        return explain_event(r);
    } else if (role == Qt::TextAlignmentRole && index.column() != Explanation && index.column() != Kind) {
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    }
    return {};
}

QVariant EventLogModel::headerData(int section, Qt::Orientation o, int role) const {
    if (o != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Seq: return tr("#");
    case Time: return tr("Time (ms)");
    case Kind: return tr("Event");
    case Bucket: return tr("Bucket");
    case Explanation: return tr("What happened");
    }
    return {};
}

} // namespace bucketscope
