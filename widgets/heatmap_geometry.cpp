// Geometry of the heatmap: which cell each bucket occupies in either layout, and which part
// of the grid a view at a given zoom and origin shows. Pure arithmetic, any thread.
#include "widgets/heatmap_render.h"
#include "widgets/hilbert.h"

#include <QRect>
#include <algorithm>
#include <cmath>

namespace bucketscope {
namespace {
uint32_t ceil_div(uint64_t a, uint64_t b) {
    return static_cast<uint32_t>((a + b - 1) / b);
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
        g.width = std::max<uint32_t>(
            1, static_cast<uint32_t>(std::ceil(std::sqrt(double(nbuckets) * aspect))));
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

} // namespace bucketscope
