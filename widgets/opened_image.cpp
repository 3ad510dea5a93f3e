// Membership of an inspected device comes only from what is on disk: free lists,
// free_inc and open buckets live in a running kernel's memory and are empty here.
#include "widgets/opened_image.h"

#include "core/device/open_device.h"

#include <QCoreApplication>
#include <QLocale>

namespace bucketscope {

class OpenedImageText {
    Q_DECLARE_TR_FUNCTIONS(bucketscope::OpenedImageText)
};
namespace {

QString label_text(const ondisk::CacheSuperblock& sb) {
    QByteArray l;
    for (uint8_t c : sb.label) {
        if (!c)
            break;
        l += char(c);
    }
    return QString::fromUtf8(l);
}

QString yes_no(bool v) {
    return v ? OpenedImageText::tr("yes") : OpenedImageText::tr("no");
}

} // namespace

std::shared_ptr<OpenedImage> open_image(const QString& path, Progress* progress,
                                        inspect::Profile profile) {
    auto out = std::make_shared<OpenedImage>();
    out->path = path;
    const std::string p = path.toStdString();
    out->safety = probe_for_write(p);
    auto opened = open_device(p, OpenMode::read_only);
    if (!opened) {
        out->error = QString::fromStdString(opened.status.message);
        return out;
    }
    auto& dev = opened.device;
    inspect::InspectOptions opt;
    opt.profile = profile;
    opt.progress = progress;
    auto r = inspect_cache(*dev, opt);
    if (!r) {
        out->error = QString::fromStdString(r.error().to_string());
        return out;
    }
    out->snapshot = snapshot_from_report(r.value(), profile);
    out->report = std::move(r.value());
    return out;
}

SnapshotPtr snapshot_from_report(const inspect::InspectReport& r, inspect::Profile profile) {
    auto s = std::make_shared<BucketSnapshot>();
    const ondisk::CacheSuperblock& sb = r.sb;
    const uint64_t n = r.buckets.size();
    s->nbuckets = n;
    s->first_bucket = sb.first_bucket;
    s->bucket_size = uint32_t(sb.bucket_sectors());
    s->policy = ReplacementPolicy(std::min(sb.cache_replacement(), 2u));
    s->profile = profile == inspect::Profile::v4_6 ? KernelProfile::V4_6 : KernelProfile::V6_2;
    s->gen.resize(n);
    s->prio.resize(n);
    s->mark.resize(n);
    s->sectors_used.resize(n);
    s->pin.assign(n, 0);
    s->gc_gen.resize(n);
    s->membership.assign(n, uint8_t(Membership::None));
    for (uint64_t b = 0; b < n; ++b) {
        const inspect::BucketState& bs = r.buckets[b];
        s->gen[b] = bs.gen;
        s->prio[b] = bs.prio;
        s->mark[b] = uint8_t(bs.mark); // inspect::Mark and GcMark share their values
        s->sectors_used[b] = bs.sectors_used;
        s->gc_gen[b] = uint8_t(bs.gen - bs.last_gc);
    }
    auto paint = [&](uint64_t b, Membership m) {
        if (b < n)
            s->membership[b] = uint8_t(m);
    };
    for (uint64_t b = 0; b < sb.first_bucket; ++b)
        paint(b, Membership::Superblock);
    if (!r.never_registered) {
        for (size_t i = 0; i < sb.keys; ++i)
            paint(sb.d[i], Membership::Journal);
        for (uint64_t b : r.prio_chain)
            paint(b, Membership::PrioBucket);
    }
    return s;
}

EngineOptions engine_options_for(const ondisk::CacheSuperblock& sb) {
    EngineOptions o = EngineOptions{};
    o.geometry.nbuckets = sb.nbuckets;
    o.geometry.bucket_size = uint32_t(sb.bucket_sectors());
    o.geometry.block_size = sb.block_size;
    o.geometry.first_bucket = sb.first_bucket;
    o.policy = ReplacementPolicy(std::min(sb.cache_replacement(), 2u));
    o.discard = sb.cache_discard();
    return o;
}

FieldRows superblock_rows(const ondisk::CacheSuperblock& sb) {
    const uint64_t bs = sb.bucket_sectors();
    const QString label = label_text(sb);
    return {
        {QStringLiteral("sb.version"), QString::number(sb.version)},
        {QStringLiteral("dev.label"), label.isEmpty() ? OpenedImageText::tr("(empty)") : label},
        {QStringLiteral("dev.uuid"), QString::fromStdString(ondisk::uuid_to_string(sb.uuid))},
        {QStringLiteral("dev.sectors_per_block"), QString::number(sb.block_size)},
        {QStringLiteral("dev.sectors_per_bucket"), QString::number(bs)},
        {QStringLiteral("dev.cache.first_sector"), QString::number(bs * sb.first_bucket)},
        {QStringLiteral("dev.cache.cache_sectors"),
         QString::number(bs * (sb.nbuckets - sb.first_bucket))},
        {QStringLiteral("dev.cache.total_sectors"), QString::number(bs * sb.nbuckets)},
        {QStringLiteral("dev.cache.ordered"), yes_no(sb.cache_sync())},
        {QStringLiteral("dev.cache.discard"), yes_no(sb.cache_discard())},
        {QStringLiteral("dev.cache.pos"), QString::number(sb.nr_this_dev)},
        {QStringLiteral("dev.cache.replacement"),
         QStringLiteral("%1 [%2]")
             .arg(sb.cache_replacement())
             .arg(QLatin1String(ondisk::replacement_name(sb.cache_replacement())))},
        {QStringLiteral("cset.uuid"), QString::fromStdString(ondisk::uuid_to_string(sb.set_uuid))},
        {QStringLiteral("nbuckets"), QString::number(sb.nbuckets)},
        {QStringLiteral("first_bucket"), QString::number(sb.first_bucket)},
        {QStringLiteral("njournal_buckets"), QString::number(sb.keys)},
        {QStringLiteral("seq"), QString::number(sb.seq)},
    };
}

FieldRows inspect_rows(const inspect::InspectReport& r) {
    const inspect::InspectTotals& t = r.totals;
    if (r.never_registered)
        return {
            {OpenedImageText::tr("State"),
             OpenedImageText::tr("formatted, never registered: no journal, prios or btree yet")}};
    const QLocale loc;
    return {
        {OpenedImageText::tr("State"), OpenedImageText::tr("registered (CACHE_SYNC set)")},
        {OpenedImageText::tr("Journal"),
         OpenedImageText::tr("%1 entries found, newest seq %2, %3 to replay")
             .arg(t.journal_entries)
             .arg(t.journal_seq)
             .arg(t.journal_replay)},
        {OpenedImageText::tr("Prio sets"),
         OpenedImageText::tr("%1 buckets, seq %2").arg(t.prio_buckets).arg(t.prio_seq)},
        {OpenedImageText::tr("Btree"), OpenedImageText::tr("%1 nodes (%2 leaves), root level %3")
                                           .arg(t.btree.nodes)
                                           .arg(t.btree.leaf_nodes)
                                           .arg(t.btree.root_level)},
        {OpenedImageText::tr("Extents"),
         OpenedImageText::tr("%1 (%2 dirty), %3 live sectors, %4 dirty sectors")
             .arg(t.extents.extents)
             .arg(t.extents.dirty_extents)
             .arg(t.extents.live_sectors)
             .arg(t.extents.dirty_sectors)},
        {OpenedImageText::tr("Buckets"),
         OpenedImageText::tr("%1 unused, %2 reclaimable, %3 dirty, %4 metadata")
             .arg(t.marks[0])
             .arg(t.marks[1])
             .arg(t.marks[2])
             .arg(t.marks[3])},
        {OpenedImageText::tr("Stale pointers"), loc.toString(qulonglong(t.stale_ptrs))},
        {OpenedImageText::tr("Volumes"), OpenedImageText::tr("%1 uuids in use, %2 flash-only")
                                             .arg(t.uuids_in_use)
                                             .arg(t.flash_volumes)},
    };
}

} // namespace bucketscope
