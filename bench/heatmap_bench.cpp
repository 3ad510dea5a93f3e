// One full heatmap frame, from snapshot to painted pixels (issue 7): render_heatmap()
// fills the frame image, then the frame is drawn into an image of the window's format
// the way HeatmapWidget::paintEvent draws it into its backing store. 4M buckets (2^22)
// with seeded random state, in the views a user sees: the whole cache fitted into a
// 1024 x 1024 window (2 x 2 buckets per pixel) in both layouts and for an 8-bit and a
// 16-bit field, and one bucket per pixel: the whole cache at 2048 x 2048 and a
// 1400 x 900 window onto it, in the Hilbert layout (the expensive one) and row-major.
// Next to them, the QCustomPlot way: a 2048 x 2048 QCPColorMap filled cell by cell and
// replotted into a 1024 x 1024 pixmap.
//
//   bucketscope-bench-heatmap [--benchmark_filter=...] [any --benchmark_* flag]
//
// Runs on the offscreen platform unless QT_QPA_PLATFORM says otherwise; target: at most
// 8 ms per frame (docs/performance.md, "Heatmap frame").
#include "widgets/heatmap_render.h"

#include <QApplication>
#include <QPainter>
#include <benchmark/benchmark.h>
#include <qcustomplot.h>
#include <random>

