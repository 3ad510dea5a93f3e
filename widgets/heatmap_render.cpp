// The renderer is a template over the field's element type and the aggregate, so the
// inner loops are plain array scans the compiler can unroll; the field is chosen once per
// frame, not once per bucket.
#include "widgets/heatmap_render.h"

#include <QRect>
#include <algorithm>
#include <cmath>

#include "widgets/hilbert.h"

namespace bucketscope {
namespace {

uint32_t ceil_div(uint64_t a, uint64_t b) { return static_cast<uint32_t>((a + b - 1) / b); }

// One pixel's worth of buckets: a contiguous run, summed or maxed.
template <typename T, Aggregate A>
inline uint64_t reduce_run(const T* p, uint64_t len) {
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

template <typename T, Aggregate A>
class Renderer {
  public:
    Renderer(const T* values, uint64_t n, const QRgb* table, const HeatmapGrid& grid,
             const HeatmapView& view, int w)
        : values_(values), n_(n), table_(table), grid_(grid), view_(view), w_(w) {
        if (grid_.layout == HeatmapLayout::Hilbert) {
            const unsigned block_order = view_.zoom >= 0 ? grid_.order - unsigned(view_.zoom) : grid_.order;
            xy2d_ = hilbert_xy2d_table(block_order);
        }
    }

    void fill(QImage& img) {
        if (grid_.layout == HeatmapLayout::Hilbert && view_.zoom >= 0 &&
            hilbert_d2xy_table(grid_.order - unsigned(view_.zoom))) {
            hilbert_scatter(img);
            return;
        }
        for (int py = 0; py < img.height(); ++py) {
            auto* line = reinterpret_cast<QRgb*>(img.scanLine(py));
            const int64_t canvas_y = view_.origin_y + py;
            if (view_.zoom >= 0)
                fill_zoomed_out(line, canvas_y);
            else
                fill_zoomed_in(line, canvas_y);
        }
    }

  private:
    QRgb colour(uint64_t reduced, uint64_t count, unsigned full_shift) const {
        if constexpr (A == Aggregate::Mean)
            return table_[count == (uint64_t{1} << full_shift) ? reduced >> full_shift
                                                               : reduced / count];
        else
            return table_[reduced];
    }

    // One pixel per 2^z x 2^z block of cells. Only the pixels whose block lies in the grid
    // are computed; the margins are filled with the background.
    void fill_zoomed_out(QRgb* line, int64_t canvas_y) {
        const unsigned z = static_cast<unsigned>(view_.zoom);
        const int64_t cy0 = canvas_y * (int64_t{1} << z);
        const int64_t canvas_w = (int64_t(grid_.width) + (int64_t{1} << z) - 1) >> z;
        const int pb = int(std::clamp<int64_t>(-view_.origin_x, 0, w_));
        const int pe = int(std::clamp<int64_t>(canvas_w - view_.origin_x, pb, w_));
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
        auto& acc = A == Aggregate::Mean ? sums_ : maxes_;
        acc.assign(size_t(w_), 0);
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
            case 1: reduce_row<2>(acc, row, row_len, pb, pe, z); break;
            case 2: reduce_row<4>(acc, row, row_len, pb, pe, z); break;
            default: reduce_row<0>(acc, row, row_len, pb, pe, z); break;
            }
        }
        for (int px = pb; px < pe; ++px) {
            const uint64_t cx0 = uint64_t(view_.origin_x + px) << z;
            const uint64_t count = whole_rows * std::min(side, grid_.width - cx0) +
                                   (short_row_len > cx0 ? std::min(side, short_row_len - cx0) : 0);
            line[px] = count ? colour(acc[size_t(px)], count, 2 * z) : HEATMAP_BACKGROUND;
        }
    }

