// The renderer is a template over the field's element type and the aggregate, so the
// inner loops are plain array scans the compiler can unroll; the field is chosen once per
// frame, not once per bucket.
//
// A frame is cut into bands of whole 16-pixel rows (for_each_band), rendered in parallel
// when the frame is large and the machine has cores to spare; every band writes only its
// own scanlines. Zoomed out in the Hilbert layout the renderer walks 16
// x 16 pixel tiles: each tile is 256 consecutive blocks of the curve, placed by a 256-byte offset
// table of its orientation (hilbert_tile), so the snapshot is read in runs, the image is written a
// cache line per tile row, and no per-pixel table of the whole square is touched. The other views
// are computed scanline by scanline.
#include "widgets/heatmap_render.h"

#include "widgets/hilbert.h"

#include <QRect>
#include <algorithm>
#include <atomic>
#include <exception>
#include <thread>

namespace bucketscope {
namespace {

constexpr unsigned kMaxRenderThreads = 4;
constexpr int64_t kParallelPixels = 1 << 18; // below this a thread costs more than it saves
constexpr int kTileSide = 1 << HILBERT_TILE_ORDER;

// One pixel's worth of buckets: a contiguous run, summed or maxed. kLen > 0 fixes the
// run length at compile time.
template <typename T, Aggregate A, uint64_t kLen = 0>
inline uint64_t reduce_run(const T* p, uint64_t len) {
    if constexpr (kLen > 0)
        len = kLen;
    uint64_t r = 0;
    if constexpr (A == Aggregate::Mean) {
        for (uint64_t i = 0; i < len; ++i)
            r += p[i];
    } else {
        for (uint64_t i = 0; i < len; ++i)
            r = std::max<uint64_t>(r, p[i]);
    }
    return r;
}

template <typename T, Aggregate A> class Renderer {
  public:
    Renderer(const T* values, uint64_t n, const QRgb* table, const HeatmapGrid& grid,
             const HeatmapView& view, uchar* bits, qsizetype stride, int w)
        : values_(values), n_(n), table_(table), grid_(grid), view_(view), bits_(bits),
          stride_(stride), w_(w) {
        // Only the views that look cells up one by one need a whole square's table.
        if (grid_.layout == HeatmapLayout::Hilbert) {
            if (view_.zoom < 0)
                xy2d_ = hilbert_xy2d_table(grid_.order);
            else if (grid_.order - unsigned(view_.zoom) < HILBERT_TILE_ORDER)
                xy2d_ = hilbert_xy2d_table(grid_.order - unsigned(view_.zoom));
        }
    }

    // Rows [y0, y1) of the image.
    void fill(int y0, int y1) {
        if (grid_.layout == HeatmapLayout::Hilbert && view_.zoom >= 0 &&
            grid_.order - unsigned(view_.zoom) >= HILBERT_TILE_ORDER) {
            switch (view_.zoom) {
            case 0:
                hilbert_tiles<0>(y0, y1);
                break;
            case 1:
                hilbert_tiles<1>(y0, y1);
                break;
            case 2:
                hilbert_tiles<2>(y0, y1);
                break;
            default:
                hilbert_tiles<-1>(y0, y1);
                break;
            }
            return;
        }
        for (int py = y0; py < y1; ++py) {
            const int64_t canvas_y = view_.origin_y + py;
            if (view_.zoom >= 0)
                fill_zoomed_out(line(py), canvas_y);
            else
                fill_zoomed_in(line(py), canvas_y);
        }
    }

  private:
    QRgb* line(int py) const { return reinterpret_cast<QRgb*>(bits_ + py * stride_); }

    QRgb colour(uint64_t reduced, uint64_t count, unsigned full_shift) const {
        if constexpr (A == Aggregate::Mean)
            return table_[count == (uint64_t{1} << full_shift) ? reduced >> full_shift
                                                               : reduced / count];
        else
            return table_[reduced];
    }

    // The pixels [pb, pe) of a row that can show grid cells at zoom z >= 0.
    void grid_columns(unsigned z, int& pb, int& pe) const {
        const int64_t canvas_w = (int64_t(grid_.width) + (int64_t{1} << z) - 1) >> z;
        pb = int(std::clamp<int64_t>(-view_.origin_x, 0, w_));
        pe = int(std::clamp<int64_t>(canvas_w - view_.origin_x, pb, w_));
    }

    // One pixel per 2^z x 2^z block of cells. Only the pixels whose block lies in the grid
    // are computed; the margins are filled with the background.
    void fill_zoomed_out(QRgb* line, int64_t canvas_y) {
        const unsigned z = static_cast<unsigned>(view_.zoom);
        const int64_t cy0 = canvas_y * (int64_t{1} << z);
        int pb, pe;
        grid_columns(z, pb, pe);
        std::fill(line, line + pb, HEATMAP_BACKGROUND);
        std::fill(line + pe, line + w_, HEATMAP_BACKGROUND);
        if (canvas_y < 0 || cy0 >= grid_.height) {
            std::fill(line + pb, line + pe, HEATMAP_BACKGROUND);
            return;
        }
        if (grid_.layout == HeatmapLayout::RowMajor)
            row_major_line(line, pb, pe, uint64_t(cy0), z);
        else
            hilbert_line(line, pb, pe, uint64_t(canvas_y), z);
    }

    void row_major_line(QRgb* line, int pb, int pe, uint64_t cy0, unsigned z) {
        const uint64_t side = uint64_t{1} << z;
        const uint64_t rows = std::min<uint64_t>(side, grid_.height - cy0);
        if (z == 0) {
            const uint64_t first = cy0 * grid_.width + uint64_t(view_.origin_x);
            for (int px = pb; px < pe; ++px) {
                const uint64_t b = first + uint64_t(px);
                line[px] = b < n_ ? table_[values_[b]] : HEATMAP_BACKGROUND;
            }
            return;
        }
        // Blocks span `rows` grid rows: reduce row by row into per-pixel accumulators. Only
        // the grid's last row can be shorter than `width`, so a pixel's bucket count follows
        // from its column and how many whole rows it covers.
        acc_.assign(size_t(w_), 0);
        uint64_t whole_rows = 0, short_row_len = 0;
        for (uint64_t r = 0; r < rows; ++r) {
            const uint64_t row_first = (cy0 + r) * grid_.width;
            if (row_first >= n_)
                break;
            const uint64_t row_len = std::min<uint64_t>(grid_.width, n_ - row_first);
            if (row_len == grid_.width)
                ++whole_rows;
            else
                short_row_len = row_len;
            const T* row = values_ + row_first;
            switch (z) {
            case 1:
                reduce_row<2>(row, row_len, pb, pe, z);
                break;
            case 2:
                reduce_row<4>(row, row_len, pb, pe, z);
                break;
            default:
                reduce_row<0>(row, row_len, pb, pe, z);
                break;
            }
        }
        for (int px = pb; px < pe; ++px) {
            const uint64_t cx0 = uint64_t(view_.origin_x + px) << z;
            const uint64_t count = whole_rows * std::min(side, grid_.width - cx0) +
                                   (short_row_len > cx0 ? std::min(side, short_row_len - cx0) : 0);
            line[px] = count ? colour(acc_[size_t(px)], count, 2 * z) : HEATMAP_BACKGROUND;
        }
    }

    // Adds one grid row to the accumulators; kSide > 0 fixes the block width at compile
    // time for the common zoom levels so the inner loop unrolls.
    template <uint64_t kSide>
    void reduce_row(const T* row, uint64_t row_len, int pb, int pe, unsigned z) {
        const uint64_t side = kSide ? kSide : uint64_t{1} << z;
        const uint64_t first_cx = uint64_t(view_.origin_x + pb) << z;
        // Pixels whose whole block lies inside this row take the fast path.
        const int64_t whole = row_len > first_cx ? int64_t((row_len - first_cx) / side) : 0;
        const int fast_end = int(std::min<int64_t>(pe, pb + whole));
        const T* p = row + first_cx;
        for (int px = pb; px < fast_end; ++px, p += side) {
            const uint64_t v = reduce_run<T, A, kSide>(p, side);
            if constexpr (A == Aggregate::Mean)
                acc_[size_t(px)] += v;
            else
                acc_[size_t(px)] = std::max(acc_[size_t(px)], v);
        }
        if (fast_end < pe) {
            const uint64_t cx0 = uint64_t(view_.origin_x + fast_end) << z;
            if (cx0 < row_len) {
                const uint64_t v = reduce_run<T, A>(row + cx0, row_len - cx0);
                if constexpr (A == Aggregate::Mean)
                    acc_[size_t(fast_end)] += v;
                else
                    acc_[size_t(fast_end)] = std::max(acc_[size_t(fast_end)], v);
            }
        }
    }

    // Pixel (bx, by) of a square is block d' = xy2d(order - z, bx, by): buckets
    // [d' << 2z, (d' + 1) << 2z) of that square. Used for squares smaller than a tile.
    void hilbert_line(QRgb* line, int pb, int pe, uint64_t canvas_y, unsigned z) {
        const unsigned k = grid_.order - z;
        const uint64_t mask = (uint64_t{1} << k) - 1;
        const uint64_t by = canvas_y & mask;
        const uint64_t square_row = (canvas_y >> k) * grid_.squares_x;
        const uint32_t* xy2d_row = xy2d_ ? xy2d_ + (by << k) : nullptr;
        const uint64_t run = uint64_t{1} << (2 * z);
        for (int px = pb; px < pe; ++px) {
            const uint64_t canvas_x = uint64_t(view_.origin_x + px);
            const uint64_t bx = canvas_x & mask;
            const uint64_t d =
                xy2d_row ? xy2d_row[bx] : hilbert_xy2d(k, uint32_t(bx), uint32_t(by));
            const uint64_t first =
                ((square_row + (canvas_x >> k)) << (2 * grid_.order)) + (d << (2 * z));
            if (first >= n_) {
                line[px] = HEATMAP_BACKGROUND;
                continue;
            }
            const uint64_t len = std::min(run, n_ - first);
            line[px] = colour(reduce_run<T, A>(values_ + first, len), len, 2 * z);
        }
    }

    // Zoomed out by 2^z in the Hilbert layout, squares of at least one tile (see the file
    // comment). kZ >= 0 fixes the zoom at compile time; -1 reads it from the view.
    template <int kZ> void hilbert_tiles(int y0, int y1) {
        const unsigned z = kZ >= 0 ? unsigned(kZ) : unsigned(view_.zoom);
        const unsigned k = grid_.order - z;
        const int64_t side = int64_t{1} << k;
        const int64_t canvas_h = int64_t(grid_.height >> grid_.order) * side;
        int pb, pe;
        grid_columns(z, pb, pe);
        const int64_t row_lo = std::max<int64_t>(view_.origin_y + y0, 0);
        const int64_t row_hi = std::min<int64_t>(view_.origin_y + y1, canvas_h);
        for (int py = y0; py < y1; ++py) {
            QRgb* l = line(py);
            const int64_t cy = view_.origin_y + py;
            if (cy < row_lo || cy >= row_hi || pb == pe) {
                std::fill(l, l + w_, HEATMAP_BACKGROUND);
                continue;
            }
            std::fill(l, l + pb, HEATMAP_BACKGROUND);
            std::fill(l + pe, l + w_, HEATMAP_BACKGROUND);
        }
        if (row_lo >= row_hi || pb == pe)
            return;
        const int64_t col_lo = view_.origin_x + pb, col_hi = view_.origin_x + pe;
        const unsigned tiles_order = k - HILBERT_TILE_ORDER; // tiles per square side, log2
        const int64_t tile_mask = (int64_t{1} << tiles_order) - 1;
        for (int64_t tr = row_lo / kTileSide; tr * kTileSide < row_hi; ++tr) {
            const int64_t ty0 = std::max(tr * kTileSide, row_lo),
                          ty1 = std::min((tr + 1) * kTileSide, row_hi);
            for (int64_t tc = col_lo / kTileSide; tc * kTileSide < col_hi; ++tc) {
                const int64_t tx0 = std::max(tc * kTileSide, col_lo),
                              tx1 = std::min((tc + 1) * kTileSide, col_hi);
                const uint64_t square =
                    uint64_t(tr >> tiles_order) * grid_.squares_x + uint64_t(tc >> tiles_order);
                const HilbertTile tile =
                    hilbert_tile(k, uint32_t(tc & tile_mask), uint32_t(tr & tile_mask));
                const uint64_t first = (square << (2 * grid_.order)) + (tile.first << (2 * z));
                const uint8_t* offsets = hilbert_tile_offsets(tile.orientation);
                if (first + (uint64_t{256} << (2 * z)) <= n_)
                    whole_tile<kZ>(first, offsets, z, ty0, ty1, tx0, tx1);
                else
                    partial_tile(first, offsets, z, ty0, ty1, tx0, tx1);
            }
        }
    }

    // A tile whose every block lies below nbuckets: no bounds checks, and the pointers in
    // locals so the compiler keeps them in registers across the stores.
    template <int kZ>
    void whole_tile(uint64_t first, const uint8_t* offsets, unsigned z, int64_t ty0, int64_t ty1,
                    int64_t tx0, int64_t tx1) const {
        const T* values = values_ + first;
        const QRgb* table = table_;
        const unsigned shift = 2 * z;
        for (int64_t cy = ty0; cy < ty1; ++cy) {
            QRgb* out = line(int(cy - view_.origin_y)) - view_.origin_x;
            const uint8_t* row = offsets + (cy & (kTileSide - 1)) * kTileSide;
            for (int64_t cx = tx0; cx < tx1; ++cx) {
                const T* run = values + (uint64_t(row[cx & (kTileSide - 1)]) << shift);
                if constexpr (kZ == 0) {
                    out[cx] = table[*run];
                } else if constexpr (kZ > 0) {
                    constexpr uint64_t kRun = uint64_t{1} << (2 * kZ);
                    const uint64_t r = reduce_run<T, A, kRun>(run, kRun);
                    out[cx] = table[A == Aggregate::Mean ? r >> (2 * kZ) : r];
                } else {
                    out[cx] = colour(reduce_run<T, A>(run, uint64_t{1} << shift),
                                     uint64_t{1} << shift, shift);
                }
            }
        }
    }

    // The tile holding the last bucket, or past it: blocks cut short or missing.
    void partial_tile(uint64_t first, const uint8_t* offsets, unsigned z, int64_t ty0, int64_t ty1,
                      int64_t tx0, int64_t tx1) const {
        const uint64_t run = uint64_t{1} << (2 * z);
        for (int64_t cy = ty0; cy < ty1; ++cy) {
            QRgb* out = line(int(cy - view_.origin_y)) - view_.origin_x;
            const uint8_t* row = offsets + (cy & (kTileSide - 1)) * kTileSide;
            for (int64_t cx = tx0; cx < tx1; ++cx) {
                const uint64_t b = first + (uint64_t(row[cx & (kTileSide - 1)]) << (2 * z));
                if (b >= n_) {
                    out[cx] = HEATMAP_BACKGROUND;
                    continue;
                }
                const uint64_t len = std::min(run, n_ - b);
                out[cx] = colour(reduce_run<T, A>(values_ + b, len), len, 2 * z);
            }
        }
    }

    // 2^-z pixels per cell: one lookup per cell, repeated across its pixels.
    void fill_zoomed_in(QRgb* line, int64_t canvas_y) const {
        const unsigned shift = static_cast<unsigned>(-view_.zoom);
        const int64_t cy = canvas_y >> shift;
        int64_t last_cx = INT64_MIN;
        QRgb c = HEATMAP_BACKGROUND;
        for (int px = 0; px < w_; ++px) {
            const int64_t cx = (view_.origin_x + px) >> shift;
            if (cx != last_cx) {
                last_cx = cx;
                c = cell_colour(cx, cy);
            }
            line[px] = c;
        }
    }

    QRgb cell_colour(int64_t cx, int64_t cy) const {
        if (cx < 0 || cy < 0 || cx >= grid_.width || cy >= grid_.height)
            return HEATMAP_BACKGROUND;
        uint64_t b;
        if (xy2d_) {
            const uint64_t mask = (uint64_t{1} << grid_.order) - 1;
            const uint64_t square =
                (uint64_t(cy) >> grid_.order) * grid_.squares_x + (uint64_t(cx) >> grid_.order);
            b = (square << (2 * grid_.order)) +
                xy2d_[((uint64_t(cy) & mask) << grid_.order) | (uint64_t(cx) & mask)];
        } else {
            const auto bucket = grid_.bucket_at(uint32_t(cx), uint32_t(cy));
            if (!bucket)
                return HEATMAP_BACKGROUND;
            b = *bucket;
        }
        return b < n_ ? table_[values_[b]] : HEATMAP_BACKGROUND;
    }

    const T* values_;
    uint64_t n_;
    const QRgb* table_;
    const HeatmapGrid& grid_;
    const HeatmapView& view_;
    uchar* bits_;
    qsizetype stride_;
    int w_;
    const uint32_t* xy2d_ = nullptr;
    std::vector<uint64_t> acc_;
};

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
