#pragma once
// The workbench's main window: heatmaps in the centre (one, or two side by side), and
// docks for the selected bucket, the controls, the workload, the metric plots, the stall
// timeline, the event log, priority_stats and the opened image. The dock layout and window geometry persist in
// QSettings.
//
// It shows either the engine or an image opened read-only; it never owns allocator state
// itself. Every frame the EngineController publishes fans out to the panels from
// onFrame(); an opened image fans out from showImage() and holds the bucket views (the
// engine is paused meanwhile) until it is closed or its geometry is run. "Open for running"
// hands the image to the engine itself (WriteConfirmation first, opened on a LongJob).

#include <QMainWindow>
#include <memory>

#include "widgets/engine_frame.h"
#include "widgets/engine_run.h"
#include "widgets/workload_choice.h"

class QAction;
class QMenu;

namespace bucketscope {

class BucketDetails;
class ControlsPanel;
class EngineController;
class EventLog;
class EventLogModel;
class HeatmapPanel;
class ImageController;
class ImagePanel;
class MetricPlots;
struct OpenedImage;
class PriorityStatsPanel;
class StallTimeline;
class WorkloadPanel;

class MainWindow : public QMainWindow {
    Q_OBJECT
  public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    EngineController* controller() const { return controller_; }
    HeatmapPanel* heatmap(int i) const { return heatmaps_[i]; }
    ControlsPanel* controls() const { return controls_; }
    EventLogModel* eventLog() const { return event_model_; }
    BucketDetails* details() const { return details_; }
    MetricPlots* plots() const { return plots_; }
    PriorityStatsPanel* priorityStats() const { return prio_stats_; }
    ImageController* images() const { return images_; }
    ImagePanel* imagePanel() const { return image_panel_; }
    StallTimeline* stallTimeline() const { return stalls_; }
    WorkloadPanel* workload() const { return workload_; }
    bool showingImage() const { return showing_image_; }

    // Starts a demo engine with `opts`; false (and a message box unless `quiet`) if the
    // engine refuses them. Blocks until the engine exists.
    bool openDemo(const EngineOptions& opts, bool quiet = false);
    // Opens `path` read-only (off the UI thread, with a progress dialog); the image shows
    // once inspect is done.
    void openImage(const QString& path = {});
    // Shows an inspected image in the bucket views and the image dock.
    void showImage(std::shared_ptr<const OpenedImage> image);
    // Back to the engine's own frames.
    void closeImage();
    // Runs the engine on `path` (an image file or device with a cache superblock): the
    // confirmation with the probe's findings first, then runDevice().
    void runImage(const QString& path);
    // Opens `path` for running with `workload` off the UI thread (the current engine ends
    // first, closed cleanly if it runs on a device), then runs it in place of the engine.
    // `force` overrides the probe's refusal, as the confirmation's "write anyway" does.
    void runDevice(const QString& path, bool force, const WorkloadChoice& workload);
    // Restarts the engine (the demo engine, or the device it runs on) with `workload`.
    void startWorkload(const WorkloadChoice& workload);
    const WorkloadChoice& workloadChoice() const { return workload_choice_; }
    void setSideBySide(bool on);
    // Brings every panel up to the controller's latest frame and renders the heatmaps,
    // then grabs the window; used by --screenshot and the smoke test.
    QImage renderScreenshot();

  protected:
    void closeEvent(class QCloseEvent* e) override;

  private:
    void buildMenus();
    void buildDocks();
    void onFrame(const FramePtr& frame);
    void resetViews();
    void onRunOpened(EngineRunPtr run);
    void runFromFileDialog();
    void onBucketSelected(quint64 bucket);
    void newDemo();
    void updateRecentMenu();
    void saveScreenshotDialog();
    void setLanguage(const QString& code);
    void about();
    void restoreLayout();
    void saveLayout();

    EngineController* controller_;
    HeatmapPanel* heatmaps_[2];
    BucketDetails* details_;
    ControlsPanel* controls_;
    EventLogModel* event_model_;
    EventLog* event_log_;
    MetricPlots* plots_;
    PriorityStatsPanel* prio_stats_;
    ImageController* images_;
    ImagePanel* image_panel_;
    StallTimeline* stalls_;
    WorkloadPanel* workload_;
    bool showing_image_ = false;
    WorkloadChoice workload_choice_;  // what the engine runs
    WorkloadChoice pending_choice_;   // what a device run being opened will run
    bool device_force_ = false;       // the device run's probe refusal was overridden
    QMenu* view_menu_ = nullptr;
    QMenu* recent_menu_ = nullptr;
    QAction* side_by_side_ = nullptr;
};

} // namespace bucketscope
