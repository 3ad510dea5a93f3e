// The heatmap puts each bucket in the cell its layout promises, in the colour its palette
// promises, aggregates blocks of buckets the way the palette says, and the widget maps
// clicks back to the same buckets.
#include "tests/widgets/snapshot_text.h"
#include "widgets/heatmap_panel.h"
#include "widgets/heatmap_render.h"
#include "widgets/hilbert.h"

#include <QSignalSpy>
#include <QtTest>
#include <set>

using namespace bucketscope;
using bucketscope::test::empty_snapshot;
using bucketscope::test::snapshot_from_text;

class TestHeatmap : public QObject {
    Q_OBJECT
  private slots:
    void hilbertIsABijectionOfAdjacentCells();
    void hilbertAlignedBlocksAreContiguousRuns();
    void eachBucketLandsInItsCellWithItsColour_data();
    void eachBucketLandsInItsCellWithItsColour();
    void cellsPastTheLastBucketStayBackground();
    void zoomedOutPixelsAggregateTheirBlock_data();
    void zoomedOutPixelsAggregateTheirBlock();
    void pannedViewsShowTheRightBuckets();
    void hilbertTilesMatchTheCurve();
    void tiledHilbertFramesMatchTheBlocks_data();
    void tiledHilbertFramesMatchTheBlocks();
    void millionsOfBucketsFitOneFrame();
    void paletteMarksKernelConstants();
    void zoomAroundKeepsTheAnchoredCell();
    void widgetClickSelectsTheBucketUnderTheCursor();
    void widgetRendersLargeCachesOffTheUiThread();
};

void TestHeatmap::hilbertIsABijectionOfAdjacentCells() {
    for (unsigned order = 0; order <= 7; ++order) {
        const uint32_t side = 1u << order;
        std::vector<bool> seen(size_t(side) * side);
        for (uint32_t x = 0; x < side; ++x)
            for (uint32_t y = 0; y < side; ++y) {
                const uint64_t d = hilbert_xy2d(order, x, y);
                QVERIFY(d < seen.size());
                QVERIFY2(!seen[d],
                         qPrintable(QStringLiteral("order %1 d %2 twice").arg(order).arg(d)));
                seen[d] = true;
                uint32_t bx, by;
                hilbert_d2xy(order, d, bx, by);
                QCOMPARE(bx, x);
                QCOMPARE(by, y);
            }
        // Consecutive positions are edge neighbours: the curve never jumps.
        for (uint64_t d = 1; d < seen.size(); ++d) {
            uint32_t ax, ay, bx, by;
            hilbert_d2xy(order, d - 1, ax, ay);
            hilbert_d2xy(order, d, bx, by);
            QCOMPARE(std::abs(int(ax) - int(bx)) + std::abs(int(ay) - int(by)), 1);
        }
    }
}

void TestHeatmap::hilbertAlignedBlocksAreContiguousRuns() {
    const unsigned order = 6, z = 2;
    for (uint32_t bx = 0; bx < (1u << (order - z)); ++bx)
        for (uint32_t by = 0; by < (1u << (order - z)); ++by) {
            const uint64_t first = hilbert_xy2d(order - z, bx, by) << (2 * z);
            std::set<uint64_t> ds;
            for (uint32_t x = 0; x < (1u << z); ++x)
                for (uint32_t y = 0; y < (1u << z); ++y)
                    ds.insert(hilbert_xy2d(order, (bx << z) + x, (by << z) + y));
            QCOMPARE(*ds.begin(), first);
            QCOMPARE(*ds.rbegin(), first + 15);
            QCOMPARE(ds.size(), size_t(16));
        }
}

void TestHeatmap::eachBucketLandsInItsCellWithItsColour_data() {
    QTest::addColumn<int>("layout");
    QTest::addColumn<int>("nbuckets");
    QTest::newRow("row-major 13") << int(HeatmapLayout::RowMajor) << 13;
    QTest::newRow("row-major 100") << int(HeatmapLayout::RowMajor) << 100;
    QTest::newRow("hilbert 64 (one square)") << int(HeatmapLayout::Hilbert) << 64;
    QTest::newRow("hilbert 150 (three squares)") << int(HeatmapLayout::Hilbert) << 150;
}

