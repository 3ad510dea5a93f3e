// The histogram bins prios below INITIAL_PRIO in 64 equal bins; BTREE_PRIO buckets and
// prio 0 are left out, as the kernel's Average and Quantiles leave them out.
#include "widgets/priority_stats_panel.h"

#include <QFontDatabase>
#include <QHBoxLayout>
#include <QPlainTextEdit>
#include <qcustomplot.h>

#include "core/inspect/priority_stats.h"

namespace bucketscope {
namespace {
constexpr int kBins = 64;
constexpr qint64 kMinIntervalMs = 1000;
} // namespace

PriorityStatsPanel::PriorityStatsPanel(QWidget* parent)
    : QWidget(parent), text_(new QPlainTextEdit(this)), plot_(new QCustomPlot(this)) {
    text_->setReadOnly(true);
    text_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    text_->setPlaceholderText(tr("No engine running"));
    text_->setMinimumWidth(260);
    bars_ = new QCPBars(plot_->xAxis, plot_->yAxis);
    bars_->setName(tr("buckets"));
    bars_->setWidth(double(INITIAL_PRIO) / kBins);
    bars_->setBrush(QColor(0x21, 0x91, 0x8c));
    bars_->setPen(Qt::NoPen);
    plot_->xAxis->setLabel(tr("prio"));
    plot_->xAxis->ticker()->setTickCount(4);
    plot_->yAxis->setLabel(tr("buckets"));
    plot_->setMinimumHeight(120);
    auto* box = new QHBoxLayout(this);
    box->setContentsMargins(2, 2, 2, 2);
    box->addWidget(text_);
    box->addWidget(plot_, 1);
}

QString PriorityStatsPanel::kernelText() const { return text_->toPlainText(); }

void PriorityStatsPanel::showFrame(const FramePtr& frame) {
    if (!frame || !frame->snapshot || !isVisible())
        return;
    if (since_update_.isValid() && since_update_.elapsed() < kMinIntervalMs)
        return;
    recompute(*frame->snapshot);
}

void PriorityStatsPanel::recompute(const BucketSnapshot& snap) {
    since_update_.start();
    const uint64_t n = std::min<uint64_t>(snap.nbuckets, snap.prio.size());
    std::vector<inspect::BucketState> buckets(n);
    QVector<double> keys(kBins), counts(kBins, 0.0);
    for (int i = 0; i < kBins; ++i)
        keys[i] = (i + 0.5) * double(INITIAL_PRIO) / kBins;
    for (uint64_t b = 0; b < n; ++b) {
        auto& s = buckets[b];
        s.prio = snap.prio[b];
        s.gen = snap.gen[b];
        s.mark = inspect::Mark(snap.mark[b] & 3u);
        s.sectors_used = snap.sectors_used[b];
        s.pin = snap.pin[b];
        if (b >= snap.first_bucket && s.prio != 0 && s.prio != BTREE_PRIO)
            counts[std::min(kBins - 1, int(uint64_t(s.prio) * kBins / INITIAL_PRIO))] += 1;
    }
    const auto profile = snap.profile == KernelProfile::V4_6 ? inspect::Profile::v4_6 : inspect::Profile::v6_2;
    const auto stats = inspect::priority_stats(buckets, snap.first_bucket, snap.bucket_size, profile);
    text_->setPlainText(QString::fromStdString(inspect::format_priority_stats(stats)));
    bars_->setData(keys, counts, true);
    plot_->xAxis->setRange(0, INITIAL_PRIO);
    plot_->yAxis->rescale();
    plot_->yAxis->setRangeLower(0);
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

} // namespace bucketscope
