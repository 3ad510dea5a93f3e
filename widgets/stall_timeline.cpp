// Lanes are drawn top to bottom in StallHistory's order: the causes first, then the free
// lists they leave empty.
#include "widgets/stall_timeline.h"

#include <QCheckBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QVBoxLayout>
#include <qcustomplot.h>

namespace bucketscope {
namespace {

constexpr double kFollowSeconds = 0.2;
constexpr double kMinBoxPixels = 2.0;

QColor lane_colour(StallHistory::Lane lane) {
    static const QRgb colours[StallHistory::LaneCount] = {
        0xff6a3d9a, 0xfffdb863, 0xffc51b7d, 0xff2166ac, 0xff67a9cf, 0xff1b9e77, 0xff66bd63};
    return QColor::fromRgb(colours[lane]);
}

double lane_y(StallHistory::Lane lane) {
    return double(StallHistory::LaneCount - 1 - lane);
}

// One lane's intervals as boxes on the plot.
class LanePlottable : public QCPAbstractPlottable {
  public:
    LanePlottable(QCPAxis* key, QCPAxis* value, const StallHistory& h, StallHistory::Lane lane)
        : QCPAbstractPlottable(key, value), history_(h), lane_(lane) {
        setName(StallHistory::name(lane));
        setBrush(lane_colour(lane));
        setPen(Qt::NoPen);
        setSelectable(QCP::stNone);
    }

    double selectTest(const QPointF&, bool, QVariant*) const override { return -1; }

    QCPRange getKeyRange(bool& found, QCP::SignDomain) const override {
        const auto& l = history_.intervals(lane_);
        found = !l.empty() || history_.open(lane_).has_value();
        if (!found)
            return {};
        const double lo = l.empty() ? history_.open(lane_)->start_ns : l.front().start_ns;
        return {lo / 1e9, double(history_.latest_ns()) / 1e9};
    }

    QCPRange getValueRange(bool& found, QCP::SignDomain, const QCPRange&) const override {
        found = true;
        return {lane_y(lane_) - 0.4, lane_y(lane_) + 0.4};
    }

  protected:
    void draw(QCPPainter* painter) override {
        const QCPRange range = keyAxis()->range();
        const double y = lane_y(lane_);
        const double top = valueAxis()->coordToPixel(y + 0.35);
        const double bottom = valueAxis()->coordToPixel(y - 0.35);
        painter->setPen(Qt::NoPen);
        painter->setBrush(mBrush);
        double run_left = 0, run_right = -1;
        auto box = [&](uint64_t start_ns, uint64_t end_ns) {
            const double l = keyAxis()->coordToPixel(double(start_ns) / 1e9);
            double r = keyAxis()->coordToPixel(double(end_ns) / 1e9);
            r = std::max(r, l + kMinBoxPixels);
            if (run_right >= run_left && l <= run_right + 1) {
                run_right = std::max(run_right, r);
                return;
            }
            if (run_right >= run_left)
                painter->drawRect(QRectF(QPointF(run_left, top), QPointF(run_right, bottom)));
            run_left = l;
            run_right = r;
        };
        const auto& l = history_.intervals(lane_);
        const uint64_t lo_ns = uint64_t(std::max(0.0, range.lower) * 1e9);
        auto it = std::lower_bound(
            l.begin(), l.end(), lo_ns,
            [](const StallHistory::Interval& i, uint64_t ns) { return i.end_ns < ns; });
        for (; it != l.end() && double(it->start_ns) / 1e9 <= range.upper; ++it)
            box(it->start_ns, it->end_ns);
        if (const auto& open = history_.open(lane_))
            box(open->start_ns, history_.latest_ns());
        if (run_right >= run_left)
            painter->drawRect(QRectF(QPointF(run_left, top), QPointF(run_right, bottom)));
    }

    void drawLegendIcon(QCPPainter* painter, const QRectF& rect) const override {
        painter->setPen(Qt::NoPen);
        painter->setBrush(mBrush);
        painter->drawRect(rect.adjusted(0, rect.height() / 4, 0, -rect.height() / 4));
    }