void TestHeatmap::eachBucketLandsInItsCellWithItsColour() {
    QFETCH(int, layout);
    QFETCH(int, nbuckets);
    auto snap = empty_snapshot(uint64_t(nbuckets));
    for (int b = 0; b < nbuckets; ++b)
        snap->membership[b] = uint8_t(b % int(Membership::Count));
    const auto grid = HeatmapGrid::make(HeatmapLayout(layout), snap->nbuckets);
    HeatmapView view;
    view.zoom = -2; // 4 x 4 pixels per cell
    const QSize size(int(grid.width) * 4, int(grid.height) * 4);
    const auto palette = make_palette(HeatmapField::Membership, snap->bucket_size);
    const QImage img = render_heatmap(*snap, palette, grid, view, size);
    QCOMPARE(img.format(), QImage::Format_RGB32);
    std::set<std::pair<uint32_t, uint32_t>> cells;
    for (int b = 0; b < nbuckets; ++b) {
        uint32_t x, y;
        QVERIFY(grid.cell_of(uint64_t(b), x, y));
        QVERIFY(cells.insert({x, y}).second);
        QCOMPARE(grid.bucket_at(x, y), std::optional<uint64_t>(b));
        const QRect r = view.cell_rect(x, y);
        QCOMPARE(r, QRect(int(x) * 4, int(y) * 4, 4, 4));
        for (QPoint p : {r.topLeft(), r.bottomRight()})
            QCOMPARE(img.pixel(p), palette.table[snap->membership[b]]);
    }
}

void TestHeatmap::cellsPastTheLastBucketStayBackground() {
    auto snap = snapshot_from_text("1 2 3 4 5");
    const auto grid = HeatmapGrid::make(HeatmapLayout::RowMajor, 5, 1.0); // 3 x 2
    QCOMPARE(grid.width, 3u);
    QCOMPARE(grid.height, 2u);
    const QImage img = render_heatmap(*snap, HeatmapField::Prio, grid, HeatmapView{}, QSize(4, 3));
    QCOMPARE(img.pixel(2, 1), HEATMAP_BACKGROUND); // cell 5: no bucket
    QCOMPARE(img.pixel(3, 0), HEATMAP_BACKGROUND); // right of the grid
    QCOMPARE(img.pixel(0, 2), HEATMAP_BACKGROUND); // below it
    QVERIFY(img.pixel(1, 1) != HEATMAP_BACKGROUND);
}

void TestHeatmap::zoomedOutPixelsAggregateTheirBlock_data() {
    QTest::addColumn<int>("layout");
    QTest::addColumn<int>("field");
    QTest::newRow("row-major mean prio") << int(HeatmapLayout::RowMajor) << int(HeatmapField::Prio);
    QTest::newRow("hilbert mean prio") << int(HeatmapLayout::Hilbert) << int(HeatmapField::Prio);
    QTest::newRow("row-major max pin") << int(HeatmapLayout::RowMajor) << int(HeatmapField::Pin);
    QTest::newRow("hilbert max mark") << int(HeatmapLayout::Hilbert) << int(HeatmapField::GcMark);
}

void TestHeatmap::zoomedOutPixelsAggregateTheirBlock() {
    QFETCH(int, layout);
    QFETCH(int, field);
    constexpr uint64_t n = 4096; // Hilbert order 6; row-major 64 x 64
    auto snap = empty_snapshot(n);
    for (uint64_t b = 0; b < n; ++b) {
        snap->prio[b] = uint16_t((b * 7919) % 32768);
        snap->pin[b] = uint16_t(b % 97 == 0 ? b % 5 + 1 : 0);
        snap->mark[b] = uint8_t((b * 31) % 11 == 0 ? b % 4 : 0);
    }
    const auto grid = HeatmapGrid::make(HeatmapLayout(layout), n);
    QCOMPARE(grid.width, 64u);
    HeatmapView view;
    view.zoom = 2; // 4 x 4 cells per pixel
    const auto palette = make_palette(HeatmapField(field), snap->bucket_size);
    const QImage img = render_heatmap(*snap, palette, grid, view, QSize(16, 16));
    for (int py = 0; py < 16; ++py)
        for (int px = 0; px < 16; ++px) {
            uint64_t sum = 0, max = 0;
            for (uint32_t dy = 0; dy < 4; ++dy)
                for (uint32_t dx = 0; dx < 4; ++dx) {
                    const auto b = grid.bucket_at(uint32_t(px) * 4 + dx, uint32_t(py) * 4 + dy);
                    QVERIFY(b);
                    const uint32_t v = field_value(*snap, HeatmapField(field), *b);
                    sum += v;
                    max = std::max<uint64_t>(max, v);
                }
            const uint64_t expect = palette.aggregate == Aggregate::Mean ? sum / 16 : max;
            QCOMPARE(img.pixel(px, py), palette.table[expect]);
        }
}

