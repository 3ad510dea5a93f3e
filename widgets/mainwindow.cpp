// Dock object names are stable identifiers: QMainWindow::restoreState() matches docks by
// them, so renaming one silently drops its saved position.
#include "widgets/mainwindow.h"

#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>

#include "widgets/bucket_details.h"
#include "widgets/bucket_text.h"
#include "widgets/controls_panel.h"
#include "widgets/engine_controller.h"
#include "widgets/event_log.h"
#include "widgets/event_log_model.h"
#include "widgets/heatmap_panel.h"
#include "widgets/image_controller.h"
#include "widgets/image_panel.h"
#include "widgets/metric_plots.h"
#include "widgets/new_engine_dialog.h"
#include "widgets/priority_stats_panel.h"
#include "widgets/session_menu.h"
#include "widgets/stall_timeline.h"
#include "widgets/workload_panel.h"

namespace bucketscope {
namespace {
constexpr int kLayoutVersion = 2; // 2: workload, image and stall timeline docks
} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent), controller_(new EngineController(this)),
      heatmaps_{new HeatmapPanel(HeatmapField::Membership), new HeatmapPanel(HeatmapField::Prio)},
      details_(new BucketDetails), controls_(new ControlsPanel(controller_)),
      event_model_(new EventLogModel(20000, this)), event_log_(new EventLog(event_model_)),
      plots_(new MetricPlots), prio_stats_(new PriorityStatsPanel), images_(new ImageController(this)),
      image_panel_(new ImagePanel), stalls_(new StallTimeline),
      workload_(new WorkloadPanel) {
    setWindowTitle(tr("bucketscope"));
    setWindowIcon(QIcon(QStringLiteral(":/bucketscope/bucketscope.svg")));
    setDockNestingEnabled(true);

    auto* centre = new QSplitter(Qt::Horizontal, this);
    centre->addWidget(heatmaps_[0]);
    centre->addWidget(heatmaps_[1]);
    heatmaps_[1]->hide();
    setCentralWidget(centre);

    buildDocks();
    buildMenus();
    statusBar()->showMessage(tr("No engine running"));

    connect(controller_, &EngineController::frameReady, this, &MainWindow::onFrame);
    connect(controller_, &EngineController::commandRefused, this,
            [this](const QString& why) { statusBar()->showMessage(why, 5000); });
    for (auto* h : heatmaps_)
        connect(h->heatmap(), &HeatmapWidget::bucketSelected, this, &MainWindow::onBucketSelected);
    connect(details_, &BucketDetails::invalidateRequested, this,
            [this](quint64 b) { controller_->forceInvalidate(b); });
    connect(images_, &ImageController::imageOpened, this, &MainWindow::showImage);
    connect(images_, &ImageController::message, this, [this](const QString& m) { statusBar()->showMessage(m, 10000); });
    connect(images_, &ImageController::recentFilesChanged, this, &MainWindow::updateRecentMenu);
    connect(images_, &ImageController::formatted, this, [this](const QString& path) { openImage(path); });
    connect(image_panel_, &ImagePanel::closeRequested, this, &MainWindow::closeImage);
    connect(workload_, &WorkloadPanel::applyRequested, this, &MainWindow::startWorkload);
    connect(workload_, &WorkloadPanel::rateChanged, controller_, &EngineController::setRate);
    connect(image_panel_, &ImagePanel::simulateRequested, this, [this](const EngineOptions& o) { openDemo(o); });
    connect(image_panel_, &ImagePanel::runRequested, this, &MainWindow::runImage);
    connect(images_, &ImageController::runOpened, this, &MainWindow::onRunOpened);
    connect(images_, &ImageController::runFailed, this, [this](const QString& path, const QString& why) {
        auto* box = new QMessageBox(QMessageBox::Warning, tr("Open for running"),
                                    tr("The engine was not started on %1:\n%2").arg(path, why),
                                    QMessageBox::Ok, this);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
    });
    connect(controller_, &EngineController::engineClosed, this, [this](bool ok, const QString& why) {
        statusBar()->showMessage(ok ? tr("The engine was closed cleanly: everything it did is on the device.")
                                    : tr("The engine could not be closed cleanly: %1").arg(why));
    });

    resize(1280, 860);
    restoreLayout();
}

MainWindow::~MainWindow() = default;

