// The workload dock's trace page (widgets/trace_form.h): only the chosen format's fields
// are enabled, a field that does not parse is named before any file is read, what the page
// shows reads back as the same options, and a csv trace that needs every csv option (';'
// fields, no header, named objects, times in ms) replays in the real window.
#include "widgets/engine_controller.h"
#include "widgets/mainwindow.h"
#include "widgets/trace_form.h"
#include "widgets/workload_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTemporaryDir>
#include <QtTest>
#include <fstream>

using namespace bucketscope;

namespace {

EngineOptions small_demo() {
    EngineOptions o = demo_engine_options();
    o.geometry.nbuckets = 1024;
    o.geometry.bucket_size = 128;
    return o;
}

} // namespace

class TestTraceForm : public QObject {
    Q_OBJECT
  private slots:
    void onlyTheFormatsFieldsAreEnabled();
    void aFieldThatDoesNotParseIsNamed();
    void whatIsShownReadsBackTheSame();
    void namedObjectsCsvReplaysInTheWindow();
};

void TestTraceForm::onlyTheFormatsFieldsAreEnabled() {
    TraceForm f(1000, 8);
    f.formatBox()->setCurrentText(QStringLiteral("blkparse"));
    QVERIFY(f.blkparseActionBox()->isEnabled());
    QVERIFY(!f.objectSizeEdit()->isEnabled());
    QVERIFY(!f.csvDelimiterBox()->isEnabled());
    f.formatBox()->setCurrentText(QStringLiteral("oracle"));
    QVERIFY(!f.blkparseActionBox()->isEnabled());
    QVERIFY(f.objectSizeEdit()->isEnabled());
    QVERIFY(!f.csvColumnsEdit()->isEnabled());
    f.formatBox()->setCurrentText(QStringLiteral("csv"));
    for (QWidget* w :
         {static_cast<QWidget*>(f.csvColumnsEdit()), static_cast<QWidget*>(f.csvHeaderBox()),
          static_cast<QWidget*>(f.csvDelimiterBox()), static_cast<QWidget*>(f.csvNumericIdsBox()),
          static_cast<QWidget*>(f.csvTimeUnitBox()), static_cast<QWidget*>(f.objectSizeEdit())})
        QVERIFY(w->isEnabled());
    QVERIFY(!f.blkparseActionBox()->isEnabled());
}

void TestTraceForm::aFieldThatDoesNotParseIsNamed() {
    TraceForm f(1000, 8);
    WorkloadChoice c;
    QString why;
    f.formatBox()->setCurrentText(QStringLiteral("oracle"));
    f.objectSizeEdit()->setText(QStringLiteral("big"));
    QVERIFY(!f.read(c, &why));
    QVERIFY2(why.startsWith(QStringLiteral("Object size")), qPrintable(why));
    f.objectSizeEdit()->setText(QStringLiteral("0"));
    QVERIFY(!f.read(c, &why));
    f.objectSizeEdit()->setText(QStringLiteral("4M"));
    QVERIFY(f.read(c, &why));
    QCOMPARE(c.trace.default_object_size, uint64_t(4) << 20);

    f.formatBox()->setCurrentText(QStringLiteral("csv"));
    f.csvDelimiterBox()->setCurrentText(QStringLiteral("::"));
    QVERIFY(!f.read(c, &why));
    QVERIFY2(why.startsWith(QStringLiteral("CSV delimiter")), qPrintable(why));
    // A stale csv field does not stop another format.
    f.formatBox()->setCurrentText(QStringLiteral("fio"));
    QVERIFY(f.read(c, &why));

    MainWindow w;
    w.show();
    QVERIFY(w.openDemo(small_demo(), true));
    WorkloadPanel* p = w.workload();
    p->sourceBox()->setCurrentIndex(p->sourceBox()->findData(int(WorkloadPanel::TraceFile)));
    p->traceEdit()->setText(QStringLiteral("/nonexistent/trace"));
    p->formatBox()->setCurrentText(QStringLiteral("oracle"));
    p->traceForm()->objectSizeEdit()->setText(QStringLiteral("12Q"));
    p->applyButton()->click();
    QVERIFY(!p->currentJob()); // refused before anything is read
    QVERIFY2(p->statusLabel()->text().startsWith(QStringLiteral("Object size")),
             qPrintable(p->statusLabel()->text()));
}