    // Adds one grid row to the accumulators; kSide > 0 fixes the block width at compile
    // time for the common zoom levels so the inner loop unrolls.
    template <uint64_t kSide>
    void reduce_row(std::vector<uint64_t>& acc, const T* row, uint64_t row_len, int pb, int pe,
                    unsigned z) const {
        const uint64_t side = kSide ? kSide : uint64_t{1} << z;
        const uint64_t first_cx = uint64_t(view_.origin_x + pb) << z;
        // Pixels whose whole block lies inside this row take the fast path.
        const int64_t whole = row_len > first_cx ? int64_t((row_len - first_cx) / side) : 0;
        const int fast_end = int(std::min<int64_t>(pe, pb + whole));
        const T* p = row + first_cx;
        for (int px = pb; px < fast_end; ++px, p += side) {
            const uint64_t v = reduce_run<T, A>(p, side);
            if constexpr (A == Aggregate::Mean)
                acc[size_t(px)] += v;
            else
                acc[size_t(px)] = std::max(acc[size_t(px)], v);
        }
        if (fast_end < pe) {
            const uint64_t cx0 = uint64_t(view_.origin_x + fast_end) << z;
            if (cx0 < row_len) {
                const uint64_t v = reduce_run<T, A>(row + cx0, row_len - cx0);
                if constexpr (A == Aggregate::Mean)
                    acc[size_t(fast_end)] += v;
                else
                    acc[size_t(fast_end)] = std::max(acc[size_t(fast_end)], v);
            }
        }
    }

