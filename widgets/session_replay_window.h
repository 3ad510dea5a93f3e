#pragma once
// Replay of a recorded session: a timeline over the session's engine time, and for the
// moment under the scrubber the bucket heatmap of the nearest snapshot, the metric plots
// up to that moment and the event log around it (each event explained as the live log
// explains it, gens worked out from the snapshots). The commands given during the run are
// listed with their times; choosing one moves the scrubber there.
//
// It reuses the live workbench's widgets (HeatmapPanel, MetricPlots, EventLog) over the
// data store::SessionReplay reads back, so a replayed moment looks like the live one did.

#include <QMainWindow>
#include <memory>
#include <optional>

class QLabel;
class QListWidget;
class QSlider;
class QTimer;

namespace bucketscope {

namespace store {
class SessionReplay;
}
class EventLog;
class EventLogModel;
class HeatmapPanel;
class MetricPlots;

class SessionReplayWindow : public QMainWindow {
    Q_OBJECT
  public:
    // Throws store::StoreError when the session cannot be read.
    SessionReplayWindow(const QString& database, qint64 id, QWidget* parent = nullptr);
    ~SessionReplayWindow() override;

    static constexpr int kTimelineSteps = 10000;
    static constexpr size_t kEventsBefore = 300;
    static constexpr size_t kEventsAfter = 100;

    const store::SessionReplay& replay() const { return *replay_; }
    QSlider* timeline() const { return timeline_; }
    HeatmapPanel* heatmap() const { return heatmap_; }
    MetricPlots* plots() const { return plots_; }
    EventLogModel* eventLog() const { return events_; }
    EventLog* eventLogView() const { return event_view_; }
    QListWidget* commands() const { return commands_; }
    QLabel* status() const { return status_; }

    // Shows the session as it was at engine time `t` (ns) right away; the scrubber calls
    // it once it settles.
    void showMoment(uint64_t t);
    uint64_t moment() const { return moment_; }
    std::optional<size_t> shownSnapshot() const { return shown_snapshot_; }
    // Moves to the previous (-1) or next (+1) snapshot.
    void stepSnapshot(int delta);

  private:
    uint64_t timeAt(int slider) const;
    int sliderAt(uint64_t t) const;
    void moveTo(uint64_t t);

    std::unique_ptr<store::SessionReplay> replay_;
    QSlider* timeline_;
    QLabel* status_;
    HeatmapPanel* heatmap_;
    MetricPlots* plots_;
    EventLogModel* events_;
    EventLog* event_view_;
    QListWidget* commands_;
    QTimer* settle_;
    uint64_t moment_ = 0;
    std::optional<size_t> shown_snapshot_;
};

} // namespace bucketscope