void TestHeatmap::pannedViewsShowTheRightBuckets() {
    constexpr uint64_t n = 3 * 1024 + 77; // Hilbert: four 32 x 32 squares, the last partial
    auto snap = empty_snapshot(n);
    for (uint64_t b = 0; b < n; ++b)
        snap->gen[b] = uint8_t(b * 37);
    for (auto layout : {HeatmapLayout::Hilbert, HeatmapLayout::RowMajor}) {
        const auto grid = HeatmapGrid::make(layout, n);
        const auto palette = make_palette(HeatmapField::Gen, snap->bucket_size);
        HeatmapView view;
        view.origin_x = 21;
        view.origin_y = -7;
        const QImage img = render_heatmap(*snap, palette, grid, view, QSize(40, 50));
        for (int py = 0; py < img.height(); ++py)
            for (int px = 0; px < img.width(); ++px) {
                int64_t cx, cy;
                view.cell_at(QPoint(px, py), cx, cy);
                const bool inside = cx >= 0 && cy >= 0 && cx < grid.width && cy < grid.height;
                const auto b = inside ? grid.bucket_at(uint32_t(cx), uint32_t(cy)) : std::nullopt;
                QCOMPARE(img.pixel(px, py), b ? palette.table[snap->gen[*b]] : HEATMAP_BACKGROUND);
            }
    }
}

void TestHeatmap::hilbertTilesMatchTheCurve() {
    for (unsigned order = HILBERT_TILE_ORDER; order <= 9; ++order) {
        const uint32_t side = 1u << order;
        for (uint32_t y = 0; y < side; ++y)
            for (uint32_t x = 0; x < side; ++x) {
                const HilbertTile t = hilbert_tile(order, x >> 4, y >> 4);
                QCOMPARE(t.first % 256, uint64_t(0));
                const uint64_t d =
                    t.first + hilbert_tile_offsets(t.orientation)[(y & 15) * 16 + (x & 15)];
                QCOMPARE(d, hilbert_xy2d(order, x, y));
                QCOMPARE(hilbert_tile_cells(t.orientation)[d - t.first],
                         uint8_t((y & 15) * 16 + (x & 15)));
            }
    }
}

void TestHeatmap::tiledHilbertFramesMatchTheBlocks_data() {
    QTest::addColumn<int>("nbuckets");
    QTest::addColumn<int>("zoom");
    QTest::addColumn<int>("field");
    QTest::addColumn<QPoint>("origin");
    QTest::addColumn<QSize>("size");
    QTest::addColumn<int>("threads");
    const int n6 = 3 * 4096 + 1000; // 64 x 64 squares, the last partial
    const int n8 = 2 * 65536 + 333; // 256 x 256 squares, the third almost empty
    QTest::newRow("order 6, 1:1, panned")
        << n6 << 0 << int(HeatmapField::Gen) << QPoint(-13, 7) << QSize(150, 90) << 1;
    QTest::newRow("order 6, 2x2 mean")
        << n6 << 1 << int(HeatmapField::Prio) << QPoint(5, -3) << QSize(70, 40) << 1;
    QTest::newRow("order 6, 4x4 max")
        << n6 << 2 << int(HeatmapField::GcMark) << QPoint(-2, -2) << QSize(40, 20) << 1;
    QTest::newRow("order 8, 1:1, parallel")
        << n8 << 0 << int(HeatmapField::Prio) << QPoint(-40, 9) << QSize(600, 450) << 3;
    QTest::newRow("order 8, 2x2, parallel")
        << n8 << 1 << int(HeatmapField::Pin) << QPoint(3, -100) << QSize(700, 400) << 3;
    QTest::newRow("order 8, 8x8 mean")
        << n8 << 3 << int(HeatmapField::SectorsUsed) << QPoint(0, 0) << QSize(100, 70) << 1;
}

