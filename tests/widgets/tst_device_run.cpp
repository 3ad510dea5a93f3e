// The engine on a real image file from the workbench, and the workload dock's request
// sources. A formatted image opened for running (through the confirmation, as a user
// would) is registered, stepped and closed, and reading it back shows the gens the engine
// left; the run is recorded as a session naming the image. An image carrying another
// signature is refused without force and left unchanged. A generator spec and a small MSR
// trace reach the request path (requests taken, reads hit, the hit ratio plotted), a
// malformed trace line is reported as FILE:LINE and starts nothing.
#include "core/device/format_target.h"
#include "core/store/session_reader.h"
#include "fixture_util.h"
#include "widgets/engine_controller.h"
#include "widgets/image_controller.h"
#include "widgets/image_panel.h"
#include "widgets/long_job.h"
#include "widgets/mainwindow.h"
#include "widgets/metric_plots.h"
#include "widgets/opened_image.h"
#include "widgets/session_settings.h"
#include "widgets/workload_panel.h"
#include "widgets/write_confirmation.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QCryptographicHash>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QtTest>
#include <fstream>

using namespace bucketscope;

namespace {

// 1024 buckets of 16 KiB, as `bucketscope-cli format --size 16M --bucket-size 16K` writes.
void format_image(const QString& path) {
    FormatRequest req;
    req.target = path.toStdString();
    req.options.size_bytes = 16ull << 20;
    req.options.bucket_bytes = 16 << 10;
    req.block_bytes = 4096;
    FormatOutcome out;
    const Status s = format_target(req, out);
    QVERIFY2(s, s.message.c_str());
}

QByteArray file_hash(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash h(QCryptographicHash::Sha1);
    h.addData(&f);
    return h.result();
}

// Answers the next write confirmation: clicks Write if it is enabled, Cancel otherwise;
// says what it found.
struct ConfirmationAnswer {
    bool seen = false;
    bool write_enabled = false;
    bool force_offered = false;
};
void answer_next_confirmation(ConfirmationAnswer& a) {
    QTimer::singleShot(0, [&a] {
        auto* c = qobject_cast<WriteConfirmation*>(QApplication::activeModalWidget());
        if (!c)
            return;
        a.seen = true;
        a.write_enabled = c->writeButton()->isEnabled();
        a.force_offered = c->forceBox() != nullptr;
        if (a.write_enabled)
            c->writeButton()->click();
        else
            c->reject();
    });
}

// Waits for the device run the window started: the release, then the open job, then the
// worker's adoption.
void wait_for_run(MainWindow& w) {
    QSignalSpy opened(w.images(), &ImageController::runOpened);
    QSignalSpy failed(w.images(), &ImageController::runFailed);
    QTRY_VERIFY(opened.count() + failed.count() > 0);
    w.controller()->sync();
}

// 1024 buckets of 64 KiB on a RAM device.
// The image's directory: in RAM where the system has a tmpfs, because every journal entry
// is two fdatasyncs and a shared disk turns a few thousand of them into many seconds; the
// image is still a real file the engine reads and writes through the kernel.
QString image_dir_base() {
    const QFileInfo shm(QStringLiteral("/dev/shm"));
    return shm.isDir() && shm.isWritable() ? shm.filePath() : QDir::tempPath();
}

EngineOptions small_demo() {
    EngineOptions o = demo_engine_options();
    o.geometry.nbuckets = 1024;
    o.geometry.bucket_size = 128;
    return o;
}

// Chooses `path` as an MSR trace in the workload dock and applies it: the trace is read
// through on a job first, which this waits for.
void apply_msr_trace(WorkloadPanel& p, const QString& path) {
    p.sourceBox()->setCurrentIndex(p.sourceBox()->findData(int(WorkloadPanel::TraceFile)));
    p.traceEdit()->setText(path);
    p.formatBox()->setCurrentText(QStringLiteral("msr"));
    p.applyButton()->click();
    QVERIFY(p.currentJob());
    p.currentJob()->wait();
}

} // namespace

