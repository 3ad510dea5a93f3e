// The explanations after the raw numbers ("BTREE_PRIO", "at BUCKET_GC_GEN_MAX") are what
// the kernel would do with the bucket, so a reader need not remember the constants.
#include "widgets/bucket_text.h"

#include <QCoreApplication>

namespace bucketscope {

class BucketText {
    Q_DECLARE_TR_FUNCTIONS(bucketscope::BucketText)
};
namespace {

QString prio_text(uint16_t prio) {
    if (prio == BTREE_PRIO)
        return BucketText::tr("%1 (BTREE_PRIO: metadata)").arg(prio);
    if (prio == 0)
        return BucketText::tr("0 (free or never used)");
    return QString::number(prio);
}

} // namespace

QString membership_name(Membership m) {
    switch (m) {
    case Membership::None: return BucketText::tr("in use (on no list)");
    case Membership::FreeBtree: return BucketText::tr("free[BTREE]");
    case Membership::FreePrio: return BucketText::tr("free[PRIO]");
    case Membership::FreeMovingGc: return BucketText::tr("free[MOVINGGC]");
    case Membership::FreeNone: return BucketText::tr("free[NONE]");
    case Membership::FreeInc: return BucketText::tr("free_inc");
    case Membership::Open: return BucketText::tr("open bucket");
    case Membership::PrioBucket: return BucketText::tr("prio bucket");
    case Membership::Journal: return BucketText::tr("journal bucket");
    case Membership::Superblock: return BucketText::tr("superblock area");
    case Membership::Count: break;
    }
    return BucketText::tr("unknown");
}

QString mark_name(GcMark m) {
    switch (m) {
    case GcMark::None: return BucketText::tr("unused");
    case GcMark::Reclaimable: return BucketText::tr("reclaimable");
    case GcMark::Dirty: return BucketText::tr("dirty");
    case GcMark::Metadata: return BucketText::tr("metadata");
    }
    return BucketText::tr("unknown");
}

QString reserve_name(Reserve r) {
    switch (r) {
    case RESERVE_BTREE: return BucketText::tr("BTREE");
    case RESERVE_PRIO: return BucketText::tr("PRIO");
    case RESERVE_MOVINGGC: return BucketText::tr("MOVINGGC");
    case RESERVE_NONE: return BucketText::tr("NONE");
    case RESERVE_NR: break;
    }
    return BucketText::tr("unknown");
}

QString policy_name(ReplacementPolicy p) {
    switch (p) {
    case ReplacementPolicy::Lru: return BucketText::tr("LRU");
    case ReplacementPolicy::Fifo: return BucketText::tr("FIFO");
    case ReplacementPolicy::Random: return BucketText::tr("random");
    }
    return BucketText::tr("unknown");
}

FieldRows bucket_fields(const BucketSnapshot& s, uint64_t b) {
    if (b >= s.nbuckets || b >= s.gen.size() || b >= s.prio.size() || b >= s.mark.size() ||
        b >= s.sectors_used.size() || b >= s.pin.size() || b >= s.membership.size() ||
        b >= s.gc_gen.size())
        return {};
    const uint8_t gc_gen = s.gc_gen[b];
    const QString gc_gen_text =
        gc_gen >= BUCKET_GC_GEN_MAX
            ? BucketText::tr("%1 (at BUCKET_GC_GEN_MAX: not invalidated until GC runs)").arg(gc_gen)
            : BucketText::tr("%1 (%2 below BUCKET_GC_GEN_MAX)").arg(gc_gen).arg(BUCKET_GC_GEN_MAX - gc_gen);
    const auto membership = s.membership[b] < uint8_t(Membership::Count)
                                ? Membership(s.membership[b])
                                : Membership::Count;
    return {
        {BucketText::tr("Bucket"), QString::number(b)},
        {BucketText::tr("Gen"), QString::number(s.gen[b])},
        {BucketText::tr("Prio"), prio_text(s.prio[b])},
        {BucketText::tr("GC mark"), mark_name(GcMark(s.mark[b] & 3u))},
        {BucketText::tr("Sectors used"), BucketText::tr("%1 of %2").arg(s.sectors_used[b]).arg(s.bucket_size)},
        {BucketText::tr("Pin"), s.pin[b] == 65535 ? BucketText::tr("65535 or more") : QString::number(s.pin[b])},
        {BucketText::tr("List"), membership_name(membership)},
        {BucketText::tr("Gen distance"), gc_gen_text},
    };
}

QString bucket_tooltip(const BucketSnapshot& snap, uint64_t bucket) {
    QString html = QStringLiteral("<table>");
    for (const auto& [label, value] : bucket_fields(snap, bucket))
        html += QStringLiteral("<tr><td><b>%1</b></td><td>%2</td></tr>")
                    .arg(label.toHtmlEscaped(), value.toHtmlEscaped());
    return html + QStringLiteral("</table>");
}

} // namespace bucketscope
