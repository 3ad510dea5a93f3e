#pragma once
// Live plots of the engine's metrics with QCustomPlot, one tab per question: how full are
// the free lists, how fast are buckets allocated and invalidated, where does the allocator
// stall, how much metadata is written, how well does the cache hit. Replots are queued
// (rpQueuedReplot) and only the visible tab redraws. The current plot saves as PNG; the
// whole history exports as CSV.

#include <QWidget>
#include <span>
#include <vector>

#include "widgets/engine_frame.h"
#include "widgets/metric_history.h"

class QCustomPlot;
class QTabWidget;

namespace bucketscope {

class MetricPlots : public QWidget {
    Q_OBJECT
  public:
    // The tabs, in order.
    enum Tab {
        FreeListsTab,
        RatesTab,
        StallsTab,
        MetadataWritesTab,
        HitRatioTab,
        WriteAmplificationTab,
        MetadataShareTab,
    };

    explicit MetricPlots(QWidget* parent = nullptr);
    void showTab(Tab tab);

    void showFrame(const FramePtr& frame);
    // Replaces the history with `samples` (a recorded session up to some moment).
    void showSamples(std::span<const EngineMetrics> samples);
    void clear();
    const MetricHistory& history() const { return history_; }
    QCustomPlot* currentPlot() const;
    int plotCount() const { return int(plots_.size()); }

    bool savePng(const QString& path) const;
    bool saveCsv(const QString& path) const;

  private:
    struct Plot {
        QCustomPlot* plot;
        std::vector<MetricHistory::Series> series;
    };
    void addPlot(const QString& title, const QString& y_label,
                 std::vector<MetricHistory::Series> series);
    void updatePlot(const Plot& p) const;
    void exportPng();
    void exportCsv();

    MetricHistory history_;
    QTabWidget* tabs_;
    std::vector<Plot> plots_;
};

} // namespace bucketscope