class TestDeviceRun : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase();
    void runningAnImageWritesItAndItsGensPersist();
    void foreignSignatureIsRefusedWithoutForce();
    void aCopyOfAKernelFixtureRunsAndCloses();
    void generatorSpecDrivesTheRequestPath();
    void traceFileDrivesTheRequestPath();
    void malformedTraceSaysWhereAndStartsNothing();
    void csvTraceTakesItsColumns();
    void rateCapsRequestsPerSecond();
};

void TestDeviceRun::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("bucketscope-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_device_run"));
    QSettings().clear();
}

void TestDeviceRun::runningAnImageWritesItAndItsGensPersist() {
    QTemporaryDir dir(image_dir_base() + QStringLiteral("/bucketscope-XXXXXX"));
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("run.img"));
    format_image(path);
    MainWindow w;
    w.show();
    QVERIFY(w.openDemo(small_demo(), true));
    w.openImage(path);
    w.images()->currentJob()->wait();
    QVERIFY(w.showingImage());
    QVERIFY(w.imagePanel()->image()->report->never_registered);
    QVERIFY(w.imagePanel()->runButton()->isEnabled());

    ConfirmationAnswer answer;
    answer_next_confirmation(answer);
    w.imagePanel()->runButton()->click();
    QVERIFY(answer.seen);
    QVERIFY(answer.write_enabled);
    QVERIFY(!answer.force_offered); // a freshly formatted image blocks nothing
    wait_for_run(w);
    QCOMPARE(w.controller()->devicePath(), path);
    QVERIFY(!w.showingImage());
    QCOMPARE(w.controller()->options().geometry.nbuckets, uint64_t(1024)); // from its superblock
    FramePtr f = w.controller()->lastFrame();
    QVERIFY(f->on_device);
    QCOMPARE(QString::fromStdString(f->device), path);

    w.controller()->step(30000);
    w.controller()->sync();
    f = w.controller()->lastFrame();
    QVERIFY(f->metrics.writes > 100);
    QVERIFY(f->metrics.invalidations[0] > 0); // the cache filled and buckets got new gens
    QCOMPARE(f->metrics.errors, uint64_t(0));

    QSignalSpy closed(w.controller(), &EngineController::engineClosed);
    w.controller()->closeEngine();
    w.controller()->sync();
    QCOMPARE(closed.count(), 1);
    QVERIFY(closed.at(0).at(0).toBool());
    f = w.controller()->lastFrame();
    QVERIFY(f->closed);
    const uint64_t steps = f->metrics.steps;
    QSignalSpy refused(w.controller(), &EngineController::commandRefused);
    w.controller()->step(100); // a closed engine runs no more, and says so
    w.controller()->sync();
    QCOMPARE(w.controller()->lastFrame()->metrics.steps, steps);
    QCOMPARE(refused.count(), 1);

    // Read back as File > Open does: registered, and the buckets the allocator does not hold
    // (pinned ones may carry a gen no prio set has yet) have the gens the engine left. A
    // few are one gen apart, as the kernel's would be: v6.2's non-blocking prio write may
    // be refused and the buckets handed out before their new gen is on disk, and a freed
    // btree node's gen bump travels in its freeing key, which a reader applies.
    const auto back = open_image(path);
    QVERIFY2(back->ok(), qPrintable(back->error));
    QVERIFY(!back->report->never_registered);
    QVERIFY(back->report->totals.journal_seq > 1);
    const BucketSnapshot& left = *f->snapshot;
    uint64_t compared = 0, moved = 0, differ = 0;
    for (uint64_t b = left.first_bucket; b < left.nbuckets; ++b) {
        if (left.pin[b])
            continue;
        const int diff = int(uint8_t(back->snapshot->gen[b] - left.gen[b] + 1)) - 1;
        QVERIFY2(diff >= -1 && diff <= 1,
                 qPrintable(QStringLiteral("bucket %1: gen %2 in memory, %3 on disk")
                                .arg(b)
                                .arg(left.gen[b])
                                .arg(back->snapshot->gen[b])));
        ++compared;
        moved += left.gen[b] != 0 && diff == 0;
        differ += diff != 0;
    }
    QVERIFY(compared > 800);
    QVERIFY2(moved > 100, qPrintable(QString::number(moved)));
    QVERIFY2(differ * 50 < compared, qPrintable(QString::number(differ)));

    // The run is a session naming the image, with its superblock's geometry and the options.
    store::SessionReader reader(session_database(load_recording_settings()).toStdString());
    std::optional<store::SessionRow> run;
    for (const auto& s : reader.list())
        if (s.info.device == path.toStdString())
            run = s;
    QVERIFY(run);
    QCOMPARE(run->outcome, std::string("closed"));
    QCOMPARE(run->info.origin, std::string("gui"));
    QVERIFY(
        QString::fromStdString(run->info.superblock).contains(QStringLiteral("\"nbuckets\":1024")));
    const QString options = QString::fromStdString(run->info.options);
    QVERIFY2(options.contains(QStringLiteral("\"target\":\"%1\"").arg(path)), qPrintable(options));
    QVERIFY(options.contains(QStringLiteral("\"source\":\"builtin\"")));
    QVERIFY(run->events > 0);
    bool stepped = false;
    for (const auto& c : reader.commands(run->id))
        stepped |= c.command == "step" && c.argument == "30000";
    QVERIFY(stepped);

    // Applying a workload reopens the same image with it.
    WorkloadPanel* p = w.workload();
    p->sourceBox()->setCurrentIndex(p->sourceBox()->findData(int(WorkloadPanel::GeneratorSpec)));
    p->requestsBox()->setValue(300);
    p->applyButton()->click();
    wait_for_run(w);
    QCOMPARE(w.controller()->devicePath(), path);
    QVERIFY(w.controller()->options().source);
    w.controller()->step(1'000'000);
    w.controller()->sync();
    QCOMPARE(w.controller()->lastFrame()->metrics.requests, uint64_t(300));
    QVERIFY(!w.controller()->lastFrame()->closed);
}

