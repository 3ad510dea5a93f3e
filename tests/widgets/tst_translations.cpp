// The German catalogue that qt_add_translations builds is complete and its contexts match
// the ones the code looks strings up in, including the free functions' contexts.
#include <QMenuBar>
#include <QTranslator>
#include <QtTest>

#include "widgets/bucket_text.h"
#include "widgets/event_log_model.h"
#include "widgets/heatmap_palette.h"
#include "widgets/mainwindow.h"
#include "widgets/long_job.h"
#include "widgets/metric_history.h"
#include "widgets/opened_image.h"
#include "widgets/stall_history.h"

using namespace bucketscope;

class TestTranslations : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase();
    void germanReachesEveryContext();

  private:
    QTranslator de_;
};

void TestTranslations::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY2(de_.load(QStringLiteral(BUCKETSCOPE_DE_QM)), BUCKETSCOPE_DE_QM);
    QVERIFY(QCoreApplication::installTranslator(&de_));
}

void TestTranslations::germanReachesEveryContext() {
    QCOMPARE(field_name(HeatmapField::Prio), QStringLiteral("Priorität"));
    QCOMPARE(membership_name(Membership::Journal), QStringLiteral("Journal-Bucket"));
    QCOMPARE(MetricHistory::name(MetricHistory::GcRuns), QStringLiteral("GC-Läufe"));
    EngineEvent e;
    e.kind = EventKind::GcStart;
    QCOMPARE(explain_event({e, 0}), QStringLiteral("Garbage Collection gestartet"));
    QCOMPARE(StallHistory::name(StallHistory::FreeNoneEmpty), QStringLiteral("free[NONE] leer"));
    QCOMPARE(MetricHistory::name(MetricHistory::WriteAmplification), QStringLiteral("Schreibverstärkung"));
    QCOMPARE(progress_stage_text(QStringLiteral("journal"), 3, 8),
             QStringLiteral("Journal-Buckets werden gelesen (3 von 8)"));
    ondisk::CacheSuperblock sb;
    QCOMPARE(superblock_rows(sb)[1].second, QStringLiteral("(leer)")); // dev.label
    MainWindow w;
    QCOMPARE(w.menuBar()->actions().first()->text(), QStringLiteral("&Datei"));
    QCOMPARE(QCoreApplication::translate("bucketscope::SessionActions", "S&essions"),
             QStringLiteral("&Sitzungen"));
}

QTEST_MAIN(TestTranslations)
#include "tst_translations.moc"