    // Pixel (bx, by) of a square is block d' = xy2d(order - z, bx, by): buckets
    // [d' << 2z, (d' + 1) << 2z) of that square.
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
            const uint64_t d = xy2d_row ? xy2d_row[bx] : hilbert_xy2d(k, uint32_t(bx), uint32_t(by));
            const uint64_t first = ((square_row + (canvas_x >> k)) << (2 * grid_.order)) + (d << (2 * z));
            if (first >= n_) {
                line[px] = HEATMAP_BACKGROUND;
                continue;
            }
            if (z == 0) {
                line[px] = table_[values_[first]];
                continue;
            }
            const uint64_t len = std::min(run, n_ - first);
            line[px] = colour(reduce_run<T, A>(values_ + first, len), len, 2 * z);
        }
    }

    // Zoomed out in the Hilbert layout, walk the buckets in order instead of the pixels:
    // the snapshot arrays stream through once and consecutive blocks land on neighbouring
    // pixels. Runs of 256 blocks fill an aligned 16 x 16 pixel tile, which is skipped
    // whole when it lies outside the view.
    void hilbert_scatter(QImage& img) const {
        img.fill(HEATMAP_BACKGROUND);
        const unsigned z = unsigned(view_.zoom);
        const unsigned k = grid_.order - z;
        const uint32_t* d2xy = hilbert_d2xy_table(k);
        const uint64_t blocks_per_square = uint64_t{1} << (2 * k);
        const uint64_t run = uint64_t{1} << (2 * z);
        const uint64_t tile = std::min<uint64_t>(256, blocks_per_square);
        const int64_t tile_side = int64_t{1} << std::min(k, 4u);
        const int64_t side = int64_t{1} << k;
        const int h = img.height();
        auto* bits = reinterpret_cast<QRgb*>(img.bits());
        const qsizetype stride = img.bytesPerLine() / qsizetype(sizeof(QRgb));
        const uint64_t squares = (n_ + (uint64_t{1} << (2 * grid_.order)) - 1) >> (2 * grid_.order);
        for (uint64_t sq = 0; sq < squares; ++sq) {
            const int64_t ox = int64_t(sq % grid_.squares_x) * side - view_.origin_x;
            const int64_t oy = int64_t(sq / grid_.squares_x) * side - view_.origin_y;
            if (ox >= w_ || oy >= h || ox + side <= 0 || oy + side <= 0)
                continue;
            const uint64_t base = sq << (2 * grid_.order);
            const uint64_t blocks = std::min(blocks_per_square, (n_ - base + run - 1) >> (2 * z));
            for (uint64_t t = 0; t < blocks; t += tile) {
                const uint32_t corner = d2xy[t];
                const int64_t tx = ox + int64_t(corner & 0xffffu) / tile_side * tile_side;
                const int64_t ty = oy + int64_t(corner >> 16) / tile_side * tile_side;
                if (tx >= w_ || ty >= h || tx + tile_side <= 0 || ty + tile_side <= 0)
                    continue;
                const uint64_t end = std::min(blocks, t + tile);
                for (uint64_t d = t; d < end; ++d) {
                    const int64_t x = ox + int64_t(d2xy[d] & 0xffffu);
                    const int64_t y = oy + int64_t(d2xy[d] >> 16);
                    if (x < 0 || y < 0 || x >= w_ || y >= h)
                        continue;
                    const uint64_t first = base + (d << (2 * z));
                    const uint64_t len = std::min(run, n_ - first);
                    bits[y * stride + x] = z == 0 ? table_[values_[first]]
                                                  : colour(reduce_run<T, A>(values_ + first, len), len, 2 * z);
                }
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
        if (grid_.layout == HeatmapLayout::Hilbert && xy2d_) {
            const uint64_t mask = (uint64_t{1} << grid_.order) - 1;
            const uint64_t square = uint64_t(cy >> grid_.order) * grid_.squares_x + uint64_t(cx >> grid_.order);
            b = (square << (2 * grid_.order)) + xy2d_[((uint64_t(cy) & mask) << grid_.order) | (uint64_t(cx) & mask)];
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
    int w_;
    const uint32_t* xy2d_ = nullptr;
    std::vector<uint64_t> sums_, maxes_;
};

template <typename T>
void render_field(QImage& img, const std::vector<T>& values, const HeatmapPalette& palette,
                  const HeatmapGrid& grid, const HeatmapView& view) {
    const uint64_t n = std::min<uint64_t>(grid.nbuckets, values.size());
    if (palette.aggregate == Aggregate::Mean)
        Renderer<T, Aggregate::Mean>(values.data(), n, palette.table.data(), grid, view, img.width()).fill(img);
    else
        Renderer<T, Aggregate::Max>(values.data(), n, palette.table.data(), grid, view, img.width()).fill(img);
}

} // namespace

HeatmapGrid HeatmapGrid::make(HeatmapLayout layout, uint64_t nbuckets, double aspect) {
    HeatmapGrid g;
    g.layout = layout;
    g.nbuckets = nbuckets;
    aspect = std::clamp(aspect, 0.1, 10.0);
    if (nbuckets == 0) {
        g.width = g.height = 1;
        return g;
    }
    if (layout == HeatmapLayout::RowMajor) {
        g.width = std::max<uint32_t>(1, static_cast<uint32_t>(std::ceil(std::sqrt(double(nbuckets) * aspect))));
        g.height = ceil_div(nbuckets, g.width);
        return g;
    }
    while (g.order + 1 <= HILBERT_MAX_ORDER && (uint64_t{1} << (2 * (g.order + 1))) <= nbuckets)
        ++g.order;
    const uint32_t squares = ceil_div(nbuckets, uint64_t{1} << (2 * g.order));
    g.squares_x = aspect >= 2.0 ? squares : std::min<uint32_t>(squares, 2);
    g.width = g.squares_x << g.order;
    g.height = ceil_div(squares, g.squares_x) << g.order;
    return g;
}

std::optional<uint64_t> HeatmapGrid::bucket_at(uint32_t x, uint32_t y) const {
    if (x >= width || y >= height)
        return std::nullopt;
    uint64_t b;
    if (layout == HeatmapLayout::RowMajor) {
        b = uint64_t(y) * width + x;
    } else {
        const uint32_t mask = (uint32_t{1} << order) - 1;
        const uint64_t square = uint64_t(y >> order) * squares_x + (x >> order);
        b = (square << (2 * order)) + hilbert_xy2d(order, x & mask, y & mask);
    }
    if (b >= nbuckets)
        return std::nullopt;
    return b;
}

bool HeatmapGrid::cell_of(uint64_t bucket, uint32_t& x, uint32_t& y) const {
    if (bucket >= nbuckets)
        return false;
    if (layout == HeatmapLayout::RowMajor) {
        x = static_cast<uint32_t>(bucket % width);
        y = static_cast<uint32_t>(bucket / width);
        return true;
    }
    const uint64_t square = bucket >> (2 * order);
    hilbert_d2xy(order, bucket & ((uint64_t{1} << (2 * order)) - 1), x, y);
    x += static_cast<uint32_t>(square % squares_x) << order;
    y += static_cast<uint32_t>(square / squares_x) << order;
    return true;
}

int HeatmapView::max_zoom(const HeatmapGrid& grid) {
    if (grid.layout == HeatmapLayout::Hilbert)
        return static_cast<int>(grid.order);
    int z = 0;
    while ((std::max(grid.width, grid.height) >> (z + 1)) >= 1)
        ++z;
    return z;
}

namespace {
int64_t canvas_extent(uint32_t cells, int zoom) {
    return zoom >= 0 ? (int64_t(cells) + (int64_t{1} << zoom) - 1) >> zoom
                     : int64_t(cells) << -zoom;
}
} // namespace

HeatmapView HeatmapView::fit(const HeatmapGrid& grid, QSize size) {
    HeatmapView v;
    const int top = max_zoom(grid);
    for (v.zoom = HEATMAP_MIN_ZOOM; v.zoom < top; ++v.zoom)
        if (canvas_extent(grid.width, v.zoom) <= size.width() &&
            canvas_extent(grid.height, v.zoom) <= size.height())
            break;
    v.origin_x = -(size.width() - canvas_extent(grid.width, v.zoom)) / 2;
    v.origin_y = -(size.height() - canvas_extent(grid.height, v.zoom)) / 2;
    return v;
}

void HeatmapView::cell_at(QPoint p, int64_t& cx, int64_t& cy) const {
    const int64_t x = origin_x + p.x(), y = origin_y + p.y();
    if (zoom >= 0) {
        cx = x * (int64_t{1} << zoom);
        cy = y * (int64_t{1} << zoom);
    } else {
        cx = x >> -zoom;
        cy = y >> -zoom;
    }
}

QRect HeatmapView::cell_rect(int64_t cx, int64_t cy) const {
    if (zoom >= 0)
        return QRect(int((cx >> zoom) - origin_x), int((cy >> zoom) - origin_y), 1, 1);
    const int side = 1 << -zoom;
    return QRect(int(cx * side - origin_x), int(cy * side - origin_y), side, side);
}

void HeatmapView::zoom_around(QPoint anchor, int steps, const HeatmapGrid& grid) {
    const int next = std::clamp(zoom + steps, HEATMAP_MIN_ZOOM, max_zoom(grid));
    const double cells_x = double(origin_x + anchor.x()) * std::ldexp(1.0, zoom);
    const double cells_y = double(origin_y + anchor.y()) * std::ldexp(1.0, zoom);
    zoom = next;
    origin_x = std::llround(cells_x * std::ldexp(1.0, -zoom)) - anchor.x();
    origin_y = std::llround(cells_y * std::ldexp(1.0, -zoom)) - anchor.y();
}

QImage render_heatmap(const BucketSnapshot& snap, const HeatmapPalette& palette,
                      const HeatmapGrid& grid, const HeatmapView& view, QSize size) {
    QImage img(size, QImage::Format_RGB32);
    if (img.isNull())
        return img;
    // Hilbert blocks must not straddle squares, so the view never zooms out past one.
    HeatmapView v = view;
    v.zoom = std::min(v.zoom, HeatmapView::max_zoom(grid));
    switch (palette.field) {
    case HeatmapField::Prio: render_field(img, snap.prio, palette, grid, v); break;
    case HeatmapField::Gen: render_field(img, snap.gen, palette, grid, v); break;
    case HeatmapField::GcMark: render_field(img, snap.mark, palette, grid, v); break;
    case HeatmapField::Pin: render_field(img, snap.pin, palette, grid, v); break;
    case HeatmapField::SectorsUsed: render_field(img, snap.sectors_used, palette, grid, v); break;
    case HeatmapField::Membership: render_field(img, snap.membership, palette, grid, v); break;
    case HeatmapField::GcGen:
    case HeatmapField::Count: render_field(img, snap.gc_gen, palette, grid, v); break;
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
    case HeatmapField::Prio: return at(snap.prio);
    case HeatmapField::Gen: return at(snap.gen);
    case HeatmapField::GcMark: return at(snap.mark);
    case HeatmapField::Pin: return at(snap.pin);
    case HeatmapField::SectorsUsed: return at(snap.sectors_used);
    case HeatmapField::Membership: return at(snap.membership);
    case HeatmapField::GcGen:
    case HeatmapField::Count: return at(snap.gc_gen);
    }
    return 0;
}

} // namespace bucketscope