void TestDeviceRun::foreignSignatureIsRefusedWithoutForce() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("ext.img"));
    format_image(path);
    {
        // An ext2/3/4 magic in the first 4 KiB, which the cache superblock leaves alone.
        std::fstream f(path.toStdString(), std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(1080);
        f.write("\x53\xef", 2);
    }
    QVERIFY(!probe_for_write(path.toStdString()).blockers().empty());
    const QByteArray before = file_hash(path);
    MainWindow w;
    w.show();
    QVERIFY(w.openDemo(small_demo(), true));

    // The confirmation offers "write anyway" and keeps Write disabled until it is ticked.
    ConfirmationAnswer answer;
    answer_next_confirmation(answer);
    w.runImage(path);
    QVERIFY(answer.seen);
    QVERIFY(answer.force_offered);
    QVERIFY(!answer.write_enabled);
    QVERIFY(!w.images()->currentJob());
    QVERIFY(w.controller()->devicePath().isEmpty());

    // Without force the open itself refuses too, naming the signature.
    QSignalSpy failed(w.images(), &ImageController::runFailed);
    w.runDevice(path, false, WorkloadChoice{});
    wait_for_run(w);
    QCOMPARE(failed.count(), 1);
    QVERIFY2(failed.at(0).at(1).toString().contains(QStringLiteral("signature")),
             qPrintable(failed.at(0).at(1).toString()));
    QVERIFY(w.controller()->devicePath().isEmpty());
    QCOMPARE(file_hash(path), before);
}