void MainWindow::buildDocks() {
    auto dock = [this](QWidget* w, const QString& title, const char* name, Qt::DockWidgetArea area) {
        auto* d = new QDockWidget(title, this);
        d->setObjectName(QString::fromLatin1(name));
        d->setWidget(w);
        addDockWidget(area, d);
        return d;
    };
    auto* controls = dock(controls_, tr("Controls"), "controls", Qt::LeftDockWidgetArea);
    auto* workload = dock(workload_, tr("Workload"), "workload", Qt::LeftDockWidgetArea);
    tabifyDockWidget(controls, workload);
    controls->raise();
    auto* details = dock(details_, tr("Bucket"), "details", Qt::RightDockWidgetArea);
    auto* plots = dock(plots_, tr("Metrics"), "plots", Qt::BottomDockWidgetArea);
    auto* log = dock(event_log_, tr("Event log"), "events", Qt::BottomDockWidgetArea);
    auto* stats = dock(prio_stats_, tr("priority_stats"), "priority_stats", Qt::BottomDockWidgetArea);
    auto* image = dock(image_panel_, tr("Image"), "image", Qt::RightDockWidgetArea);
    auto* stalls = dock(stalls_, tr("Stall timeline"), "stalls", Qt::BottomDockWidgetArea);
    // Split first, tabify after: splitting a dock out of a tab group moves it alone.
    splitDockWidget(plots, log, Qt::Horizontal);
    tabifyDockWidget(plots, stalls);
    tabifyDockWidget(log, stats);
    tabifyDockWidget(details, image);
    plots->raise();
    log->raise();
    details->raise();
}

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&New demo engine…"), QKeySequence::New, this, &MainWindow::newDemo);
    file->addAction(tr("&Open image read-only…"), QKeySequence::Open, this, [this] { openImage(); });
    file->addAction(tr("Open the &demo image"), this, [this] {
        QString why;
        if (ImageController::ensureDemoImage(&why))
            openImage(ImageController::demoImagePath());
        else
            QMessageBox::warning(this, tr("Demo image"), tr("Could not create the demo image: %1").arg(why));
    });
    file->addAction(tr("&Format new image…"), this, [this] { images_->formatNew(); });
    file->addAction(tr("Open image for r&unning…"), this, &MainWindow::runFromFileDialog);
    file->addAction(tr("&Close the engine"), controller_, &EngineController::closeEngine)
        ->setToolTip(tr("Stop the engine; on a device, write every unwritten btree node and a "
                        "last journal entry first"));
    recent_menu_ = file->addMenu(tr("Open &recent"));
    updateRecentMenu();
    file->addSeparator();
    file->addAction(tr("Save &screenshot…"), this, &MainWindow::saveScreenshotDialog);
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    view_menu_ = menuBar()->addMenu(tr("&View"));
    side_by_side_ = view_menu_->addAction(tr("Two heatmaps side by side"));
    side_by_side_->setCheckable(true);
    connect(side_by_side_, &QAction::toggled, this, &MainWindow::setSideBySide);
    view_menu_->addSeparator();
    for (auto* d : findChildren<QDockWidget*>())
        view_menu_->addAction(d->toggleViewAction());

    QMenu* settings = menuBar()->addMenu(tr("&Settings"));
    QMenu* language = settings->addMenu(tr("&Language"));
    auto* group = new QActionGroup(this);
    const QString current = QSettings().value(QStringLiteral("language")).toString();
    const std::pair<QString, QString> languages[] = {
        {QString(), tr("System default")}, {QStringLiteral("en"), QStringLiteral("English")},
        {QStringLiteral("de"), QStringLiteral("Deutsch")}};
    for (const auto& [code, name] : languages) {
        QAction* a = language->addAction(name);
        a->setCheckable(true);
        a->setChecked(code == current);
        group->addAction(a);
        connect(a, &QAction::triggered, this, [this, code] { setLanguage(code); });
    }

    install_session_actions(this, menuBar(), settings, controller_);

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About bucketscope"), this, &MainWindow::about);
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
}

void MainWindow::resetViews() {
    showing_image_ = false;
    controls_->setEnabled(true);
    workload_->setEnabled(true);
    event_model_->clear();
    plots_->clear();
    stalls_->clear();
    details_->setBucket(std::nullopt);
}

bool MainWindow::openDemo(const EngineOptions& opts, bool quiet) {
    resetViews();
    setWindowTitle(tr("bucketscope"));
    QString why;
    if (!opts.source) {
        workload_choice_ = WorkloadChoice{};
        workload_choice_.builtin = opts.workload;
    }
    if (!controller_->openSync(opts, &why, session_options_json(opts, workload_choice_))) {
        statusBar()->showMessage(tr("Could not start the engine: %1").arg(why));
        if (!quiet)
            QMessageBox::warning(this, tr("New demo engine"), tr("The engine refused these settings:\n%1").arg(why));
        return false;
    }
    workload_->showOptions(opts);
    statusBar()->showMessage(tr("Demo engine: %1 buckets of %2 sectors on a RAM device, started with the %3 policy, Linux %4")
                                 .arg(opts.geometry.nbuckets)
                                 .arg(opts.geometry.bucket_size)
                                 .arg(policy_name(opts.policy))
                                 .arg(opts.profile == KernelProfile::V4_6 ? QStringLiteral("4.6") : QStringLiteral("6.2")));
    return true;
}

