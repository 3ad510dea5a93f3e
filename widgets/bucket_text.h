#pragma once
// Words for one bucket of a snapshot: every field as a (label, value) row, shared by the
// heatmap tooltip and the details panel so both say the same thing.

#include <QString>
#include <utility>
#include <vector>

#include "core/engine/snapshot.h"

namespace bucketscope {

using FieldRows = std::vector<std::pair<QString, QString>>;

// Empty if `bucket` is not in the snapshot.
FieldRows bucket_fields(const BucketSnapshot& snap, uint64_t bucket);
// The rows as a small HTML table, for tooltips.
QString bucket_tooltip(const BucketSnapshot& snap, uint64_t bucket);

QString membership_name(Membership m);
QString mark_name(GcMark m);
QString reserve_name(Reserve r);
QString policy_name(ReplacementPolicy p);

} // namespace bucketscope
