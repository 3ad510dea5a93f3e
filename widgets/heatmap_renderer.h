#pragma once
// The pixel loops behind render_heatmap() (heatmap_render.cpp includes this; nothing else
// does): one Renderer fills one band of scanlines. It is a template over the field's
// element type and the aggregate, so the inner loops are plain array scans the compiler
// can unroll; the field is chosen once per frame, not once per bucket.
//
// Zoomed out in the Hilbert layout the renderer works in 16 x 16 pixel tiles: each tile is
// 256 consecutive blocks of the curve, placed by one hilbert_tile() lookup and the
// 256-byte tables of its orientation, so no per-pixel table of the whole square is read.
// At one bucket per pixel a tile row's tiles are located once and its 16 scanlines
// written in address order (the image is the bigger stream); zoomed further out each tile
// is walked in curve order (the snapshot is the bigger stream). The other views are
// computed scanline by scanline.

#include "widgets/heatmap_render.h"
#include "widgets/hilbert.h"

#include <QImage>
#include <QRect>
#include <algorithm>
#include <cstdint>
#include <vector>

namespace bucketscope::heatmap_detail {

inline constexpr int kTileSide = 1 << HILBERT_TILE_ORDER;

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
        // A tile's place on the curve: its first bucket and its orientation.
        auto locate = [&](int64_t tr, int64_t tc) {
            const uint64_t square =
                uint64_t(tr >> tiles_order) * grid_.squares_x + uint64_t(tc >> tiles_order);
            const HilbertTile t =
                hilbert_tile(k, uint32_t(tc & tile_mask), uint32_t(tr & tile_mask));
            return HilbertTile{(square << (2 * grid_.order)) + (t.first << (2 * z)), t.orientation};
        };
        const int64_t tc_lo = col_lo / kTileSide, tc_hi = (col_hi - 1) / kTileSide;
        const uint64_t tile_len = uint64_t{256} << (2 * z);
        if constexpr (kZ != 0) {
            // Zoomed out, each pixel reduces a run of 4^z buckets: walk each tile in curve
            // order so the snapshot streams through in address order, and let the writes
            // land in the tile's 16 x 16 pixels, which stay in L1 cache meanwhile.
            // (Measured: faster than scanline order here, slower at one bucket per pixel.)
            for (int64_t tr = row_lo / kTileSide; tr * kTileSide < row_hi; ++tr)
                for (int64_t tc = tc_lo; tc <= tc_hi; ++tc) {
                    const HilbertTile t = locate(tr, tc);
                    const QRect clip(
                        QPoint(int(std::max(tc * kTileSide, col_lo) - tc * kTileSide),
                               int(std::max(tr * kTileSide, row_lo) - tr * kTileSide)),
                        QPoint(int(std::min((tc + 1) * kTileSide, col_hi) - tc * kTileSide - 1),
                               int(std::min((tr + 1) * kTileSide, row_hi) - tr * kTileSide - 1)));
                    QRgb* rows[kTileSide];
                    for (int ly = clip.top(); ly <= clip.bottom(); ++ly)
                        rows[ly] = line(int(tr * kTileSide + ly - view_.origin_y)) +
                                   (tc * kTileSide - view_.origin_x);
                    if (t.first + tile_len <= n_ && clip == QRect(0, 0, kTileSide, kTileSide))
                        whole_tile_in_curve_order<kZ>(t, z, rows);
                    else
                        tile_in_curve_order(t, z, clip, rows);
                }
        } else {
            for (int64_t tr = row_lo / kTileSide; tr * kTileSide < row_hi; ++tr) {
                tiles_.clear();
                for (int64_t tc = tc_lo; tc <= tc_hi; ++tc)
                    tiles_.push_back(locate(tr, tc));
                // One bucket per pixel: scanline by scanline through the tile row, so the image
                // is written in address order while the row's values (one run per tile) stay in
                // L2 cache for its 16 scanlines. (Measured: faster than tile by tile here.)
                const int64_t ty0 = std::max(tr * kTileSide, row_lo),
                              ty1 = std::min((tr + 1) * kTileSide, row_hi);
                for (int64_t cy = ty0; cy < ty1; ++cy) {
                    QRgb* out = line(int(cy - view_.origin_y)) - view_.origin_x;
                    const int64_t ly = (cy & (kTileSide - 1)) * kTileSide;
                    for (int64_t tc = tc_lo; tc <= tc_hi; ++tc) {
                        const HilbertTile& t = tiles_[size_t(tc - tc_lo)];
                        const int64_t tx0 = std::max(tc * kTileSide, col_lo),
                                      tx1 = std::min((tc + 1) * kTileSide, col_hi);
                        const uint8_t* offsets = hilbert_tile_offsets(t.orientation) + ly;
                        if (t.first + tile_len <= n_)
                            whole_tile_row(t.first, offsets, tx0, tx1, out);
                        else
                            partial_tile_row(t.first, offsets, tx0, tx1, out);
                    }
                }
            }
        }
    }

    // A whole tile inside the view with every block below nbuckets, zoomed out: no checks.
    template <int kZ>
    void whole_tile_in_curve_order(const HilbertTile& t, unsigned z, QRgb* const* rows) const {
        const T* values = values_ + t.first;
        const uint8_t* cells = hilbert_tile_cells(t.orientation);
        const unsigned shift = kZ > 0 ? 2 * unsigned(kZ) : 2 * z;
        const uint64_t len = uint64_t{1} << shift;
        for (unsigned d = 0; d < 256; ++d) {
            const T* run = values + (uint64_t(d) << shift);
            QRgb c;
            if constexpr (kZ > 0) {
                constexpr uint64_t kRun = uint64_t{1} << (2 * kZ);
                const uint64_t r = reduce_run<T, A, kRun>(run, kRun);
                c = table_[A == Aggregate::Mean ? r >> (2 * kZ) : r];
            } else {
                c = colour(reduce_run<T, A>(run, len), len, shift);
            }
            rows[cells[d] >> 4][cells[d] & (kTileSide - 1)] = c;
        }
    }

    // The same for a tile cut by the view's edge or holding the last bucket.
    void tile_in_curve_order(const HilbertTile& t, unsigned z, const QRect& clip,
                             QRgb* const* rows) const {
        const uint8_t* cells = hilbert_tile_cells(t.orientation);
        const uint64_t run = uint64_t{1} << (2 * z);
        for (unsigned d = 0; d < 256; ++d) {
            const int lx = cells[d] & (kTileSide - 1), ly = cells[d] >> 4;
            if (!clip.contains(lx, ly))
                continue;
            const uint64_t b = t.first + (uint64_t(d) << (2 * z));
            if (b >= n_) {
                rows[ly][lx] = HEATMAP_BACKGROUND;
                continue;
            }
            const uint64_t len = std::min(run, n_ - b);
            rows[ly][lx] = colour(reduce_run<T, A>(values_ + b, len), len, 2 * z);
        }
    }

    // One scanline of a tile at one bucket per pixel, every bucket below nbuckets: no
    // bounds checks, and the pointers in locals so the compiler keeps them in registers
    // across the stores.
    void whole_tile_row(uint64_t first, const uint8_t* offsets, int64_t tx0, int64_t tx1,
                        QRgb* out) const {
        const T* values = values_ + first;
        const QRgb* table = table_;
        for (int64_t cx = tx0; cx < tx1; ++cx)
            out[cx] = table[values[offsets[cx & (kTileSide - 1)]]];
    }

    // The same for the tile holding the last bucket, or past it.
    void partial_tile_row(uint64_t first, const uint8_t* offsets, int64_t tx0, int64_t tx1,
                          QRgb* out) const {
        for (int64_t cx = tx0; cx < tx1; ++cx) {
            const uint64_t b = first + offsets[cx & (kTileSide - 1)];
            out[cx] = b < n_ ? table_[values_[b]] : HEATMAP_BACKGROUND;
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
    std::vector<HilbertTile> tiles_; // the current tile row's tiles
};

} // namespace bucketscope::heatmap_detail
