#pragma once
// Painting a BucketSnapshot into pixels: where each bucket sits (the grid), which part of
// the grid the view shows (zoom and pan), and the pure function that fills the image.
//
// Zoom is a power of two. Zoomed out by 2^z, each pixel covers an aligned 2^z x 2^z block
// of cells and shows the block's aggregate (mean or max, see HeatmapPalette), so the cost
// is one linear read of the visible buckets, never a per-bucket draw call; in the Hilbert
// layout such a block is a single contiguous run of buckets. Zoomed in, each cell covers
// 2^-z pixels square. The view origin is in pixels of that zoom level, so panning is
// smooth at every level.
//
// render_heatmap() touches nothing but its arguments: run it on a worker thread and hand
// the QImage back to the UI thread.

#include <QImage>
#include <QPoint>
#include <QSize>
#include <cstdint>
#include <optional>

#include "core/engine/snapshot.h"
#include "widgets/heatmap_palette.h"

namespace bucketscope {

enum class HeatmapLayout : uint8_t { RowMajor, Hilbert };

// Where each bucket sits: a width x height grid of cells. Row-major fills rows of `width`
// cells; Hilbert fills squares of 2^order cells on a side, laid out left to right in
// rows of `squares_x`, each holding 4^order consecutive buckets.
struct HeatmapGrid {
    HeatmapLayout layout = HeatmapLayout::RowMajor;
    uint64_t nbuckets = 0;
    uint32_t width = 0, height = 0;
    unsigned order = 0;
    uint32_t squares_x = 1;

    // A grid for `nbuckets` whose shape suits a view of `aspect` (width / height).
    static HeatmapGrid make(HeatmapLayout layout, uint64_t nbuckets, double aspect = 1.0);

    std::optional<uint64_t> bucket_at(uint32_t x, uint32_t y) const;
    // The cell of `bucket`; false if bucket >= nbuckets.
    bool cell_of(uint64_t bucket, uint32_t& x, uint32_t& y) const;
};

inline constexpr int HEATMAP_MIN_ZOOM = -6; // 64 pixels per cell

struct HeatmapView {
    int zoom = 0;          // log2 cells per pixel; negative zooms in
    int64_t origin_x = 0;  // the top-left pixel, in pixels of this zoom level
    int64_t origin_y = 0;

    // The largest zoom-out that still leaves the whole grid at least one pixel wide.
    static int max_zoom(const HeatmapGrid& grid);
    // The zoom at which the whole grid fits `size`, centred.
    static HeatmapView fit(const HeatmapGrid& grid, QSize size);
    // The cell under widget pixel `p` (may lie outside the grid).
    void cell_at(QPoint p, int64_t& cx, int64_t& cy) const;
    // The rectangle of widget pixels that cell (cx, cy) covers (one pixel when zoomed out).
    QRect cell_rect(int64_t cx, int64_t cy) const;
    // Changes zoom by `steps` keeping the cell under `anchor` in place.
    void zoom_around(QPoint anchor, int steps, const HeatmapGrid& grid);
};

// Fills a Format_RGB32 image of `size` pixels. Large frames are cut into bands rendered
// on `threads` threads (0: one, or with more than two cores all but two, at most 4).
QImage render_heatmap(const BucketSnapshot& snap, const HeatmapPalette& palette,
                      const HeatmapGrid& grid, const HeatmapView& view, QSize size,
                      unsigned threads = 0);
// Convenience: builds the palette for `field` first.
QImage render_heatmap(const BucketSnapshot& snap, HeatmapField field, const HeatmapGrid& grid,
                      const HeatmapView& view, QSize size);

// The value of `field` for one bucket, as the palette indexes it.
uint32_t field_value(const BucketSnapshot& snap, HeatmapField field, uint64_t bucket);

} // namespace bucketscope
