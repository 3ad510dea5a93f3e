// Commands given on the UI thread reach the engine on its worker thread and come back in
// the frames: stepping advances the engine, a policy switch changes the policy and is
// logged, trigger_gc runs GC. Then the real main window does the same through its own
// controls and its screenshot is not blank.
#include <QComboBox>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QtTest>
#include <set>

#include "widgets/controls_panel.h"
#include "widgets/engine_controller.h"
#include "widgets/event_log_model.h"
#include "widgets/heatmap_panel.h"
#include "widgets/mainwindow.h"
#include "widgets/workload_panel.h"

using namespace bucketscope;

namespace {

EngineOptions small_engine() {
    EngineOptions o = demo_engine_options();
    o.geometry.nbuckets = 1024;
    o.seed = 7;
    return o;
}

bool logged(const EventLogModel& m, EventKind kind, std::optional<uint64_t> value = {}) {
    for (int r = 0; r < m.rowCount(); ++r) {
        const EngineEvent& e = m.row(r).event;
        if (e.kind == kind && (!value || e.value == *value))
            return true;
    }
    return false;
}

} // namespace

class TestEngineController : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase();
    void refusedOptionsSayWhy();
    void commandsReachTheEngineAndTheLog();
    void mainWindowRunsAndShowsTheCache();
    void workloadPanelRestartsTheEngineWithItsParameters();
};

void TestEngineController::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("bucketscope-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_engine_controller"));
}

void TestEngineController::refusedOptionsSayWhy() {
    EngineController c;
    EngineOptions o = small_engine();
    o.geometry.nbuckets = 100; // the kernel refuses caches of 512 buckets or fewer
    QString why;
    QVERIFY(!c.openSync(o, &why));
    QVERIFY(!why.isEmpty());
    QVERIFY(!c.hasEngine());
}

void TestEngineController::commandsReachTheEngineAndTheLog() {
    EngineController c;
    EventLogModel log;
    connect(&c, &EngineController::frameReady, &log, &EventLogModel::append);
    QString why;
    QVERIFY2(c.openSync(small_engine(), &why), qPrintable(why));
    QVERIFY(c.hasEngine());
    QVERIFY(c.lastFrame());
    const uint64_t steps_before = c.lastFrame()->metrics.steps;

    c.step(3000);
    c.sync();
    const FramePtr after_steps = c.lastFrame();
    QVERIFY(after_steps->metrics.steps > steps_before);
    QVERIFY(after_steps->metrics.total_allocations() > 0);
    QVERIFY(logged(log, EventKind::Alloc));
    QCOMPARE(after_steps->snapshot->nbuckets, uint64_t(1024));

    c.setPolicy(ReplacementPolicy::Fifo);
    c.sync();
    QCOMPARE(c.lastFrame()->snapshot->policy, ReplacementPolicy::Fifo);
    QVERIFY(logged(log, EventKind::PolicyChange, uint64_t(ReplacementPolicy::Fifo)));

    const uint64_t gc_before = c.lastFrame()->metrics.gc_runs;
    c.triggerGc();
    c.step(3000);
    c.sync();
    QVERIFY(logged(log, EventKind::Command, uint64_t(CommandKind::TriggerGc)));
    QVERIFY(logged(log, EventKind::GcStart));
    QVERIFY(c.lastFrame()->metrics.gc_runs > gc_before);

    // The victims overlay lists buckets the FIFO pass would take: distinct, in range.
    const auto& v = c.lastFrame()->victims;
    QVERIFY(!v.empty());
    QCOMPARE(std::set<uint64_t>(v.begin(), v.end()).size(), v.size());
    for (uint64_t b : v)
        QVERIFY(b >= 1 && b < 1024);
}

void TestEngineController::mainWindowRunsAndShowsTheCache() {
    MainWindow w;
    w.resize(1200, 800);
    w.setSideBySide(true);
    w.show();
    QVERIFY(w.openDemo(small_engine(), true));
    w.controller()->step(4000);
    w.controls()->policyBox()->setCurrentIndex(w.controls()->policyBox()->findData(int(ReplacementPolicy::Random)));
    QTest::mouseClick(w.controls()->gcButton(), Qt::LeftButton);
    w.controller()->step(4000);
    const QImage shot = w.renderScreenshot();
    QCOMPARE(w.controller()->lastFrame()->snapshot->policy, ReplacementPolicy::Random);
    QVERIFY(logged(*w.eventLog(), EventKind::Command, uint64_t(CommandKind::TriggerGc)));
    QVERIFY(logged(*w.eventLog(), EventKind::PolicyChange, uint64_t(ReplacementPolicy::Random)));

    QVERIFY(!shot.isNull());
    std::set<QRgb> colours;
    for (int y = 0; y < shot.height(); y += 3)
        for (int x = 0; x < shot.width(); x += 3)
            colours.insert(shot.pixel(x, y));
    QVERIFY2(colours.size() > 16, qPrintable(QStringLiteral("only %1 colours").arg(colours.size())));
    // The membership heatmap shows more than one list.
    const QImage& heat = w.heatmap(0)->heatmap()->frame();
    std::set<QRgb> heat_colours;
    for (int y = 0; y < heat.height(); y += 2)
        for (int x = 0; x < heat.width(); x += 2)
            heat_colours.insert(heat.pixel(x, y));
    QVERIFY(heat_colours.size() >= 3);
}

void TestEngineController::workloadPanelRestartsTheEngineWithItsParameters() {
    MainWindow w;
    w.show();
    QVERIFY(w.openDemo(small_engine(), true));
    WorkloadPanel* p = w.workload();
    QCOMPARE(p->processesBox()->value(), int(small_engine().workload.processes));
    auto* sources = qobject_cast<QStandardItemModel*>(p->sourceBox()->model());
    QVERIFY(sources->item(WorkloadPanel::TraceFile)->isEnabled());
    QVERIFY(sources->item(WorkloadPanel::GeneratorSpec)->isEnabled());
    QVERIFY(!p->cacheModeBox()->isEnabled()); // the built-in generator keeps its own model

    p->processesBox()->setValue(6);
    p->flashBox()->setValue(50);
    p->readBox()->setValue(0);
    p->sequentialBox()->setValue(100);
    p->writeSizeBox()->setValue(8);
    QTest::mouseClick(p->applyButton(), Qt::LeftButton);
    const WorkloadParams& applied = w.controller()->options().workload;
    QCOMPARE(applied.processes, 6u);
    QCOMPARE(applied.flash_only_percent, 50u);
    QCOMPARE(applied.read_percent, 0u);
    QCOMPARE(applied.sequential_percent, 100u);
    QCOMPARE(applied.max_write_sectors, 16u);
    QCOMPARE(w.controller()->options().geometry.nbuckets, small_engine().geometry.nbuckets);

    w.controller()->step(4000);
    w.controller()->sync();
    const FramePtr f = w.controller()->lastFrame();
    int writers = 0;
    for (const TaskInfo& t : f->tasks)
        writers += QString::fromStdString(t.name).startsWith(QStringLiteral("writer/"));
    QCOMPARE(writers, 6);
    QVERIFY(f->metrics.writes > 0);
    QCOMPARE(f->metrics.reads, uint64_t(0)); // no reads asked for
    // Every write is at most 8 KiB: the sectors written cannot exceed 16 per write.
    QVERIFY(f->metrics.sectors_written <= f->metrics.writes * 16);
}

QTEST_MAIN(TestEngineController)
#include "tst_engine_controller.moc"
