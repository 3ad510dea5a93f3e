#pragma once
// A cache image or device opened read-only: what the safety probe found on it, what
// core/inspect read from it, and the same state as a BucketSnapshot, so the heatmaps, the
// details panel and priority_stats show a kernel-written (or engine-written) device with
// the code that shows the live engine.
//
// open_image() runs on a LongJob's thread: it only reads (the probe opens O_RDONLY, the
// inspector reads through open_device(O_RDONLY)) and touches no Qt object. Nothing here
// ever writes; writing to an opened image is always a separate, confirmed step.

#include "core/device/progress.h"
#include "core/device/safety_probe.h"
#include "core/engine/engine.h"
#include "core/inspect/inspect.h"
#include "widgets/bucket_text.h"

#include <QString>
#include <memory>
#include <optional>

namespace bucketscope {

struct OpenedImage {
    QString path;
    SafetyReport safety; // what writing to it would meet (shown, never acted on here)
    std::optional<inspect::InspectReport> report;
    QString error;        // why it could not be opened or inspected (structure, offset)
    SnapshotPtr snapshot; // report as the heatmaps see it; null without a report

    bool ok() const { return report.has_value(); }
};

// Probes and inspects `path` read-only. A cancel through `progress` leaves ok() false.
std::shared_ptr<OpenedImage> open_image(const QString& path, Progress* progress = nullptr,
                                        inspect::Profile profile = inspect::Profile::v6_2);

// The report's buckets as a snapshot: prio, gen, GC mark and sectors used as inspect
// computed them, pins 0 (they exist only in a running kernel), the superblock area, the
// journal buckets and the prio chain as list membership.
SnapshotPtr snapshot_from_report(const inspect::InspectReport& report, inspect::Profile profile);

// An engine with this superblock's geometry, policy and discard setting (one cache).
EngineOptions engine_options_for(const ondisk::CacheSuperblock& sb);

// The superblock under bcache-super-show's names, and what inspect found, as rows for the
// image panel.
FieldRows superblock_rows(const ondisk::CacheSuperblock& sb);
FieldRows inspect_rows(const inspect::InspectReport& report);

} // namespace bucketscope
