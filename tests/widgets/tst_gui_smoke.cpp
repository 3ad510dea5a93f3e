// The real application under a real X server (xvfb-run): first start in an empty home
// makes the demo image, opens it read-only, runs its geometry, switches the policy, forces
// a GC and saves a screenshot. The test checks the run's own report, that the demo image
// is a cache superblock, and that the screenshot is a full window with a picture in it
// (many colours, the heatmap area not uniform). Skipped, saying why, where xvfb-run is
// missing (tools/deps installs it).
#include "core/device/image_file_device.h"
#include "core/ondisk/superblock.h"

#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>
#include <set>

class TestGuiSmoke : public QObject {
    Q_OBJECT
  private slots:
    void demoImageRunsAndShootsUnderXvfb();
};

void TestGuiSmoke::demoImageRunsAndShootsUnderXvfb() {
    const QString xvfb = QStandardPaths::findExecutable(QStringLiteral("xvfb-run"));
    if (xvfb.isEmpty())
        QSKIP(
            "xvfb-run is not installed (tools/deps installs xvfb): no X server for the smoke test");
    QTemporaryDir home;
    QVERIFY(home.isValid());
    const QString shot = home.filePath(QStringLiteral("shot.png"));

    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("HOME"), home.path());
    env.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
    env.insert(QStringLiteral("XDG_RUNTIME_DIR"), home.path());
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("xcb")); // the real window system
    env.insert(QStringLiteral("LC_ALL"), QStringLiteral("C"));
    QProcess app;
    app.setProcessEnvironment(env);
    app.setProcessChannelMode(QProcess::SeparateChannels);
    app.start(xvfb,
              {QStringLiteral("-a"), QStringLiteral("-s"), QStringLiteral("-screen 0 1600x1000x24"),
               QStringLiteral(BUCKETSCOPE_GUI_BIN), QStringLiteral("--demo-image"),
               QStringLiteral("--screenshot"), shot, QStringLiteral("--steps"),
               QStringLiteral("40000"), QStringLiteral("--size"), QStringLiteral("1400x900")});
    QVERIFY(app.waitForFinished(120000));
    const QString out = QString::fromLocal8Bit(app.readAllStandardOutput());
    const QString err = QString::fromLocal8Bit(app.readAllStandardError());
    QVERIFY2(app.exitStatus() == QProcess::NormalExit && app.exitCode() == 0,
             qPrintable(out + err));

    // The run's own account: the policy switched to FIFO and the forced GC reached the log.
    QVERIFY2(out.contains(QStringLiteral("policy fifo")), qPrintable(out));
    QVERIFY2(out.contains(QStringLiteral("trigger_gc logged")), qPrintable(out));
    QVERIFY2(out.contains(QStringLiteral("policy change logged")), qPrintable(out));
    QVERIFY2(out.contains(QStringLiteral("16384 buckets")),
             qPrintable(out)); // the demo image's geometry

    // First start made the demo image: a cache superblock with the demo geometry.
    const QString demo =
        home.filePath(QStringLiteral("data/bucketscope/bucketscope/demo-cache.img"));
    auto dev =
        bucketscope::ImageFileDevice::open(demo.toStdString(), bucketscope::OpenMode::read_only);
    QVERIFY2(dev, dev.status.message.c_str());
    std::vector<std::byte> raw(bucketscope::ondisk::SB_SIZE);
    QVERIFY(dev.device->read(bucketscope::ondisk::SB_OFFSET, raw));
    auto sb = bucketscope::ondisk::decode_superblock(raw, {});
    QVERIFY(sb);
    QCOMPARE(sb.value().nbuckets, uint64_t(16384));

    // Not blank: the whole window, many colours, and the centre (the heatmaps) varied.
    QImage img(shot);
    QVERIFY2(!img.isNull(), qPrintable(shot));
    QCOMPARE(img.size(), QSize(1400, 900));
    std::set<QRgb> colours, centre;
    for (int y = 0; y < img.height(); y += 2)
        for (int x = 0; x < img.width(); x += 2) {
            colours.insert(img.pixel(x, y));
            if (x > img.width() / 4 && x < img.width() * 3 / 4 && y > img.height() / 8 &&
                y < img.height() / 2)
                centre.insert(img.pixel(x, y));
        }
    QVERIFY2(colours.size() > 64, qPrintable(QStringLiteral("%1 colours").arg(colours.size())));
    QVERIFY2(centre.size() > 8,
             qPrintable(QStringLiteral("%1 colours in the heatmaps").arg(centre.size())));
}

QTEST_MAIN(TestGuiSmoke)
#include "tst_gui_smoke.moc"
