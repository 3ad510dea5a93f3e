// Frames: a frame is cut into bands of whole 16-pixel rows (for_each_band), rendered in
// parallel when the frame is large and the machine has cores to spare; every band writes
// only its own scanlines, with the loops of heatmap_renderer.h.
#include "widgets/heatmap_render.h"

#include "widgets/heatmap_renderer.h"

#include <atomic>
#include <exception>
#include <thread>

namespace bucketscope {
namespace {

using heatmap_detail::kTileSide;
using heatmap_detail::Renderer;

constexpr unsigned kMaxRenderThreads = 4;
constexpr int64_t kParallelPixels = 1 << 18; // below this a thread costs more than it saves

// How many threads a large frame gets by default. The engine's worker keeps one core busy
// while it runs and the UI wants another, so helpers pay only with cores to spare: on a
// two-core machine a helper that the scheduler preempts mid-band holds the whole frame up
// for a time slice, and two threads measured slower than one (docs/performance.md).
unsigned default_render_threads() {
    const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
    return hw > 2 ? std::min(hw - 2, kMaxRenderThreads) : 1;
}

// Runs band(y0, y1) over bands of whole tile rows covering [0, h). A large frame is cut
// into kBandsPerThread bands per thread, which the caller's thread and its helpers take
// from a shared counter: a helper the scheduler starts late finds the work done instead
// of holding the frame up.
template <typename F> void for_each_band(int h, int64_t pixels, unsigned threads, F&& band) {
    constexpr int kBandsPerThread = 8;
    const unsigned n =
        pixels >= kParallelPixels ? (threads ? threads : default_render_threads()) : 1;
    const int bands = int(n) * kBandsPerThread;
    const int step =
        std::max(kTileSide, (h + bands - 1) / bands + kTileSide - 1) / kTileSide * kTileSide;
    std::atomic<int> next{0};
    auto work = [&] {
        for (int y; (y = next.fetch_add(step)) < h;)
            band(y, std::min(h, y + step));
    };
    std::vector<std::thread> helpers;
    try {
        for (unsigned i = 1; i < n; ++i)
            helpers.emplace_back(work);
    } catch (const std::exception&) {
        // No thread to spare: this one draws the rest.
    }
    work();
    for (auto& t : helpers)
        t.join();
}

template <typename T>
void render_field(QImage& img, const std::vector<T>& values, const HeatmapPalette& palette,
                  const HeatmapGrid& grid, const HeatmapView& view, unsigned threads) {
    const uint64_t n = std::min<uint64_t>(grid.nbuckets, values.size());
    uchar* bits = img.bits(); // detaches once, before any band writes
    const qsizetype stride = img.bytesPerLine();
    const int64_t pixels = int64_t(img.width()) * img.height();
    for_each_band(img.height(), pixels, threads, [&](int y0, int y1) {
        if (palette.aggregate == Aggregate::Mean)
            Renderer<T, Aggregate::Mean>(values.data(), n, palette.table.data(), grid, view, bits,
                                         stride, img.width())
                .fill(y0, y1);
        else
            Renderer<T, Aggregate::Max>(values.data(), n, palette.table.data(), grid, view, bits,
                                        stride, img.width())
                .fill(y0, y1);
    });
}

} // namespace

QImage render_heatmap(const BucketSnapshot& snap, const HeatmapPalette& palette,
                      const HeatmapGrid& grid, const HeatmapView& view, QSize size,
                      unsigned threads) {
    QImage img(size, QImage::Format_RGB32);
    if (img.isNull())
        return img;
    // Hilbert blocks must not straddle squares, so the view never zooms out past one.
    HeatmapView v = view;
    v.zoom = std::min(v.zoom, HeatmapView::max_zoom(grid));
    switch (palette.field) {
    case HeatmapField::Prio:
        render_field(img, snap.prio, palette, grid, v, threads);
        break;
    case HeatmapField::Gen:
        render_field(img, snap.gen, palette, grid, v, threads);
        break;
    case HeatmapField::GcMark:
        render_field(img, snap.mark, palette, grid, v, threads);
        break;
    case HeatmapField::Pin:
        render_field(img, snap.pin, palette, grid, v, threads);
        break;
    case HeatmapField::SectorsUsed:
        render_field(img, snap.sectors_used, palette, grid, v, threads);
        break;
    case HeatmapField::Membership:
        render_field(img, snap.membership, palette, grid, v, threads);
        break;
    case HeatmapField::GcGen:
    case HeatmapField::Count:
        render_field(img, snap.gc_gen, palette, grid, v, threads);
        break;
    }
    return img;
}

QImage render_heatmap(const BucketSnapshot& snap, HeatmapField field, const HeatmapGrid& grid,
                      const HeatmapView& view, QSize size) {
    return render_heatmap(snap, make_palette(field, snap.bucket_size), grid, view, size);
}

uint32_t field_value(const BucketSnapshot& snap, HeatmapField field, uint64_t bucket) {
    auto at = [bucket](const auto& v) -> uint32_t { return bucket < v.size() ? v[bucket] : 0; };
    switch (field) {
    case HeatmapField::Prio:
        return at(snap.prio);
    case HeatmapField::Gen:
        return at(snap.gen);
    case HeatmapField::GcMark:
        return at(snap.mark);
    case HeatmapField::Pin:
        return at(snap.pin);
    case HeatmapField::SectorsUsed:
        return at(snap.sectors_used);
    case HeatmapField::Membership:
        return at(snap.membership);
    case HeatmapField::GcGen:
    case HeatmapField::Count:
        return at(snap.gc_gen);
    }
    return 0;
}

} // namespace bucketscope