void MainWindow::newDemo() {
    NewEngineDialog dialog(controller_->hasEngine() ? controller_->options() : demo_engine_options(), this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    EngineOptions o = dialog.options();
    o.source.reset(); // a source is consumed by the run it fed; the dialog runs the built-in one
    o.requests = RequestPathOptions{};
    openDemo(o);
}

void MainWindow::startWorkload(const WorkloadChoice& c) {
    if (!controller_->devicePath().isEmpty()) {
        runDevice(controller_->devicePath(), device_force_, c);
        return;
    }
    EngineOptions o = controller_->hasEngine() ? controller_->options() : demo_engine_options();
    try {
        apply_workload(c, o);
    } catch (const std::exception& e) {
        statusBar()->showMessage(tr("Could not start the workload: %1").arg(QString::fromUtf8(e.what())));
        return;
    }
    const WorkloadChoice before = workload_choice_;
    workload_choice_ = c;
    if (openDemo(o))
        workload_->showChoice(c);
    else
        workload_choice_ = before;
}

void MainWindow::runFromFileDialog() {
    const QString path = QFileDialog::getOpenFileName(this, tr("Open cache image for running"), QString(),
                                                      tr("Cache images (*.img *.bin);;All files (*)"));
    if (!path.isEmpty())
        runImage(path);
}

void MainWindow::runImage(const QString& path) {
    bool force = false;
    if (images_->confirmRun(path, force))
        runDevice(path, force, workload_choice_);
}

void MainWindow::runDevice(const QString& path, bool force, const WorkloadChoice& c) {
    if (images_->isBusy()) {
        statusBar()->showMessage(tr("Another job is still running; wait for it or cancel it first."), 10000);
        return;
    }
    EngineOptions o = EngineOptions{};
    if (controller_->hasEngine()) {
        o.profile = controller_->options().profile;
        o.seed = controller_->options().seed;
    }
    try {
        apply_workload(c, o);
    } catch (const std::exception& e) {
        statusBar()->showMessage(tr("Could not start the workload: %1").arg(QString::fromUtf8(e.what())));
        return;
    }
    pending_choice_ = c;
    device_force_ = force;
    // The device may be the one the engine runs on: it must be closed before it is opened.
    controller_->release([this, path, force, o] { images_->startRun(path, force, o); });
}

void MainWindow::onRunOpened(EngineRunPtr run) {
    const EngineOptions o = run->engine->options();
    run->options_json = session_options_json(o, pending_choice_, run->device, device_force_);
    workload_choice_ = pending_choice_;
    if (showing_image_)
        image_panel_->showImage(nullptr);
    resetViews();
    controller_->adopt(run);
    workload_->showOptions(o);
    workload_->showChoice(workload_choice_);
    const QString path = QString::fromStdString(run->device);
    setWindowTitle(tr("bucketscope — %1 (running on it)").arg(path));
    QString text = tr("Running the engine on %1: %2 buckets of %3 sectors, the %4 policy from its superblock")
                       .arg(path)
                       .arg(o.geometry.nbuckets)
                       .arg(o.geometry.bucket_size)
                       .arg(policy_name(o.policy));
    for (const auto& n : run->notes)
        text += QStringLiteral("; ") + QString::fromStdString(n);
    statusBar()->showMessage(text);
}

void MainWindow::openImage(const QString& given) {
    const QString path = given.isEmpty()
                             ? QFileDialog::getOpenFileName(this, tr("Open cache image read-only"), QString(),
                                                            tr("Cache images (*.img *.bin);;All files (*)"))
                             : given;
    if (!path.isEmpty())
        images_->open(path);
}

void MainWindow::showImage(std::shared_ptr<const OpenedImage> image) {
    image_panel_->showImage(image);
    if (auto* d = qobject_cast<QDockWidget*>(image_panel_->parentWidget())) {
        d->show();
        d->raise();
    }
    if (!image || !image->ok()) {
        statusBar()->showMessage(tr("Could not inspect %1: %2").arg(image ? image->path : QString(),
                                                                    image ? image->error : QString()));
        return;
    }
    showing_image_ = true;
    controller_->setPlaying(false);
    controls_->setEnabled(false);
    workload_->setEnabled(false);
    auto frame = std::make_shared<EngineFrame>();
    frame->snapshot = image->snapshot;
    for (auto* h : heatmaps_) {
        h->heatmap()->setSnapshot(frame->snapshot);
        h->heatmap()->setVictims({});
    }
    details_->showFrame(frame);
    prio_stats_->recompute(*frame->snapshot);
    setWindowTitle(tr("bucketscope — %1 (read-only)").arg(image->path));
    statusBar()->showMessage(tr("%1: %2 buckets of %3 sectors, opened read-only")
                                 .arg(image->path)
                                 .arg(image->snapshot->nbuckets)
                                 .arg(image->snapshot->bucket_size));
}

void MainWindow::closeImage() {
    showing_image_ = false;
    controls_->setEnabled(true);
    workload_->setEnabled(true);
    image_panel_->showImage(nullptr);
    setWindowTitle(tr("bucketscope"));
    if (const FramePtr f = controller_->lastFrame())
        onFrame(f);
    else
        for (auto* h : heatmaps_)
            h->heatmap()->setSnapshot(nullptr);
}

void MainWindow::updateRecentMenu() {
    recent_menu_->clear();
    const QStringList recent = images_->recentFiles();
    for (const QString& path : recent)
        recent_menu_->addAction(path, this, [this, path] { openImage(path); });
    recent_menu_->setEnabled(!recent.isEmpty());
}

void MainWindow::onFrame(const FramePtr& frame) {
    if (showing_image_)
        return;
    for (auto* h : heatmaps_) {
        h->heatmap()->setSnapshot(frame->snapshot);
        h->heatmap()->setVictims(frame->victims);
    }
    details_->showFrame(frame);
    controls_->showFrame(frame);
    event_model_->append(frame);
    plots_->showFrame(frame);
    workload_->showFrame(frame);
    stalls_->showFrame(frame);
    prio_stats_->showFrame(frame);
}

void MainWindow::onBucketSelected(quint64 bucket) {
    for (auto* h : heatmaps_)
        h->heatmap()->setSelectedBucket(bucket);
    details_->setBucket(bucket);
    if (auto* d = qobject_cast<QDockWidget*>(details_->parentWidget()))
        d->show();
}

void MainWindow::setSideBySide(bool on) {
    heatmaps_[1]->setVisible(on);
    if (side_by_side_ && side_by_side_->isChecked() != on)
        side_by_side_->setChecked(on);
}

QImage MainWindow::renderScreenshot() {
    controller_->sync();
    if (showing_image_) {
        prio_stats_->recompute(*image_panel_->image()->snapshot);
    } else if (const FramePtr f = controller_->lastFrame()) {
        prio_stats_->recompute(*f->snapshot);
        plots_->showFrame(f);
    }
    for (auto* h : heatmaps_)
        h->heatmap()->waitForFrame();
    QCoreApplication::processEvents();
    return grab().toImage();
}

void MainWindow::saveScreenshotDialog() {
    const QString path = QFileDialog::getSaveFileName(this, tr("Save screenshot"), QString(), tr("PNG images (*.png)"));
    if (!path.isEmpty() && !renderScreenshot().save(path))
        QMessageBox::warning(this, tr("Save screenshot"), tr("Could not write %1.").arg(path));
}

void MainWindow::setLanguage(const QString& code) {
    QSettings().setValue(QStringLiteral("language"), code);
    QMessageBox::information(this, tr("Language"), tr("The language changes when bucketscope starts next."));
}

void MainWindow::about() {
    QMessageBox::about(this, tr("About bucketscope"),
                       tr("<h3>bucketscope %1</h3>"
                          "<p>An inspector and tuning workbench for the Linux bcache bucket allocator.</p>"
                          "<p>The engine reproduces the kernel's alloc.c (Linux 6.2 and 4.6): gens, prios, "
                          "free lists, invalidation policies, GC and prio writes, on a RAM device or a "
                          "cache image.</p>")
                           .arg(QApplication::applicationVersion()));
}

void MainWindow::restoreLayout() {
    QSettings s;
    restoreGeometry(s.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(s.value(QStringLiteral("window/state")).toByteArray(), kLayoutVersion);
    setSideBySide(s.value(QStringLiteral("window/sideBySide"), false).toBool());
}

void MainWindow::saveLayout() {
    QSettings s;
    s.setValue(QStringLiteral("window/geometry"), saveGeometry());
    s.setValue(QStringLiteral("window/state"), saveState(kLayoutVersion));
    s.setValue(QStringLiteral("window/sideBySide"), heatmaps_[1]->isVisible());
}

void MainWindow::closeEvent(QCloseEvent* e) {
    saveLayout();
    controller_->setPlaying(false);
    e->accept();
}

} // namespace bucketscope