namespace bucketscope {
namespace {

constexpr uint64_t kBuckets = 1u << 22;

// Roughly what a busy cache looks like: most buckets reclaimable with prios spread below
// INITIAL_PRIO, some dirty and metadata, a few on the free lists.
const BucketSnapshot& snapshot() {
    static const BucketSnapshot s = [] {
        BucketSnapshot b;
        b.nbuckets = kBuckets;
        b.first_bucket = 1;
        b.bucket_size = 1024;
        b.gen.resize(kBuckets);
        b.prio.resize(kBuckets);
        b.mark.resize(kBuckets);
        b.sectors_used.resize(kBuckets);
        b.pin.resize(kBuckets);
        b.membership.resize(kBuckets);
        b.gc_gen.resize(kBuckets);
        std::mt19937_64 rng(7);
        for (uint64_t i = 0; i < kBuckets; ++i) {
            const uint64_t r = rng();
            b.gen[i] = uint8_t(r);
            b.prio[i] = uint16_t((r >> 8) % 32768);
            b.mark[i] = uint8_t((r >> 24) % 100 < 70   ? 1
                                : (r >> 24) % 100 < 90 ? 2
                                                       : (r >> 24) % 4);
            b.sectors_used[i] = uint16_t((r >> 32) % 1025);
            b.pin[i] = uint16_t((r >> 44) % 100 == 0);
            b.membership[i] = uint8_t((r >> 52) % 100 < 95 ? 0 : (r >> 52) % 9);
            b.gc_gen[i] = uint8_t((r >> 56) % 97);
        }
        return b;
    }();
    return s;
}

struct Case {
    HeatmapLayout layout;
    HeatmapField field;
    QSize size;
    bool one_per_pixel; // zoom 0 from the top-left, else fitted
    unsigned threads;   // render threads, 0 = render_heatmap's default
};

void frame(benchmark::State& state, Case c) {
    const BucketSnapshot& snap = snapshot();
    const HeatmapPalette palette = make_palette(c.field, snap.bucket_size);
    const HeatmapGrid grid = HeatmapGrid::make(c.layout, snap.nbuckets, 1.0);
    HeatmapView view = HeatmapView::fit(grid, c.size);
    if (c.one_per_pixel)
        view = HeatmapView{};
    QImage backing(c.size, QImage::Format_ARGB32_Premultiplied);
    for (auto _ : state) {
        const QImage img = render_heatmap(snap, palette, grid, view, c.size, c.threads);
        QPainter p(&backing);
        p.drawImage(0, 0, img);
        p.end();
        benchmark::DoNotOptimize(backing.constBits());
    }
    state.counters["zoom"] = view.zoom;
    state.counters["Mpixel/s"] = benchmark::Counter(double(c.size.width()) * c.size.height() / 1e6,
                                                    benchmark::Counter::kIsIterationInvariantRate);
}

// The painting part alone: a finished 2048 x 2048 frame drawn into the backing image.
void paint_only(benchmark::State& state) {
    const QSize size(2048, 2048);
    QImage img(size, QImage::Format_RGB32);
    img.fill(HEATMAP_BACKGROUND);
    QImage backing(size, QImage::Format_ARGB32_Premultiplied);
    for (auto _ : state) {
        QPainter p(&backing);
        p.drawImage(0, 0, img);
        p.end();
        benchmark::DoNotOptimize(backing.constBits());
    }
}

// The whole cache in a 2048 x 2048 colour map, every cell set with setCell, then drawn.
void colormap(benchmark::State& state) {
    const BucketSnapshot& snap = snapshot();
    QCustomPlot plot;
    plot.resize(1024, 1024);
    auto* map = new QCPColorMap(plot.xAxis, plot.yAxis);
    map->data()->setSize(2048, 2048);
    map->data()->setRange(QCPRange(0, 2047), QCPRange(0, 2047));
    map->setGradient(QCPColorGradient::gpThermal);
    map->setDataRange(QCPRange(0, 32768));
    map->setInterpolate(false);
    plot.xAxis->setRange(0, 2047);
    plot.yAxis->setRange(0, 2047);
    for (auto _ : state) {
        for (int y = 0; y < 2048; ++y)
            for (int x = 0; x < 2048; ++x)
                map->data()->setCell(x, y, snap.prio[size_t(y) * 2048 + size_t(x)]);
        const QPixmap pm = plot.toPixmap(1024, 1024);
        benchmark::DoNotOptimize(pm.cacheKey());
    }
}

void register_all() {
    using L = HeatmapLayout;
    using F = HeatmapField;
    const QSize fit(1024, 1024), whole(2048, 2048), window(1400, 900);
    const std::pair<const char*, Case> cases[] = {
        {"fit1024/hilbert/membership", {L::Hilbert, F::Membership, fit, false, 0}},
        {"fit1024/hilbert/prio", {L::Hilbert, F::Prio, fit, false, 0}},
        {"fit1024/rowmajor/membership", {L::RowMajor, F::Membership, fit, false, 0}},
        {"fit1024/rowmajor/prio", {L::RowMajor, F::Prio, fit, false, 0}},
        {"1px2048/hilbert/membership", {L::Hilbert, F::Membership, whole, true, 0}},
        {"1px2048/hilbert/prio", {L::Hilbert, F::Prio, whole, true, 0}},
        {"1px1400x900/hilbert/prio", {L::Hilbert, F::Prio, window, true, 0}},
        {"1px2048/rowmajor/prio", {L::RowMajor, F::Prio, whole, true, 0}},
        // The same on two threads, which the default gives only machines with more than
        // two cores.
        {"2threads/fit1024/hilbert/prio", {L::Hilbert, F::Prio, fit, false, 2}},
        {"2threads/1px2048/hilbert/membership", {L::Hilbert, F::Membership, whole, true, 2}},
        {"2threads/1px2048/hilbert/prio", {L::Hilbert, F::Prio, whole, true, 2}},
    };
    for (const auto& [name, c] : cases)
        benchmark::RegisterBenchmark((std::string("BM_HeatmapFrame/") + name).c_str(), frame, c)
            ->Unit(benchmark::kMillisecond)
            ->UseRealTime();
    benchmark::RegisterBenchmark("BM_PaintOnly/2048", paint_only)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
    benchmark::RegisterBenchmark("BM_QCPColorMapCellByCell/2048", colormap)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
}

} // namespace
} // namespace bucketscope

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    bucketscope::register_all();
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
