// The stall timeline lines up what held the allocator up: a hand-made event stream gives
// exactly the intervals the rules promise, and a real engine's stream gives one GC
// interval per GC run, invalidation batches holding every invalidated bucket and empty
// free-list intervals holding every bucket_alloc failure, all drawn in their lanes. The
// write amplification series is what the caches wrote over what the workload inserted.
#include "widgets/engine_controller.h"
#include "widgets/metric_history.h"
#include "widgets/stall_timeline.h"

#include <QtTest>
#include <numeric>
#include <qcustomplot.h>

using namespace bucketscope;

namespace {

EngineEvent ev(EventKind kind, uint64_t seq, uint64_t clock, uint8_t reserve = 0,
               uint64_t value = 0) {
    EngineEvent e;
    e.kind = kind;
    e.seq = seq;
    e.clock_ns = clock;
    e.reserve = reserve;
    e.value = value;
    return e;
}

using I = StallHistory::Interval;

std::vector<I> lane(const StallHistory& h, StallHistory::Lane l) {
    return {h.intervals(l).begin(), h.intervals(l).end()};
}

EngineOptions small_engine() {
    EngineOptions o = demo_engine_options();
    o.geometry.nbuckets = 1024;
    o.seed = 11;
    return o;
}

} // namespace

class TestStalls : public QObject {
    Q_OBJECT
  private slots:
    void eventsBecomeIntervals();
    void intervalsSpanFrames();
    void realEngineFillsEveryLane();
};

void TestStalls::eventsBecomeIntervals() {
    StallHistory h;
    h.add(std::vector<EngineEvent>{
        ev(EventKind::GcStart, 0, 100),
        ev(EventKind::Invalidate, 1, 200),
        ev(EventKind::Invalidate, 2, 200),
        ev(EventKind::Invalidate, 3, 210),
        ev(EventKind::AllocFail, 4, 300, RESERVE_NONE),
        ev(EventKind::AllocFail, 5, 310, RESERVE_NONE),
        ev(EventKind::Alloc, 6, 400, RESERVE_PRIO),
        ev(EventKind::Invalidate, 7, 420),
        ev(EventKind::Alloc, 8, 500, RESERVE_NONE),
        ev(EventKind::PrioWrite, 9, 600),
        ev(EventKind::GcEnd, 10, 690, 0, 600),
        ev(EventKind::AllocFail, 11, 800, RESERVE_BTREE),
    });
    QCOMPARE(lane(h, StallHistory::Gc), (std::vector<I>{{100, 700, 1}}));
    QCOMPARE(lane(h, StallHistory::Invalidation), (std::vector<I>{{200, 210, 3}, {420, 420, 1}}));
    QCOMPARE(lane(h, StallHistory::PrioWrite), (std::vector<I>{{400, 600, 1}}));
    QCOMPARE(lane(h, StallHistory::FreeNoneEmpty), (std::vector<I>{{300, 500, 2}}));
    QVERIFY(lane(h, StallHistory::FreeBtreeEmpty).empty());
    QVERIFY(h.open(StallHistory::FreeBtreeEmpty).has_value()); // still waiting at the end
    QCOMPARE(h.open(StallHistory::FreeBtreeEmpty)->start_ns, uint64_t(800));
    QCOMPARE(h.latest_ns(), uint64_t(800));

    // A GC whose start was dropped is placed by its duration.
    StallHistory d;
    d.add(std::vector<EngineEvent>{ev(EventKind::GcEnd, 5, 1000, 0, 250)});
    QCOMPARE(lane(d, StallHistory::Gc), (std::vector<I>{{750, 1000, 1}}));
}