void TestDeviceRun::aCopyOfAKernelFixtureRunsAndCloses() {
    const QString fixture =
        QString::fromStdString(testutil::fixture_image("kernel-clean").string());
    const auto kernel = open_image(fixture);
    QVERIFY2(kernel->ok(), qPrintable(kernel->error));
    QTemporaryDir dir(image_dir_base() + QStringLiteral("/bucketscope-XXXXXX"));
    const QString path = dir.filePath(QStringLiteral("kernel-clean.img"));
    QVERIFY(QFile::copy(fixture, path));
    QVERIFY(QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner));
    MainWindow w;
    w.show();
    QVERIFY(w.openDemo(small_demo(), true));
    QSignalSpy failed(w.images(), &ImageController::runFailed);
    w.runDevice(path, false, WorkloadChoice{});
    wait_for_run(w);
    QVERIFY2(failed.isEmpty(), qPrintable(failed.value(0).value(1).toString()));
    QCOMPARE(w.controller()->devicePath(), path);
    QCOMPARE(w.controller()->options().geometry.bucket_size,
             uint32_t(kernel->report->sb.bucket_sectors()));
    // Registered from what the kernel left: its extents are live in the first frame.
    const auto& used = w.controller()->lastFrame()->snapshot->sectors_used;
    QVERIFY(kernel->report->totals.extents.live_sectors > 0);
    QVERIFY(std::count_if(used.begin(), used.end(), [](auto s) { return s > 0; }) > 10);
    w.controller()->step(3000); // every journal entry is two fdatasyncs: keep it short
    w.controller()->closeEngine();
    w.controller()->sync();
    const FramePtr f = w.controller()->lastFrame();
    QVERIFY(f->closed);
    QVERIFY(f->metrics.writes > 20);
    QCOMPARE(f->metrics.errors, uint64_t(0));
    const auto back = open_image(path);
    QVERIFY2(back->ok(), qPrintable(back->error));
    QVERIFY(back->report->totals.journal_seq > kernel->report->totals.journal_seq);
    QCOMPARE(back->report->sb.seq, kernel->report->sb.seq + 1); // rewritten once, at registration
}

void TestDeviceRun::generatorSpecDrivesTheRequestPath() {
    MainWindow w;
    w.show();
    QVERIFY(w.openDemo(small_demo(), true));
    WorkloadPanel* p = w.workload();
    p->sourceBox()->setCurrentIndex(p->sourceBox()->findData(int(WorkloadPanel::GeneratorSpec)));
    QVERIFY(p->cacheModeBox()->isEnabled());
    p->kindBox()->setCurrentText(QStringLiteral("zipf"));
    p->spanEdit()->setText(QStringLiteral("2M")); // a quarter of the cache: reads come back hits
    p->genReadBox()->setValue(60);
    p->sizeEdit()->setText(QStringLiteral("4K"));
    p->genProcessesBox()->setValue(2);
    p->requestsBox()->setValue(4000);
    p->cacheModeBox()->setCurrentText(QStringLiteral("writeback"));
    QCOMPARE(p->spec(),
             QStringLiteral("zipf:alpha=0.9,span=2M,read=60,size=4K,processes=2,requests=4000"));
    p->applyButton()->click();
    const EngineOptions& o = w.controller()->options();
    QVERIFY(o.source);
    QCOMPARE(o.requests.cache_mode, CacheMode::Writeback);
    QCOMPARE(o.geometry.nbuckets, uint64_t(1024)); // the same demo engine, restarted
    // The dock shows what runs: the same spec, rebuilt from its fields.
    QCOMPARE(p->sourceBox()->currentData().toInt(), int(WorkloadPanel::GeneratorSpec));
    QCOMPARE(p->spec(),
             QStringLiteral("zipf:alpha=0.9,span=2M,read=60,size=4K,processes=2,requests=4000"));
    QCOMPARE(w.workloadChoice().spec, p->spec().toStdString());

    w.controller()->step(2'000'000); // stops when the spec's 4000 requests are done
    w.controller()->sync();
    const FramePtr f = w.controller()->lastFrame();
    const EngineMetrics& m = f->metrics;
    QCOMPARE(m.requests, uint64_t(4000));
    QCOMPARE(m.reads + m.writes, uint64_t(4000));
    QVERIFY(m.reads > 2000);
    QVERIFY(m.cache_hits > m.cache_misses);
    QVERIFY(m.dirty_sectors + m.writeback_sectors > 0); // writeback: written to the cache first
    QCOMPARE(f->source_progress, 1.0);
    const auto& hit = w.plots()->history().series(MetricHistory::HitRatio);
    QVERIFY(!hit.empty());
    QVERIFY(hit.back() > 50.0);
    const auto& wa = w.plots()->history().series(MetricHistory::WriteAmplification);
    QCOMPARE(wa.back(), m.write_amplification());

    // A bad key is shown and restarts nothing.
    p->kindParamsEdit()->setText(QStringLiteral("alpha=-1"));
    p->applyButton()->click();
    QVERIFY2(p->statusLabel()->text().contains(QStringLiteral("alpha")),
             qPrintable(p->statusLabel()->text()));
    QCOMPARE(w.controller()->lastFrame()->metrics.requests, uint64_t(4000));
}

