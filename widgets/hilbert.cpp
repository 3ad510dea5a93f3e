// The state table is built once from the one-level rule: at each level the quadrant
// digit is (3*rx)^ry and, when ry is 0, the rest of the curve is transposed (and mirrored
// as well when rx is 1). Transposition and mirroring commute, so two bits of state
// describe the orientation and four levels fold into one table lookup.
#include "widgets/hilbert.h"

#include <array>
#include <memory>
#include <mutex>
#include <utility>

namespace bucketscope {
namespace {

constexpr unsigned kSwap = 1;
constexpr unsigned kMirror = 2;

// One level: the quadrant digit of raw bits (bx, by) under `state`, and the next state.
constexpr unsigned step(unsigned& state, unsigned bx, unsigned by) {
    if (state & kSwap)
        std::swap(bx, by);
    if (state & kMirror) {
        bx ^= 1u;
        by ^= 1u;
    }
    const unsigned digit = (3u * bx) ^ by;
    if (by == 0) {
        state ^= kSwap;
        if (bx == 1)
            state ^= kMirror;
    }
    return digit;
}

// [state][x nibble << 4 | y nibble] -> 8 digit bits | next state << 8.
struct NibbleTable {
    std::array<std::array<uint16_t, 256>, 4> entry{};
    constexpr NibbleTable() {
        for (unsigned s0 = 0; s0 < 4; ++s0)
            for (unsigned xy = 0; xy < 256; ++xy) {
                unsigned state = s0;
                unsigned d = 0;
                for (int bit = 3; bit >= 0; --bit)
                    d = (d << 2) | step(state, ((xy >> 4) >> bit) & 1u, (xy >> bit) & 1u);
                entry[s0][xy] = static_cast<uint16_t>(d | (state << 8));
            }
    }
};
constexpr NibbleTable kTable;

// The curve position of (x, y) down to the nibble at `last_shift` (0: the whole order,
// 4: all but the lowest four levels), and the state the walk ends in. Pads to whole
// nibbles: each leading zero level contributes digit 0 and a transpose.
uint64_t walk(unsigned order, uint32_t x, uint32_t y, int last_shift, unsigned& state) {
    const unsigned levels = (order + 3u) & ~3u;
    state = (levels - order) & 1u ? kSwap : 0u;
    uint64_t d = 0;
    for (int shift = static_cast<int>(levels) - 4; shift >= last_shift; shift -= 4) {
        const unsigned xy = (((x >> shift) & 15u) << 4) | ((y >> shift) & 15u);
        const uint16_t e = kTable.entry[state][xy];
        d = (d << 8) | (e & 0xffu);
        state = e >> 8;
    }
    return d;
}

} // namespace

uint64_t hilbert_xy2d(unsigned order, uint32_t x, uint32_t y) {
    unsigned state;
    return walk(order, x, y, 0, state);
}

// The lowest four levels are the tile's own: the state before them is the curve's
// orientation inside the tile.
HilbertTile hilbert_tile(unsigned order, uint32_t tx, uint32_t ty) {
    unsigned state;
    const uint64_t d = walk(order, tx << HILBERT_TILE_ORDER, ty << HILBERT_TILE_ORDER, 4, state);
    return {d << 8, state};
}

namespace {
struct TileOffsets {
    std::array<std::array<uint8_t, 256>, 4> offset{};
    std::array<std::array<uint8_t, 256>, 4> cell{};
    constexpr TileOffsets() {
        for (unsigned s = 0; s < 4; ++s)
            for (unsigned ly = 0; ly < 16; ++ly)
                for (unsigned lx = 0; lx < 16; ++lx) {
                    const auto d = static_cast<uint8_t>(kTable.entry[s][(lx << 4) | ly] & 0xffu);
                    offset[s][ly * 16 + lx] = d;
                    cell[s][d] = static_cast<uint8_t>(ly * 16 + lx);
                }
    }
};
constexpr TileOffsets kTileOffsets;
} // namespace

const uint8_t* hilbert_tile_cells(unsigned orientation) {
    return kTileOffsets.cell[orientation & 3u].data();
}

const uint8_t* hilbert_tile_offsets(unsigned orientation) {
    return kTileOffsets.offset[orientation & 3u].data();
}

void hilbert_d2xy(unsigned order, uint64_t d, uint32_t& x, uint32_t& y) {
    // Inverse of the level rule, applied from the smallest square outwards.
    uint32_t rx = 0, ry = 0;
    x = y = 0;
    for (uint64_t s = 1; s < (uint64_t{1} << order); s <<= 1) {
        rx = static_cast<uint32_t>((d >> 1) & 1u);
        ry = static_cast<uint32_t>((d ^ rx) & 1u);
        if (ry == 0) {
            if (rx == 1) {
                x = static_cast<uint32_t>(s - 1 - x);
                y = static_cast<uint32_t>(s - 1 - y);
            }
            std::swap(x, y);
        }
        x += static_cast<uint32_t>(s * rx);
        y += static_cast<uint32_t>(s * ry);
        d >>= 2;
    }
}

namespace {

// Both tables of one order, built together on first use.
struct Tables {
    std::unique_ptr<uint32_t[]> xy2d, d2xy;
};

const Tables* tables_for(unsigned order) {
    if (order > HILBERT_TABLE_MAX_ORDER)
        return nullptr;
    static std::array<std::once_flag, HILBERT_TABLE_MAX_ORDER + 1> once;
    static std::array<Tables, HILBERT_TABLE_MAX_ORDER + 1> tables;
    std::call_once(once[order], [order] {
        const uint32_t side = 1u << order;
        auto xy2d = std::make_unique<uint32_t[]>(size_t(side) * side);
        auto d2xy = std::make_unique<uint32_t[]>(size_t(side) * side);
        for (uint32_t y = 0; y < side; ++y)
            for (uint32_t x = 0; x < side; ++x) {
                const auto d = static_cast<uint32_t>(hilbert_xy2d(order, x, y));
                xy2d[(size_t(y) << order) | x] = d;
                d2xy[d] = (y << 16) | x;
            }
        tables[order] = {std::move(xy2d), std::move(d2xy)};
    });
    return &tables[order];
}

} // namespace

const uint32_t* hilbert_xy2d_table(unsigned order) {
    const Tables* t = tables_for(order);
    return t ? t->xy2d.get() : nullptr;
}

const uint32_t* hilbert_d2xy_table(unsigned order) {
    const Tables* t = tables_for(order);
    return t ? t->d2xy.get() : nullptr;
}

} // namespace bucketscope