void TestStalls::intervalsSpanFrames() {
    StallHistory h(2);
    h.add(std::vector<EngineEvent>{ev(EventKind::Invalidate, 1, 10),
                                   ev(EventKind::Invalidate, 2, 10)});
    QVERIFY(lane(h, StallHistory::Invalidation).empty());
    h.add(
        std::vector<EngineEvent>{ev(EventKind::Invalidate, 3, 11), ev(EventKind::Rescale, 4, 12)});
    QCOMPARE(lane(h, StallHistory::Invalidation), (std::vector<I>{{10, 11, 3}}));
    for (uint64_t i = 0; i < 3; ++i)
        h.add(std::vector<EngineEvent>{ev(EventKind::GcStart, 10 + 2 * i, 100 * i),
                                       ev(EventKind::GcEnd, 11 + 2 * i, 100 * i + 50, 0, 50)});
    QCOMPARE(lane(h, StallHistory::Gc),
             (std::vector<I>{{100, 150, 1}, {200, 250, 1}})); // capacity 2
    QCOMPARE(h.total(StallHistory::Gc), uint64_t(3));
}

void TestStalls::realEngineFillsEveryLane() {
    EngineController c;
    StallTimeline timeline;
    MetricHistory metrics;
    timeline.resize(900, 300);
    timeline.show();
    connect(&c, &EngineController::frameReady, &timeline, &StallTimeline::showFrame);
    connect(&c, &EngineController::frameReady, this,
            [&](const FramePtr& f) { metrics.add(f->metrics); });
    QString why;
    QVERIFY2(c.openSync(small_engine(), &why), qPrintable(why));
    for (int i = 0; i < 12; ++i) {
        c.step(5000); // small chunks: the event ring holds every event between frames
        if (i % 4 == 0)
            c.triggerGc();
    }
    c.sync();
    const FramePtr f = c.lastFrame();
    QCOMPARE(f->events_dropped, uint64_t(0));
    const StallHistory& h = timeline.history();
    const EngineMetrics& m = f->metrics;
    auto finished = [&](StallHistory::Lane l) { return h.total(l) + (h.open(l) ? 1 : 0); };
    auto counted = [&](StallHistory::Lane l) {
        uint64_t n = h.open(l) ? h.open(l)->count : 0;
        for (const auto& i : h.intervals(l))
            n += i.count;
        return n;
    };
    QVERIFY(m.gc_runs >= 3);
    QCOMPARE(finished(StallHistory::Gc), m.gc_runs);
    uint64_t gc_ns = 0;
    for (const auto& i : h.intervals(StallHistory::Gc))
        gc_ns += i.end_ns - i.start_ns;
    QCOMPARE(gc_ns + (h.open(StallHistory::Gc) ? m.gc_ns - gc_ns : 0), m.gc_ns);
    QCOMPARE(counted(StallHistory::Invalidation),
             std::accumulate(m.invalidations.begin(), m.invalidations.end(), uint64_t{0}));
    QVERIFY(finished(StallHistory::PrioWrite) >= m.prio_writes);
    QVERIFY(m.alloc_failures[RESERVE_NONE] > 0);
    QCOMPARE(counted(StallHistory::FreeNoneEmpty), m.alloc_failures[RESERVE_NONE]);
    QVERIFY(timeline.summary().contains(QStringLiteral("%1 waits").arg(m.alloc_waits)));

    // The lanes are painted: the GC lane's row holds the GC colour somewhere.
    timeline.plot()->xAxis->setRange(0, double(h.latest_ns()) / 1e9);
    timeline.plot()->replot();
    const QImage img = timeline.plot()->toPixmap().toImage();
    const int gc_row =
        int(timeline.plot()->yAxis->coordToPixel(double(StallHistory::LaneCount - 1)));
    bool found = false;
    for (int x = 0; x < img.width() && !found; ++x)
        found = img.pixel(x, gc_row) == qRgb(0x6a, 0x3d, 0x9a);
    QVERIFY(found);

    // Write amplification: everything the caches wrote over the data inserted.
    QVERIFY(m.sectors_written > 0);
    const double wa = metrics.series(MetricHistory::WriteAmplification).back();
    QCOMPARE(wa, double(m.cache_data_sectors + m.cache_btree_sectors + m.cache_meta_sectors) /
                     double(m.inserted_sectors()));
    QVERIFY(wa > 1.0);
    QCOMPARE(m.cache_data_sectors, m.sectors_written);
}

QTEST_MAIN(TestStalls)
#include "tst_stalls.moc"
