#pragma once
// cache0/priority_stats as the kernel prints it, next to the distribution it summarises:
// a histogram of the prios of the data buckets. The text comes from core/inspect, the same
// code the CLI prints with.
//
// Recomputed at most once a second (it sorts every prio), and only while visible.

#include <QElapsedTimer>
#include <QWidget>

#include "widgets/engine_frame.h"

class QCustomPlot;
class QCPBars;
class QPlainTextEdit;

namespace bucketscope {

class PriorityStatsPanel : public QWidget {
    Q_OBJECT
  public:
    explicit PriorityStatsPanel(QWidget* parent = nullptr);

    void showFrame(const FramePtr& frame);
    // Recomputes from `snap` now.
    void recompute(const BucketSnapshot& snap);
    QString kernelText() const;

  private:
    QPlainTextEdit* text_;
    QCustomPlot* plot_;
    QCPBars* bars_;
    QElapsedTimer since_update_;
};

} // namespace bucketscope
