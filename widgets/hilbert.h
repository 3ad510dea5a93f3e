#pragma once
// Hilbert-curve layout of bucket numbers on a square of 2^order x 2^order cells.
//
// Neighbouring buckets land in neighbouring cells and every aligned 2^j x 2^j block holds
// a contiguous run of 4^j buckets, so a heatmap zoomed out by 2^j can aggregate each pixel
// from one linear range of the snapshot arrays. xy2d walks four levels per step through a
// small state table (the curve's orientation is one of four states: swapped or not,
// mirrored or not), which keeps a per-pixel lookup at a few table reads for real orders.
//
// Pure functions, safe on any thread.

#include <cstdint>

namespace bucketscope {

inline constexpr unsigned HILBERT_MAX_ORDER = 16;

// Position along the curve of cell (x, y); x, y < 2^order, order <= HILBERT_MAX_ORDER.
uint64_t hilbert_xy2d(unsigned order, uint32_t x, uint32_t y);
// The inverse: the cell of position d < 4^order.
void hilbert_d2xy(unsigned order, uint64_t d, uint32_t& x, uint32_t& y);

// Largest order with a precomputed table (2^11 x 2^11 cells, 16 MiB).
inline constexpr unsigned HILBERT_TABLE_MAX_ORDER = 11;
// xy2d for every cell of the square, row by row (index y << order | x), built on first use
// and kept for the life of the process; nullptr above HILBERT_TABLE_MAX_ORDER. A frame
// reads one entry per pixel instead of walking the levels. Thread-safe.
const uint32_t* hilbert_xy2d_table(unsigned order);
// d2xy for every position, packed as y << 16 | x; the same lifetime and limits.
const uint32_t* hilbert_d2xy_table(unsigned order);

// Aligned 16 x 16 tiles: each holds 256 consecutive positions, in one of four
// orientations of the curve. A renderer walks tiles instead of cells: one hilbert_tile()
// per tile, then a 256-byte offset table per cell, so painting needs no per-cell table
// of the whole square and reads the snapshot in runs of 256.
inline constexpr unsigned HILBERT_TILE_ORDER = 4;
struct HilbertTile {
    uint64_t first = 0;       // position of the tile's first cell (a multiple of 256)
    unsigned orientation = 0; // index for hilbert_tile_offsets
};
// Tile (tx, ty) of a square of `order` >= HILBERT_TILE_ORDER; tx, ty < 2^(order - 4).
HilbertTile hilbert_tile(unsigned order, uint32_t tx, uint32_t ty);
// For an orientation, the offset from the tile's first position of each cell, indexed
// ly * 16 + lx: hilbert_xy2d(order, x, y) == first + offsets[(y & 15) * 16 + (x & 15)].
const uint8_t* hilbert_tile_offsets(unsigned orientation);
// The inverse: for an orientation, the cell (ly * 16 + lx) of each of the tile's 256
// positions, in curve order.
const uint8_t* hilbert_tile_cells(unsigned orientation);

} // namespace bucketscope
