#pragma once
// Colours of the bucket heatmap: one lookup table per field, indexed by the (aggregated)
// field value, plus the legend that explains it.
//
// A table has 256 entries for the 8-bit fields (gen, GC mark, membership, gen distance)
// and 65536 for the 16-bit ones (prio, pin, sectors used), so painting a pixel is one
// load, never a colour computation. Kernel-significant values get their own colour
// (prio 0 and BTREE_PRIO, gens at BUCKET_GC_GEN_MAX), the rest sit on a gradient.
//
// Built on any thread; immutable once built.

#include <QColor>
#include <QString>
#include <vector>

namespace bucketscope {

enum class HeatmapField : uint8_t {
    Prio,
    Gen,
    GcMark,
    Pin,
    SectorsUsed,
    Membership,
    GcGen, // distance to BUCKET_GC_GEN_MAX (bucket_gc_gen)
    Count,
};

// How many buckets falling into one pixel become one value: the mean for quantities,
// the maximum where the most severe state must stay visible (pins, marks, gen distance).
enum class Aggregate : uint8_t { Mean, Max };

struct LegendEntry {
    QRgb colour;
    QString label;
};

struct HeatmapPalette {
    HeatmapField field = HeatmapField::Prio;
    Aggregate aggregate = Aggregate::Mean;
    bool wide = false;              // 65536 entries (16-bit field) instead of 256
    std::vector<QRgb> table;        // indexed by value
    // A gradient legend (low and high labels with the sampled colours between them) and
    // discrete entries for the special values; categorical fields use only the latter.
    std::vector<QRgb> gradient;
    QString gradient_low, gradient_high;
    std::vector<LegendEntry> entries;
};

// Empty cells (past the last bucket) and the area outside the grid.
inline constexpr QRgb HEATMAP_BACKGROUND = 0xff181818;

// `bucket_size` scales the sectors-used gradient; ignored by the other fields.
HeatmapPalette make_palette(HeatmapField field, uint32_t bucket_size);

QString field_name(HeatmapField field);

} // namespace bucketscope