void TestTraceForm::whatIsShownReadsBackTheSame() {
    WorkloadChoice c;
    c.kind = WorkloadChoice::Trace;
    c.trace_path = "/data/t.csv";
    c.trace.format = workload::TraceFormat::Csv;
    c.trace.skip_bad = true;
    c.trace.csv = workload::CsvColumns{2, 3, 0, 1, '\t', false, false, 1e3};
    c.trace.default_object_size = 3 * 4096;
    c.trace.blkparse_action = 'D';
    c.limit = 777;
    c.write_points = 3;
    TraceForm f(1000, 8);
    f.show(c);
    WorkloadChoice back;
    QString why;
    QVERIFY2(f.read(back, &why), qPrintable(why));
    QCOMPARE(back.trace_path, c.trace_path);
    QCOMPARE(back.trace.format, c.trace.format);
    QCOMPARE(back.trace.skip_bad, true);
    QCOMPARE(back.trace.csv.time, 2u);
    QCOMPARE(back.trace.csv.obj_id, 3u);
    QCOMPARE(back.trace.csv.obj_size, 0u);
    QCOMPARE(back.trace.csv.op, 1u);
    QCOMPARE(back.trace.csv.delimiter, '\t');
    QCOMPARE(back.trace.csv.obj_id_is_num, false);
    QCOMPARE(back.trace.csv.has_header, false);
    QCOMPARE(back.trace.csv.time_unit_ns, 1e3);
    QCOMPARE(back.trace.default_object_size, uint64_t(3 * 4096));
    QCOMPARE(back.trace.blkparse_action, 'D');
    QCOMPARE(back.limit, uint64_t(777));
    QCOMPARE(back.write_points, 3u);
}

void TestTraceForm::namedObjectsCsvReplaysInTheWindow() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("named.csv"));
    {
        std::ofstream f(path.toStdString());
        for (int i = 0; i < 50; ++i)
            f << i * 5 << ";obj-" << i % 10 << '\n'; // no size column: --object-size
    }
    MainWindow w;
    w.show();
    QVERIFY(w.openDemo(small_demo(), true));
    WorkloadPanel* p = w.workload();
    TraceForm* f = p->traceForm();
    p->sourceBox()->setCurrentIndex(p->sourceBox()->findData(int(WorkloadPanel::TraceFile)));
    f->fileEdit()->setText(path);
    f->formatBox()->setCurrentText(QStringLiteral("csv"));
    f->csvColumnsEdit()->setText(QStringLiteral("1,2,0,0"));
    f->csvHeaderBox()->setChecked(false);
    f->csvDelimiterBox()->setCurrentText(QStringLiteral(";"));
    f->csvTimeUnitBox()->setCurrentText(QStringLiteral("ms"));
    f->objectSizeEdit()->setText(QStringLiteral("32K"));
    // Numbers expected: the first record is malformed and named.
    p->applyButton()->click();
    p->currentJob()->wait();
    QVERIFY2(p->statusLabel()->text().contains(path + QStringLiteral(":1:")),
             qPrintable(p->statusLabel()->text()));
    f->csvNumericIdsBox()->setChecked(false);
    p->applyButton()->click();
    p->currentJob()->wait();
    QVERIFY2(p->statusLabel()->text().contains(QStringLiteral("50 requests")),
             qPrintable(p->statusLabel()->text()));
    const workload::TraceOptions& t = w.workloadChoice().trace;
    QCOMPARE(t.csv.delimiter, ';');
    QCOMPARE(t.csv.time_unit_ns, 1e6);
    QCOMPARE(t.default_object_size, uint64_t(32 * 1024));
    w.controller()->step(1'000'000);
    w.controller()->sync();
    const EngineMetrics& m = w.controller()->lastFrame()->metrics;
    QCOMPARE(m.requests, uint64_t(50));
    QCOMPARE(m.read_sectors, uint64_t(50 * 64));
    QVERIFY(m.cache_hits > 20); // ten objects read five times each
}

QTEST_MAIN(TestTraceForm)
#include "tst_trace_form.moc"
