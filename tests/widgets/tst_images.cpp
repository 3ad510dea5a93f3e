// Opening images in the workbench: a kernel-written fixture opened read-only shows every
// bucket's GC mark in its heatmap cell and the kernel's priority_stats, and is not
// changed; the format flow writes an image that core/ondisk reads back and that then opens
// as never registered; the confirmation keeps a refused target's write button disabled
// until force is ticked; a long job stops when cancelled.
#include "core/device/image_file_device.h"
#include "fixture_util.h"
#include "widgets/bucket_details.h"
#include "widgets/engine_controller.h"
#include "widgets/format_dialog.h"
#include "widgets/heatmap_panel.h"
#include "widgets/image_controller.h"
#include "widgets/image_panel.h"
#include "widgets/long_job.h"
#include "widgets/mainwindow.h"
#include "widgets/priority_stats_panel.h"
#include "widgets/write_confirmation.h"

#include <QCheckBox>
#include <QComboBox>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QtTest>
#include <fstream>

using namespace bucketscope;

namespace {

QString fixture(const char* name) {
    return QString::fromStdString(testutil::fixture_image(name).string());
}

// Opens `path` in `w` and waits for inspect.
void open_and_wait(MainWindow& w, const QString& path) {
    w.openImage(path);
    LongJob* job = w.images()->currentJob();
    QVERIFY(job);
    job->wait();
}

ondisk::CacheSuperblock read_superblock(const QString& path) {
    auto dev = ImageFileDevice::open(path.toStdString(), OpenMode::read_only);
    if (!dev)
        return {};
    std::vector<std::byte> raw(ondisk::SB_SIZE);
    if (!dev.device->read(ondisk::SB_OFFSET, raw))
        return {};
    auto sb = ondisk::decode_superblock(raw, {});
    return sb ? sb.value() : ondisk::CacheSuperblock{};
}

QStringList tree_values(const QTreeWidget* tree) {
    QStringList out;
    for (QTreeWidgetItemIterator it(const_cast<QTreeWidget*>(tree)); *it; ++it)
        out << (*it)->text(0) + QLatin1Char('=') + (*it)->text(1);
    return out;
}

} // namespace

class TestImages : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase();
    void kernelImageShowsItsMarksReadOnly();
    void snapshotKeepsTheOnDiskRoles();
    void formatDialogWritesAnImageOndiskReadsBack();
    void formatDialogNamesBadSizes();
    void refusedTargetNeedsAnExplicitForce();
    void cancelStopsALongJob();
    void damagedImageSaysWhatIsWrong();
};

void TestImages::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("bucketscope-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_images"));
    QSettings().clear();
}

void TestImages::kernelImageShowsItsMarksReadOnly() {
    const QString path = fixture("kernel-a");
    const uint64_t crc = testutil::file_crc(path.toStdString());
    MainWindow w;
    w.resize(1200, 800);
    w.show();
    QVERIFY(w.openDemo(demo_engine_options(), true));
    open_and_wait(w, path);
    QVERIFY(w.showingImage());
    const auto image = w.imagePanel()->image();
    QVERIFY(image && image->ok());
    const auto& report = *image->report;
    QCOMPARE(w.images()->recentFiles().value(0), QFileInfo(path).absoluteFilePath());

    HeatmapWidget* heat = w.heatmap(0)->heatmap();
    w.heatmap(0)->setField(HeatmapField::GcMark);
    heat->waitForFrame();
    QCOMPARE(heat->snapshot()->nbuckets, report.sb.nbuckets);
    QVERIFY(heat->view().zoom <= 0); // one cell per pixel or larger: no aggregation
    const auto& table = heat->heatmapPalette()->table;
    uint64_t dirty = 0;
    for (uint64_t b = 0; b < report.buckets.size(); ++b) {
        uint32_t x, y;
        QVERIFY(heat->grid().cell_of(b, x, y));
        const QPoint p = heat->view().cell_rect(x, y).center();
        QCOMPARE(heat->frame().pixel(p), table[uint8_t(report.buckets[b].mark)]);
        dirty += report.buckets[b].mark == inspect::Mark::dirty;
    }
    QVERIFY(dirty > 100); // kernel-a's flash volume keeps its data buckets dirty

    // priority_stats as the kernel prints it, computed from what the heatmaps show.
    QCOMPARE(w.priorityStats()->kernelText(),
             QString::fromStdString(inspect::format_priority_stats(report.stats)));
    // The engine's frames no longer reach the bucket views.
    w.controller()->step(100);
    w.controller()->sync();
    QCOMPARE(heat->snapshot(), image->snapshot);
    // The image dock names what inspect found and where it stands on writing.
    const QStringList rows = tree_values(w.imagePanel()->tree());
    QVERIFY(rows.contains(QStringLiteral("nbuckets=%1").arg(report.sb.nbuckets)));
    QVERIFY(w.imagePanel()->runButton()->isEnabled());
    QVERIFY(w.imagePanel()->simulateButton()->isEnabled());

    w.imagePanel()->closeButton()->click();
    QVERIFY(!w.showingImage());
    QVERIFY(heat->snapshot() != image->snapshot);
    QCOMPARE(testutil::file_crc(path.toStdString()), crc);
}

