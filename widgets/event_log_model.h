#pragma once
// The engine's events as a table: sequence number, engine time, the kernel tracepoint
// name, the bucket, and a sentence saying what happened in bcache's words ("bucket 1234
// invalidated: gen 5 to 6, 8 sectors of clean data dropped").
//
// The model keeps the newest `capacity` events; older rows fall off the top. Rows are
// appended from frames on the UI thread only.

#include <QAbstractTableModel>
#include <deque>

#include "widgets/engine_frame.h"

namespace bucketscope {

struct EventRow {
    EngineEvent event;
    uint8_t gen_after = 0;
};

// The sentence for one event.
QString explain_event(const EventRow& row);

class EventLogModel : public QAbstractTableModel {
    Q_OBJECT
  public:
    enum Column { Seq, Time, Kind, Bucket, Explanation, ColumnCount };

    explicit EventLogModel(size_t capacity = 20000, QObject* parent = nullptr);

    void append(const FramePtr& frame);
    void clear();
    const EventRow& row(int r) const { return rows_[size_t(r)]; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation o, int role) const override;

  private:
    size_t capacity_;
    std::deque<EventRow> rows_;
};

} // namespace bucketscope
