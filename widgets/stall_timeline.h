#pragma once
// The stall timeline: GC runs, invalidation batches, prio writes and empty free lists
// lined up on the engine clock, one lane each (StallHistory), so a bucket_alloc wait can
// be read against what caused it. Under the lanes, the totals from the engine's metrics:
// waits in bucket_alloc and the time slept, GC runs and their time.
//
// Each lane is one plottable that draws its intervals as boxes at least two pixels wide,
// so a 300 us GC still shows in a minute of engine time, and that merges boxes falling on
// the same pixels, so a long history costs one rectangle per pixel column at most.
// "Follow" keeps the newest `window` of engine time in view; dragging or zooming stops
// following. Replots are queued and only while visible.

#include "widgets/engine_frame.h"
#include "widgets/stall_history.h"

#include <QWidget>

class QCheckBox;
class QCustomPlot;
class QLabel;

namespace bucketscope {

class StallTimeline : public QWidget {
    Q_OBJECT
  public:
    explicit StallTimeline(QWidget* parent = nullptr);

    void showFrame(const FramePtr& frame);
    void clear();
    const StallHistory& history() const { return history_; }
    QCustomPlot* plot() const { return plot_; }
    QString summary() const;
    bool savePng(const QString& path) const;

  protected:
    // Frames arriving while hidden only fill the history; showing catches the view up.
    void showEvent(QShowEvent* e) override;

  private:
    void refresh();

    StallHistory history_;
    EngineMetrics metrics_;
    QCustomPlot* plot_;
    QLabel* summary_;
    QCheckBox* follow_;
};

} // namespace bucketscope