void TestImages::snapshotKeepsTheOnDiskRoles() {
    auto opened = open_image(fixture("kernel-a"));
    QVERIFY2(opened->ok(), qPrintable(opened->error));
    const auto& r = *opened->report;
    const BucketSnapshot& s = *opened->snapshot;
    QCOMPARE(s.nbuckets, r.sb.nbuckets);
    QCOMPARE(s.bucket_size, uint32_t(r.sb.bucket_sectors()));
    for (uint64_t b = 0; b < r.sb.first_bucket; ++b)
        QCOMPARE(Membership(s.membership[b]), Membership::Superblock);
    for (size_t i = 0; i < r.sb.keys; ++i)
        QCOMPARE(Membership(s.membership[r.sb.d[i]]), Membership::Journal);
    for (uint64_t b : r.prio_chain)
        QCOMPARE(Membership(s.membership[b]), Membership::PrioBucket);
    for (uint64_t b = 0; b < s.nbuckets; ++b) {
        QCOMPARE(s.prio[b], r.buckets[b].prio);
        QCOMPARE(s.gen[b], r.buckets[b].gen);
        QCOMPARE(s.sectors_used[b], r.buckets[b].sectors_used);
        QCOMPARE(s.pin[b], uint16_t(0));
    }
    // Running its geometry gives the engine the superblock's numbers.
    const EngineOptions o = engine_options_for(r.sb);
    QCOMPARE(o.geometry.nbuckets, r.sb.nbuckets);
    QCOMPARE(o.geometry.first_bucket, uint64_t(r.sb.first_bucket));
    QCOMPARE(o.policy, ReplacementPolicy::Lru);
}

void TestImages::formatDialogWritesAnImageOndiskReadsBack() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("new.img"));
    FormatDialog dialog;
    dialog.targetEdit()->setText(path);
    dialog.sizeEdit()->setText(QStringLiteral("32M"));
    dialog.bucketSizeEdit()->setText(QStringLiteral("64K"));
    dialog.blockSizeEdit()->setText(QStringLiteral("4K"));
    dialog.policyBox()->setCurrentIndex(dialog.policyBox()->findText(QStringLiteral("fifo")));
    dialog.discardBox()->setChecked(true);
    QVERIFY2(dialog.isValid(), qPrintable(dialog.problem()));
    QVERIFY(dialog.warnings().join(' ').contains(QStringLiteral("512 buckets of 128 sectors")));

    MainWindow w;
    w.show();
    QSignalSpy formatted(w.images(), &ImageController::formatted);
    LongJob* job = w.images()->startFormat(dialog.request());
    QVERIFY(job);
    job->wait();
    QCOMPARE(formatted.count(), 1);
    const ondisk::CacheSuperblock sb = read_superblock(path);
    QCOMPARE(sb.nbuckets, uint64_t(512));
    QCOMPARE(sb.bucket_sectors(), uint64_t(128));
    QCOMPARE(sb.block_size, uint16_t(8));
    QCOMPARE(sb.cache_replacement(), unsigned(ondisk::CacheReplacement::fifo));
    QVERIFY(sb.cache_discard());
    QVERIFY(!sb.cache_sync());

    // A formatted image opens at once, as never registered.
    LongJob* open = w.images()->currentJob();
    QVERIFY(open && open != job);
    open->wait();
    QVERIFY(w.showingImage());
    QVERIFY(w.imagePanel()->image()->report->never_registered);
}