  private:
    const StallHistory& history_;
    StallHistory::Lane lane_;
};

} // namespace

StallTimeline::StallTimeline(QWidget* parent)
    : QWidget(parent), plot_(new QCustomPlot(this)), summary_(new QLabel(this)),
      follow_(new QCheckBox(tr("Follow"), this)) {
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    for (int l = 0; l < StallHistory::LaneCount; ++l) {
        const auto lane = StallHistory::Lane(l);
        ticker->addTick(lane_y(lane), StallHistory::name(lane));
        new LanePlottable(plot_->xAxis, plot_->yAxis, history_, lane);
    }
    plot_->yAxis->setTicker(ticker);
    plot_->yAxis->setSubTicks(false);
    plot_->yAxis->grid()->setVisible(false);
    plot_->yAxis->setRange(-0.6, double(StallHistory::LaneCount) - 0.4);
    plot_->xAxis->setLabel(tr("engine time (s)"));
    plot_->xAxis->setRange(0, kFollowSeconds);
    plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    plot_->axisRect()->setRangeDrag(Qt::Horizontal);
    plot_->axisRect()->setRangeZoom(Qt::Horizontal);
    plot_->setMinimumHeight(160);
    follow_->setChecked(true);
    follow_->setToolTip(tr("Keep the newest %1 s of engine time in view").arg(kFollowSeconds));
    summary_->setWordWrap(true);
    summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* png = new QPushButton(tr("Save as PNG…"), this);
    auto* bar = new QHBoxLayout;
    bar->addWidget(summary_, 1);
    bar->addWidget(follow_);
    bar->addWidget(png);
    auto* box = new QVBoxLayout(this);
    box->setContentsMargins(2, 2, 2, 2);
    box->addWidget(plot_, 1);
    box->addLayout(bar);

    // A drag or a wheel turn means the user wants to look somewhere: stop following.
    connect(plot_, &QCustomPlot::mousePress, this, [this] { follow_->setChecked(false); });
    connect(plot_, &QCustomPlot::mouseWheel, this, [this] { follow_->setChecked(false); });
    connect(follow_, &QCheckBox::toggled, this, [this](bool on) {
        if (on)
            refresh();
    });
    connect(png, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Save stall timeline"),
                                                          QString(), tr("PNG images (*.png)"));
        if (!path.isEmpty() && !savePng(path))
            QMessageBox::warning(this, tr("Save stall timeline"),
                                 tr("Could not write %1.").arg(path));
    });
    summary_->setText(summary());
}

void StallTimeline::showFrame(const FramePtr& frame) {
    if (!frame)
        return;
    history_.add(*frame);
    metrics_ = frame->metrics;
    if (isVisible())
        refresh();
}

void StallTimeline::showEvent(QShowEvent* e) {
    QWidget::showEvent(e);
    refresh();
}

void StallTimeline::clear() {
    history_.clear();
    metrics_ = {};
    refresh();
}

QString StallTimeline::summary() const {
    const EngineMetrics& m = metrics_;
    return tr("bucket_alloc: %1 waits, %2 ms asleep · GC: %3 runs, %4 ms · prio writes: %5 · "
              "invalidation batches: %6")
        .arg(m.alloc_waits)
        .arg(double(m.alloc_wait_ns) / 1e6, 0, 'f', 3)
        .arg(m.gc_runs)
        .arg(double(m.gc_ns) / 1e6, 0, 'f', 3)
        .arg(m.prio_writes)
        .arg(history_.total(StallHistory::Invalidation));
}

void StallTimeline::refresh() {
    summary_->setText(summary());
    if (follow_->isChecked()) {
        const double now = double(std::max(history_.latest_ns(), metrics_.clock_ns)) / 1e9;
        plot_->xAxis->setRange(std::max(0.0, now - kFollowSeconds), std::max(now, kFollowSeconds));
    }
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

bool StallTimeline::savePng(const QString& path) const {
    return plot_->savePng(path, std::max(plot_->width(), 640), std::max(plot_->height(), 240));
}

} // namespace bucketscope
