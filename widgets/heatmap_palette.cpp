// The gradients are piecewise-linear through a handful of stops taken from the viridis
// and inferno maps, which stay readable for colour-blind users and in greyscale.
#include "widgets/heatmap_palette.h"

#include <QCoreApplication>
#include <algorithm>
#include <array>
#include <cmath>

#include "core/alloc/bucket.h"
#include "core/engine/snapshot.h"
#include "widgets/bucket_text.h"

namespace bucketscope {

class HeatmapText {
    Q_DECLARE_TR_FUNCTIONS(bucketscope::HeatmapText)
};
namespace {

using Stops = std::array<QRgb, 5>;
constexpr Stops kViridis{0xff440154, 0xff3b528b, 0xff21918c, 0xff5ec962, 0xfffde725};
constexpr Stops kInferno{0xff000004, 0xff56106e, 0xffbb3754, 0xfff98e09, 0xfffcffa4};
constexpr Stops kTraffic{0xff1a9850, 0xff91cf60, 0xfffee08b, 0xfffc8d59, 0xffd73027};

QRgb lerp(QRgb a, QRgb b, double t) {
    auto mix = [t](int x, int y) { return static_cast<int>(std::lround(x + (y - x) * t)); };
    return qRgb(mix(qRed(a), qRed(b)), mix(qGreen(a), qGreen(b)), mix(qBlue(a), qBlue(b)));
}

QRgb sample(const Stops& stops, double t) {
    t = std::clamp(t, 0.0, 1.0) * double(stops.size() - 1);
    const size_t i = std::min(static_cast<size_t>(t), stops.size() - 2);
    return lerp(stops[i], stops[i + 1], t - double(i));
}

constexpr int kGradientSamples = 64;

void fill_gradient(HeatmapPalette& p, const Stops& stops, QString low, QString high) {
    for (int i = 0; i < kGradientSamples; ++i)
        p.gradient.push_back(sample(stops, double(i) / (kGradientSamples - 1)));
    p.gradient_low = std::move(low);
    p.gradient_high = std::move(high);
}

// Membership colours, indexed by Membership.
constexpr std::array<QRgb, size_t(Membership::Count)> kMembershipColour{
    0xff333333, // None
    0xff2166ac, // free[BTREE]
    0xff67a9cf, // free[PRIO]
    0xff1b9e77, // free[MOVINGGC]
    0xff66bd63, // free[NONE]
    0xfffee08b, // free_inc
    0xfff46d43, // open bucket
    0xffc51b7d, // prio bucket
    0xff8073ac, // journal
    0xffe0e0e0, // superblock area
};

void build_prio(HeatmapPalette& p) {
    p.wide = true;
    p.table.resize(65536);
    for (uint32_t v = 0; v < 65536; ++v)
        p.table[v] = sample(kViridis, double(std::min<uint32_t>(v, INITIAL_PRIO)) / INITIAL_PRIO);
    p.table[0] = 0xff505050;
    p.table[BTREE_PRIO] = 0xffe7298a;
    fill_gradient(p, kViridis, HeatmapText::tr("prio 1"), HeatmapText::tr("INITIAL_PRIO (32768)"));
    p.entries = {{p.table[0], HeatmapText::tr("prio 0")}, {p.table[BTREE_PRIO], HeatmapText::tr("BTREE_PRIO")}};
}

void build_gen(HeatmapPalette& p) {
    p.table.resize(256);
    for (int v = 0; v < 256; ++v)
        p.table[v] = QColor::fromHsv(v * 359 / 255, 170, 230).rgb();
    for (int i = 0; i < kGradientSamples; ++i)
        p.gradient.push_back(QColor::fromHsv(i * 359 / (kGradientSamples - 1), 170, 230).rgb());
    p.gradient_low = HeatmapText::tr("gen 0");
    p.gradient_high = HeatmapText::tr("gen 255 (wraps)");
}

void build_mark(HeatmapPalette& p) {
    p.aggregate = Aggregate::Max;
    p.table.assign(256, HEATMAP_BACKGROUND);
    p.entries = {{0xff3a4a5a, HeatmapText::tr("unused")},
                 {0xff4daf4a, HeatmapText::tr("reclaimable (clean)")},
                 {0xffff7f00, HeatmapText::tr("dirty")},
                 {0xffe7298a, HeatmapText::tr("metadata")}};
    for (size_t m = 0; m < p.entries.size(); ++m)
        p.table[m] = p.entries[m].colour;
}

void build_pin(HeatmapPalette& p) {
    p.wide = true;
    p.aggregate = Aggregate::Max;
    constexpr uint32_t kSaturate = 8;
    p.table.resize(65536);
    p.table[0] = 0xff2a2a2a;
    for (uint32_t v = 1; v < 65536; ++v)
        p.table[v] = sample(kInferno, 0.45 + 0.55 * double(std::min(v, kSaturate)) / kSaturate);
    for (int i = 0; i < kGradientSamples; ++i)
        p.gradient.push_back(sample(kInferno, 0.45 + 0.55 * i / (kGradientSamples - 1)));
    p.gradient_low = HeatmapText::tr("1 pin");
    p.gradient_high = HeatmapText::tr("8+ pins");
    p.entries = {{p.table[0], HeatmapText::tr("unpinned")}};
}

void build_sectors(HeatmapPalette& p, uint32_t bucket_size) {
    p.wide = true;
    const double full = std::max<uint32_t>(bucket_size, 1);
    p.table.resize(65536);
    for (uint32_t v = 0; v < 65536; ++v)
        p.table[v] = sample(kInferno, 0.15 + 0.85 * std::min(1.0, v / full));
    p.table[0] = 0xff2a2a2a;
    fill_gradient(p, kInferno, HeatmapText::tr("1 sector"), HeatmapText::tr("%1 sectors (full)").arg(bucket_size));
    p.entries = {{p.table[0], HeatmapText::tr("empty")}};
}

void build_membership(HeatmapPalette& p) {
    p.aggregate = Aggregate::Max;
    p.table.assign(256, HEATMAP_BACKGROUND);
    for (size_t m = 0; m < kMembershipColour.size(); ++m) {
        p.table[m] = kMembershipColour[m];
        p.entries.push_back({kMembershipColour[m], membership_name(Membership(m))});
    }
}

void build_gc_gen(HeatmapPalette& p) {
    p.aggregate = Aggregate::Max;
    p.table.resize(256);
    for (int v = 0; v < 256; ++v)
        p.table[v] = v >= BUCKET_GC_GEN_MAX ? 0xffff00ff
                                            : sample(kTraffic, double(v) / (BUCKET_GC_GEN_MAX - 1));
    fill_gradient(p, kTraffic, QStringLiteral("0"), QString::number(BUCKET_GC_GEN_MAX - 1));
    p.entries = {{0xffff00ff, HeatmapText::tr(">= BUCKET_GC_GEN_MAX: needs GC")}};
}

} // namespace

HeatmapPalette make_palette(HeatmapField field, uint32_t bucket_size) {
    HeatmapPalette p;
    p.field = field;
    switch (field) {
    case HeatmapField::Prio: build_prio(p); break;
    case HeatmapField::Gen: build_gen(p); break;
    case HeatmapField::GcMark: build_mark(p); break;
    case HeatmapField::Pin: build_pin(p); break;
    case HeatmapField::SectorsUsed: build_sectors(p, bucket_size); break;
    case HeatmapField::Membership: build_membership(p); break;
    case HeatmapField::GcGen:
    case HeatmapField::Count: build_gc_gen(p); break;
    }
    return p;
}

QString field_name(HeatmapField field) {
    switch (field) {
    case HeatmapField::Prio: return HeatmapText::tr("Priority");
    case HeatmapField::Gen: return HeatmapText::tr("Generation");
    case HeatmapField::GcMark: return HeatmapText::tr("GC mark");
    case HeatmapField::Pin: return HeatmapText::tr("Pin count");
    case HeatmapField::SectorsUsed: return HeatmapText::tr("Sectors used");
    case HeatmapField::Membership: return HeatmapText::tr("List membership");
    case HeatmapField::GcGen: return HeatmapText::tr("Gen distance (GC)");
    case HeatmapField::Count: break;
    }
    return {};
}

} // namespace bucketscope