void TestImages::formatDialogNamesBadSizes() {
    QTemporaryDir dir;
    FormatDialog dialog;
    dialog.targetEdit()->setText(dir.filePath(QStringLiteral("x.img")));
    dialog.bucketSizeEdit()->setText(QStringLiteral("100k"));
    QVERIFY(!dialog.isValid());
    QVERIFY2(dialog.problem().contains(QStringLiteral("power of two")),
             qPrintable(dialog.problem()));
    dialog.bucketSizeEdit()->setText(QStringLiteral("64Q"));
    QVERIFY(dialog.problem().startsWith(QStringLiteral("Bucket size: ")));
    dialog.bucketSizeEdit()->setText(QStringLiteral("64K"));
    dialog.sizeEdit()->clear();
    QVERIFY(dialog.problem().startsWith(QStringLiteral("Size: "))); // a new file needs a size
    dialog.sizeEdit()->setText(QStringLiteral("64M"));
    QVERIFY2(dialog.isValid(), qPrintable(dialog.problem()));
}

void TestImages::refusedTargetNeedsAnExplicitForce() {
    QTemporaryDir dir;
    const std::string img = dir.filePath(QStringLiteral("ext.img")).toStdString();
    {
        std::ofstream f(img, std::ios::binary);
        std::vector<char> zeros(8 << 20);
        f.write(zeros.data(), std::streamsize(zeros.size()));
        f.seekp(1080);
        f.write("\x53\xef", 2); // ext2/3/4 magic
    }
    const SafetyReport refused = probe_for_write(img);
    QVERIFY(!refused.blockers().empty());
    WriteConfirmation c(refused, QStringLiteral("test"));
    QVERIFY(c.forceBox());
    QVERIFY(!c.writeButton()->isEnabled());
    c.forceBox()->setChecked(true);
    QVERIFY(c.writeButton()->isEnabled());
    QVERIFY(c.forced());

    // Without force the job refuses too and leaves the target alone.
    ImageController images(nullptr);
    QSignalSpy failed(&images, &ImageController::formatFailed);
    FormatRequest req;
    req.target = img;
    req.options.bucket_bytes = 64 << 10;
    images.startFormat(req)->wait();
    QCOMPARE(failed.count(), 1);
    QVERIFY(failed.at(0).at(1).toString().contains(QStringLiteral("signature")));
    QVERIFY(!read_superblock(QString::fromStdString(img)).nbuckets);

    const SafetyReport fresh =
        probe_for_write(dir.filePath(QStringLiteral("none.img")).toStdString());
    WriteConfirmation ok(fresh, QStringLiteral("test"));
    QVERIFY(!ok.forceBox());
    QVERIFY(ok.writeButton()->isEnabled());
}

void TestImages::cancelStopsALongJob() {
    // Work that would never end on its own: only the cancel stops it. (The cancel may
    // even answer the very first report, so the count of reports proves nothing.)
    LongJob job([](Progress& p) {
        for (uint64_t n = 0; p.report("btree", n);)
            ++n;
    });
    QSignalSpy progressed(&job, &LongJob::progressed);
    QSignalSpy finished(&job, &LongJob::finished);
    connect(&job, &LongJob::progressed, &job, &LongJob::cancel);
    job.start();
    QVERIFY(progressed.wait(10000));
    job.wait();
    QCOMPARE(finished.count(), 1);
    QCOMPARE(finished.at(0).at(0).toBool(), true);
    QVERIFY(job.cancelRequested());
    QVERIFY(!job.isRunning());
    QCOMPARE(job.stage(), QStringLiteral("btree"));
}

void TestImages::damagedImageSaysWhatIsWrong() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("junk.img"));
    {
        std::ofstream f(path.toStdString(), std::ios::binary);
        std::vector<char> junk(1 << 20, 'x');
        f.write(junk.data(), std::streamsize(junk.size()));
    }
    MainWindow w;
    w.show();
    open_and_wait(w, path);
    QVERIFY(!w.showingImage());
    const auto image = w.imagePanel()->image();
    QVERIFY(image && !image->ok());
    QVERIFY2(image->error.contains(QStringLiteral("superblock")), qPrintable(image->error));
    QVERIFY(!w.imagePanel()->simulateButton()->isEnabled());
    QVERIFY(!w.images()->recentFiles().contains(QFileInfo(path).absoluteFilePath()));
}

QTEST_MAIN(TestImages)
#include "tst_images.moc"
