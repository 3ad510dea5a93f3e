// The item models behave as Qt's views expect (QAbstractItemModelTester watches every
// insertion and removal), keep only their newest rows, and explain events in words.
#include <QAbstractItemModelTester>
#include <QTemporaryDir>
#include <QFile>
#include <QtTest>

#include "tests/widgets/snapshot_text.h"
#include "widgets/event_log_model.h"
#include "widgets/metric_history.h"

using namespace bucketscope;

namespace {

std::shared_ptr<EngineFrame> frame_with(std::vector<EngineEvent> events, SnapshotPtr snap) {
    auto f = std::make_shared<EngineFrame>();
    f->events = std::move(events);
    f->snapshot = snap;
    f->gen_after = gens_after_events(f->events, *snap);
    return f;
}

EngineEvent make_event(EventKind kind, uint64_t seq, uint64_t bucket = 0, uint64_t value = 0) {
    EngineEvent e;
    e.kind = kind;
    e.seq = seq;
    e.clock_ns = seq * 1000;
    e.bucket = bucket;
    e.value = value;
    return e;
}

} // namespace

class TestModels : public QObject {
    Q_OBJECT
  private slots:
    void eventLogPassesTheModelTester();
    void eventLogKeepsTheNewestRows();
    void invalidationsAreExplainedWithTheirGens();
    void metricHistoryTurnsCountersIntoRates();
    void metricHistoryWritesCsv();
};

void TestModels::eventLogPassesTheModelTester() {
    EventLogModel model(50);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    auto snap = test::snapshot_from_text("0 0 0 0 0 0 0 0");
    for (int round = 0; round < 5; ++round) {
        std::vector<EngineEvent> ev;
        for (int i = 0; i < 17; ++i)
            ev.push_back(make_event(EventKind(i % int(EventKind::Count)), uint64_t(round * 17 + i), uint64_t(i % 8), 3));
        model.append(frame_with(ev, snap));
    }
    QCOMPARE(model.rowCount(), 50);
    QCOMPARE(model.columnCount(), int(EventLogModel::ColumnCount));
    for (int r = 0; r < model.rowCount(); ++r)
        for (int c = 0; c < model.columnCount(); ++c)
            model.data(model.index(r, c), Qt::DisplayRole);
    model.clear();
    QCOMPARE(model.rowCount(), 0);
}

void TestModels::eventLogKeepsTheNewestRows() {
    EventLogModel model(10);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    auto snap = test::snapshot_from_text("0 0");
    std::vector<EngineEvent> ev;
    for (uint64_t i = 0; i < 25; ++i)
        ev.push_back(make_event(EventKind::GcStart, i));
    model.append(frame_with(ev, snap));
    QCOMPARE(model.rowCount(), 10);
    QCOMPARE(model.row(0).event.seq, uint64_t(15));
    QCOMPARE(model.row(9).event.seq, uint64_t(24));
    model.append(frame_with({make_event(EventKind::GcEnd, 25, 0, 2'500'000)}, snap));
    QCOMPARE(model.rowCount(), 10);
    QCOMPARE(model.row(9).event.seq, uint64_t(25));
    QCOMPARE(model.data(model.index(9, EventLogModel::Kind), Qt::DisplayRole).toString(),
             QString::fromLatin1(to_string(EventKind::GcEnd)));
    QVERIFY(model.data(model.index(9, EventLogModel::Explanation), Qt::DisplayRole).toString().contains(QStringLiteral("2.500")));
}

void TestModels::invalidationsAreExplainedWithTheirGens() {
    // Bucket 3 was invalidated twice in one frame and now has gen 7: the first event took
    // it from 5 to 6, the second from 6 to 7.
    auto snap = test::snapshot_from_text("0 0 0 0/7");
    const auto f = frame_with({make_event(EventKind::Invalidate, 1, 3, 8), make_event(EventKind::Alloc, 2, 3),
                               make_event(EventKind::Invalidate, 3, 3, 0)},
                              snap);
    QCOMPARE(f->gen_after, (std::vector<uint8_t>{6, 6, 7}));
    QCOMPARE(explain_event({f->events[0], f->gen_after[0]}),
             QStringLiteral("bucket 3 invalidated: gen 5 to 6, 8 sectors of cached data dropped"));
    QCOMPARE(explain_event({f->events[2], f->gen_after[2]}),
             QStringLiteral("bucket 3 invalidated: gen 6 to 7, 0 sectors of cached data dropped"));
    // gen 0 after an invalidation means it wrapped from 255.
    auto wrapped = test::snapshot_from_text("0/0");
    const auto g = frame_with({make_event(EventKind::Invalidate, 1, 0, 1)}, wrapped);
    QVERIFY(explain_event({g->events[0], g->gen_after[0]}).contains(QStringLiteral("gen 255 to 0")));
}

void TestModels::metricHistoryTurnsCountersIntoRates() {
    MetricHistory h;
    EngineMetrics m;
    m.fifo.resize(1);
    m.fifo[0].free_capacity = {8, 4, 0, 100};
    m.fifo[0].free_used = {2, 4, 0, 25};
    m.fifo[0].free_inc_capacity = 64;
    m.clock_ns = 1'000'000'000;
    h.add(m);
    m.clock_ns = 3'000'000'000; // two seconds later
    m.allocations[RESERVE_NONE] = 100;
    m.invalidations[0] = 40;
    m.reads = 12;
    m.read_hits = 9;
    // bcache's accounting: hits and misses, bypassed or not (flash-only reads are not in it).
    m.cache_hits = 5;
    m.cache_bypass_hits = 2;
    m.cache_misses = 2;
    m.cache_bypass_misses = 1;
    m.read_sectors = 80;
    m.read_hit_sectors = 20;
    h.add(m);
    h.add(m); // the clock did not move: no new sample
    QCOMPARE(h.size(), size_t(2));
    QCOMPARE(h.time()[1], 3.0);
    QCOMPARE(h.series(MetricHistory::FreeBtree)[1], 25.0);
    QCOMPARE(h.series(MetricHistory::FreePrio)[1], 100.0);
    QCOMPARE(h.series(MetricHistory::FreeMovingGc)[1], 0.0);
    QCOMPARE(h.series(MetricHistory::AllocRate)[1], 50.0);
    QCOMPARE(h.series(MetricHistory::InvalidateRate)[1], 20.0);
    QCOMPARE(h.series(MetricHistory::HitRatio)[1], 70.0);
    QCOMPARE(h.series(MetricHistory::ByteHitRatio)[1], 25.0);
}

void TestModels::metricHistoryWritesCsv() {
    MetricHistory h(16);
    EngineMetrics m;
    for (uint64_t i = 1; i <= 40; ++i) {
        m.clock_ns = i * 1'000'000;
        m.gc_runs = i;
        h.add(m);
    }
    QVERIFY(h.size() <= 16); // thinned, never unbounded
    QCOMPARE(h.time().back(), 0.04);
    QTemporaryDir dir;
    QFile f(dir.filePath(QStringLiteral("m.csv")));
    QVERIFY(f.open(QIODevice::WriteOnly));
    QVERIFY(h.writeCsv(f));
    f.close();
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QStringList lines = QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), int(h.size()) + 1);
    QVERIFY(lines[0].startsWith(QStringLiteral("time_s,free_btree_pct,")));
    QCOMPARE(lines[0].count(QLatin1Char(',')), int(MetricHistory::SeriesCount));
    QVERIFY(lines.last().startsWith(QStringLiteral("0.040000,")));
}

QTEST_MAIN(TestModels)
#include "tst_models.moc"