void TestDeviceRun::traceFileDrivesTheRequestPath() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("small.csv"));
    {
        // MSR Cambridge: each 4 KiB block written, then read twice.
        std::ofstream f(path.toStdString());
        uint64_t t = 128166372000000000ull;
        for (int i = 0; i < 300; ++i) {
            const uint64_t off = uint64_t(i % 100) * 4096;
            f << t++ << ",wdev,0,Write," << off << ",4096,100\n";
            f << t++ << ",wdev,0,Read," << off << ",4096,100\n";
            f << t++ << ",wdev,0,Read," << off << ",4096,100\n";
        }
    }
    MainWindow w;
    w.show();
    QVERIFY(w.openDemo(small_demo(), true));
    WorkloadPanel* p = w.workload();
    apply_msr_trace(*p, path);
    QVERIFY2(p->statusLabel()->text().contains(QStringLiteral("900 requests")),
             qPrintable(p->statusLabel()->text()));
    QVERIFY(w.controller()->options().source);

    w.controller()->step(2'000'000);
    w.controller()->sync();
    const FramePtr f = w.controller()->lastFrame();
    QCOMPARE(f->metrics.requests, uint64_t(900));
    QCOMPARE(f->metrics.reads, uint64_t(600));
    QVERIFY(f->metrics.cache_hits >= 500); // written first, so read back from the cache
    QVERIFY(w.plots()->history().series(MetricHistory::HitRatio).back() > 50.0);
    QVERIFY(QString::fromStdString(w.workloadChoice().trace_path) == path);
}

void TestDeviceRun::malformedTraceSaysWhereAndStartsNothing() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("bad.csv"));
    {
        std::ofstream f(path.toStdString());
        for (int i = 0; i < 6; ++i)
            f << 128166372000000000ull + i << ",wdev,0,Write," << i * 4096 << ",4096,100\n";
        f << "128166372000000010,wdev,0,Write,eight,4096,100\n"; // line 7
    }
    MainWindow w;
    w.show();
    QVERIFY(w.openDemo(small_demo(), true));
    WorkloadPanel* p = w.workload();
    apply_msr_trace(*p, path);
    const QString status = p->statusLabel()->text();
    QVERIFY2(status.contains(path + QStringLiteral(":7:")), qPrintable(status));
    QVERIFY(!w.controller()->options().source); // the demo engine runs on as it was

    // A cancelled read restarts nothing either.
    p->skipBadBox()->setChecked(true);
    p->applyButton()->click();
    p->currentJob()->cancel();
    p->currentJob()->wait();
    QVERIFY2(p->statusLabel()->text().contains(QStringLiteral("cancelled")),
             qPrintable(p->statusLabel()->text()));
    QVERIFY(!w.controller()->options().source);

    // With "skip malformed records" the same trace runs, and says what it skipped.
    p->skipBadBox()->setChecked(true);
    p->applyButton()->click();
    p->currentJob()->wait();
    QVERIFY2(p->statusLabel()->text().contains(QStringLiteral("6 requests")),
             qPrintable(p->statusLabel()->text()));
    QVERIFY(p->statusLabel()->text().contains(QStringLiteral("1 malformed")));
    QVERIFY(w.controller()->options().source);
}