// Reference: pixel (bx, by) of a square zoomed out by 2^z shows the run of 4^z buckets
// starting at xy2d(order - z, bx, by) << 2z (the property hilbertAlignedBlocksAreContiguousRuns
// checks), clipped to nbuckets.
void TestHeatmap::tiledHilbertFramesMatchTheBlocks() {
    QFETCH(int, nbuckets);
    QFETCH(int, zoom);
    QFETCH(int, field);
    QFETCH(QPoint, origin);
    QFETCH(QSize, size);
    QFETCH(int, threads);
    const uint64_t n = uint64_t(nbuckets);
    auto snap = empty_snapshot(n);
    for (uint64_t b = 0; b < n; ++b) {
        snap->gen[b] = uint8_t(b * 37 + b / 500);
        snap->prio[b] = uint16_t(b % 101 == 0 ? BTREE_PRIO : (b * 7919) % 40000);
        snap->pin[b] = uint16_t(b % 89 == 0 ? b % 7 : 0);
        snap->mark[b] = uint8_t((b * 13) % 17 == 0 ? b % 4 : 1);
        snap->sectors_used[b] = uint16_t(b % 1025);
    }
    const auto grid = HeatmapGrid::make(HeatmapLayout::Hilbert, n);
    const auto palette = make_palette(HeatmapField(field), snap->bucket_size);
    HeatmapView view;
    view.zoom = zoom;
    view.origin_x = origin.x();
    view.origin_y = origin.y();
    const QImage img = render_heatmap(*snap, palette, grid, view, size, unsigned(threads));
    const unsigned k = grid.order - unsigned(zoom);
    const int64_t side = int64_t{1} << k;
    const int64_t squares_y = grid.height >> grid.order;
    for (int py = 0; py < size.height(); ++py)
        for (int px = 0; px < size.width(); ++px) {
            const int64_t cx = origin.x() + px, cy = origin.y() + py;
            QRgb expect = HEATMAP_BACKGROUND;
            if (cx >= 0 && cy >= 0 && cx < int64_t(grid.squares_x) * side &&
                cy < squares_y * side) {
                const uint64_t square = uint64_t(cy / side) * grid.squares_x + uint64_t(cx / side);
                const uint64_t first =
                    (square << (2 * grid.order)) +
                    (hilbert_xy2d(k, uint32_t(cx % side), uint32_t(cy % side)) << (2 * zoom));
                if (first < n) {
                    const uint64_t len = std::min<uint64_t>(uint64_t{1} << (2 * zoom), n - first);
                    uint64_t sum = 0, max = 0;
                    for (uint64_t b = first; b < first + len; ++b) {
                        const uint32_t v = field_value(*snap, HeatmapField(field), b);
                        sum += v;
                        max = std::max<uint64_t>(max, v);
                    }
                    expect = palette.table[palette.aggregate == Aggregate::Mean ? sum / len : max];
                }
            }
            if (img.pixel(px, py) != expect)
                QFAIL(qPrintable(QStringLiteral("pixel (%1, %2): %3, expected %4")
                                     .arg(px)
                                     .arg(py)
                                     .arg(img.pixel(px, py), 0, 16)
                                     .arg(expect, 0, 16)));
        }
}

void TestHeatmap::millionsOfBucketsFitOneFrame() {
    constexpr uint64_t n = (1u << 22) + 12345; // past 4^11: two Hilbert squares
    auto snap = empty_snapshot(n);
    for (uint64_t b = 0; b < n; ++b)
        snap->mark[b] = uint8_t(b % 4);
    for (auto layout : {HeatmapLayout::Hilbert, HeatmapLayout::RowMajor}) {
        const auto grid = HeatmapGrid::make(layout, n, 1.5);
        const QSize size(900, 600);
        const auto view = HeatmapView::fit(grid, size);
        QVERIFY(view.zoom >= 1);
        const QImage img = render_heatmap(*snap, HeatmapField::GcMark, grid, view, size);
        // Every block holds a metadata bucket, so the maximum shows metadata everywhere
        // the grid has buckets.
        const QRgb metadata = make_palette(HeatmapField::GcMark, 1024).table[3];
        for (uint64_t b : {uint64_t(0), uint64_t(1) << 21, n - 1}) {
            uint32_t x, y;
            QVERIFY(grid.cell_of(b, x, y));
            QCOMPARE(img.pixel(view.cell_rect(x, y).topLeft()), metadata);
        }
    }
}

