#pragma once
// Tiny text fixtures for snapshots: one token per bucket, "prio/gen/mark/sectors/pin/list"
// with any trailing part left out defaulting to 0, e.g. "32768/3/r/512" or "0/0/u/0/0/fn".
// Marks: u r d m. Lists: - fb fp fm fn fi o p j s (none, free[BTREE], free[PRIO],
// free[MOVINGGC], free[NONE], free_inc, open, prio, journal, superblock).

#include <QString>
#include <QStringList>
#include <memory>
#include <stdexcept>

#include "core/engine/snapshot.h"

namespace bucketscope::test {

inline std::shared_ptr<BucketSnapshot> empty_snapshot(uint64_t n, uint32_t bucket_size = 1024) {
    auto s = std::make_shared<BucketSnapshot>();
    s->nbuckets = n;
    s->bucket_size = bucket_size;
    s->gen.assign(n, 0);
    s->prio.assign(n, 0);
    s->mark.assign(n, 0);
    s->sectors_used.assign(n, 0);
    s->pin.assign(n, 0);
    s->membership.assign(n, 0);
    s->gc_gen.assign(n, 0);
    return s;
}

inline std::shared_ptr<BucketSnapshot> snapshot_from_text(const QString& text,
                                                          uint32_t bucket_size = 1024) {
    const QStringList tokens = text.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    auto s = empty_snapshot(uint64_t(tokens.size()), bucket_size);
    static const QStringList marks{"u", "r", "d", "m"};
    static const QStringList lists{"-", "fb", "fp", "fm", "fn", "fi", "o", "p", "j", "s"};
    for (qsizetype i = 0; i < tokens.size(); ++i) {
        const QStringList f = tokens[i].split(QLatin1Char('/'));
        auto part = [&](int k) { return k < f.size() ? f[k] : QString(); };
        s->prio[i] = uint16_t(part(0).toUInt());
        s->gen[i] = uint8_t(part(1).toUInt());
        if (!part(2).isEmpty()) {
            const auto m = marks.indexOf(part(2));
            if (m < 0)
                throw std::invalid_argument("bad mark in token " + tokens[i].toStdString());
            s->mark[i] = uint8_t(m);
        }
        s->sectors_used[i] = uint16_t(part(3).toUInt());
        s->pin[i] = uint16_t(part(4).toUInt());
        if (!part(5).isEmpty()) {
            const auto l = lists.indexOf(part(5));
            if (l < 0)
                throw std::invalid_argument("bad list in token " + tokens[i].toStdString());
            s->membership[i] = uint8_t(l);
        }
    }
    return s;
}

} // namespace bucketscope::test