void TestDeviceRun::csvTraceTakesItsColumns() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("objects.csv"));
    {
        // libCacheSim csv with the operation first: 20 objects written, then read.
        std::ofstream f(path.toStdString());
        f << "op,time,id,size\n";
        for (int i = 0; i < 40; ++i)
            f << (i < 20 ? "w" : "r") << ',' << i << ',' << (i % 20) << ",8192\n";
    }
    MainWindow w;
    w.show();
    QVERIFY(w.openDemo(small_demo(), true));
    WorkloadPanel* p = w.workload();
    p->sourceBox()->setCurrentIndex(p->sourceBox()->findData(int(WorkloadPanel::TraceFile)));
    p->traceEdit()->setText(path);
    p->formatBox()->setCurrentText(QStringLiteral("csv"));
    QVERIFY(p->csvColumnsEdit()->isEnabled());
    p->csvColumnsEdit()->setText(QStringLiteral("2,3,4"));
    p->applyButton()->click();
    QVERIFY(!p->currentJob()); // three columns: refused before reading anything
    QVERIFY(p->statusLabel()->text().startsWith(QStringLiteral("CSV columns")));
    p->csvColumnsEdit()->setText(QStringLiteral("2,3,4,1"));
    p->applyButton()->click();
    p->currentJob()->wait();
    QVERIFY2(p->statusLabel()->text().contains(QStringLiteral("40 requests")),
             qPrintable(p->statusLabel()->text()));
    QCOMPARE(w.workloadChoice().trace.csv.op, 1u);
    w.controller()->step(1'000'000);
    w.controller()->sync();
    const EngineMetrics& m = w.controller()->lastFrame()->metrics;
    QCOMPARE(m.requests, uint64_t(40));
    QCOMPARE(m.reads, uint64_t(20));
    QCOMPARE(m.read_sectors, uint64_t(20 * 16));
    // Every read is accounted; a hit is a whole object from the cache (right after
    // registration some writes find no bucket yet and are not cached, as the kernel's).
    QCOMPARE(m.cache_hits + m.cache_misses, uint64_t(20));
    QVERIFY(m.cache_hits > 0);
    QCOMPARE(m.read_hit_sectors, m.cache_hits * 16);
}

void TestDeviceRun::rateCapsRequestsPerSecond() {
    MainWindow w;
    w.show();
    QVERIFY(w.openDemo(small_demo(), true));
    EngineController* c = w.controller();
    QSignalSpy frames(c, &EngineController::frameReady);
    // One request a second: the frames of the next few ticks (well under a second on any
    // machine but a stalled one) show the engine held back; the slice it may take once
    // the second is up bounds the rest.
    w.workload()->rateBox()->setValue(1);
    c->setPlaying(true);
    c->sync();
    const uint64_t start = c->lastFrame()->metrics.requests;
    const int seen = frames.count();
    QTRY_VERIFY(frames.count() >= seen + 4);
    c->setPlaying(false);
    c->sync();
    const uint64_t capped = c->lastFrame()->metrics.requests - start;
    QVERIFY2(capped <= 40, qPrintable(QString::number(capped)));
    // No cap: the same few frames carry the speed's thousands of steps.
    w.workload()->rateBox()->setValue(0);
    c->setPlaying(true);
    const int again = frames.count();
    QTRY_VERIFY(frames.count() >= again + 4);
    c->setPlaying(false);
    c->sync();
    QVERIFY(c->lastFrame()->metrics.requests - start > capped + 100);
}

QTEST_MAIN(TestDeviceRun)
#include "tst_device_run.moc"