void TestHeatmap::paletteMarksKernelConstants() {
    const auto prio = make_palette(HeatmapField::Prio, 1024);
    QCOMPARE(prio.table.size(), size_t(65536));
    QVERIFY(prio.table[BTREE_PRIO] != prio.table[INITIAL_PRIO]);
    QVERIFY(prio.table[0] != prio.table[1]);
    const auto gc = make_palette(HeatmapField::GcGen, 1024);
    QCOMPARE(gc.table.size(), size_t(256));
    QVERIFY(gc.table[BUCKET_GC_GEN_MAX] != gc.table[BUCKET_GC_GEN_MAX - 1]);
    QCOMPARE(gc.aggregate, Aggregate::Max);
    const auto lists = make_palette(HeatmapField::Membership, 1024);
    QCOMPARE(lists.entries.size(), size_t(Membership::Count));
    std::set<QRgb> distinct;
    for (const auto& e : lists.entries)
        distinct.insert(e.colour);
    QCOMPARE(distinct.size(), size_t(Membership::Count));
}

void TestHeatmap::zoomAroundKeepsTheAnchoredCell() {
    const auto grid = HeatmapGrid::make(HeatmapLayout::RowMajor, 1u << 16);
    HeatmapView view = HeatmapView::fit(grid, QSize(256, 256));
    const QPoint anchor(100, 60);
    int64_t cx, cy;
    view.cell_at(anchor, cx, cy);
    for (int step : {-1, -1, -1, 1}) {
        view.zoom_around(anchor, step, grid);
        int64_t nx, ny;
        view.cell_at(anchor, nx, ny);
        QVERIFY(std::abs(nx - cx) <= 1 && std::abs(ny - cy) <= 1);
    }
}

void TestHeatmap::widgetClickSelectsTheBucketUnderTheCursor() {
    HeatmapWidget w;
    w.resize(200, 200);
    w.setLayoutKind(HeatmapLayout::RowMajor);
    w.setField(HeatmapField::Prio);
    w.setSnapshot(snapshot_from_text("1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16"));
    w.show();
    QSignalSpy spy(&w, &HeatmapWidget::bucketSelected);
    uint32_t x, y;
    QVERIFY(w.grid().cell_of(9, x, y));
    const QPoint centre = w.view().cell_rect(x, y).center();
    QTest::mouseClick(&w, Qt::LeftButton, {}, centre);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).toULongLong(), 9ull);
    QCOMPARE(w.selectedBucket(), std::optional<uint64_t>(9));
    QCOMPARE(w.frame().pixel(centre),
             w.heatmapPalette()->table[10]); // bucket 9 has prio 10
}

void TestHeatmap::widgetRendersLargeCachesOffTheUiThread() {
    HeatmapPanel panel(HeatmapField::GcMark);
    panel.resize(400, 300);
    auto snap = empty_snapshot(HeatmapWidget::kSyncRenderLimit * 2);
    std::fill(snap->mark.begin(), snap->mark.end(), uint8_t(GcMark::Dirty));
    QSignalSpy spy(panel.heatmap(), &HeatmapWidget::frameRendered);
    panel.heatmap()->setSnapshot(snap);
    panel.heatmap()->waitForFrame();
    QVERIFY(spy.count() >= 1);
    const QImage& frame = panel.heatmap()->frame();
    QCOMPARE(frame.size(), panel.heatmap()->size());
    QCOMPARE(frame.pixel(frame.rect().center()),
             panel.heatmap()->heatmapPalette()->table[uint8_t(GcMark::Dirty)]);
}

QTEST_MAIN(TestHeatmap)
#include "tst_heatmap.moc"
