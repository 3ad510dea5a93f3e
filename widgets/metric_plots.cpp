// Colours are fixed per series so a reserve keeps its colour across tabs and matches the
// membership heatmap's legend where they overlap.
#include "widgets/metric_plots.h"

#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QMessageBox>
#include <QPushButton>
#include <QTabWidget>
#include <QVBoxLayout>
#include <qcustomplot.h>

namespace bucketscope {
namespace {

QColor series_colour(MetricHistory::Series s) {
    static const QRgb colours[] = {0xff2166ac, 0xff67a9cf, 0xff1b9e77, 0xff66bd63, 0xffd9a400,
                                   0xff1f78b4, 0xffe31a1c, 0xffff7f00, 0xff6a3d9a, 0xff33a02c,
                                   0xffb15928, 0xffc51b7d, 0xff8073ac, 0xff01665e, 0xff4d4d4d};
    return QColor::fromRgb(colours[size_t(s) % std::size(colours)]);
}

} // namespace

MetricPlots::MetricPlots(QWidget* parent) : QWidget(parent), tabs_(new QTabWidget(this)) {
    using S = MetricHistory;
    addPlot(tr("Free lists"), tr("fill (%)"), {S::FreeBtree, S::FreePrio, S::FreeMovingGc, S::FreeNone, S::FreeInc});
    addPlot(tr("Rates"), tr("buckets per second"), {S::AllocRate, S::InvalidateRate});
    addPlot(tr("Stalls"), tr("per second"), {S::WaitRate, S::WaitMsPerS, S::GcMsPerRun});
    addPlot(tr("Metadata writes"), tr("count"), {S::GcRuns, S::PrioWrites, S::JournalWrites, S::Discards});
    addPlot(tr("Hit ratio"), tr("reads that hit (%)"), {S::HitRatio, S::ByteHitRatio});
    addPlot(tr("Write amplification"), tr("written / inserted"), {S::WriteAmplification});
    addPlot(tr("Metadata share"), tr("btree and metadata (% of sectors written)"), {S::MetadataPercent});

    auto* png = new QPushButton(tr("Save plot as PNG…"), this);
    auto* csv = new QPushButton(tr("Export data as CSV…"), this);
    auto* bar = new QHBoxLayout;
    bar->addStretch(1);
    bar->addWidget(png);
    bar->addWidget(csv);
    auto* box = new QVBoxLayout(this);
    box->setContentsMargins(2, 2, 2, 2);
    box->addWidget(tabs_, 1);
    box->addLayout(bar);
    connect(png, &QPushButton::clicked, this, &MetricPlots::exportPng);
    connect(csv, &QPushButton::clicked, this, &MetricPlots::exportCsv);
    connect(tabs_, &QTabWidget::currentChanged, this, [this](int i) {
        if (i >= 0)
            updatePlot(plots_[size_t(i)]);
    });
}

void MetricPlots::addPlot(const QString& title, const QString& y_label,
                          std::vector<MetricHistory::Series> series) {
    auto* plot = new QCustomPlot(tabs_);
    plot->xAxis->setLabel(tr("engine time (s)"));
    plot->yAxis->setLabel(y_label);
    plot->legend->setVisible(true);
    plot->legend->setFont(font());
    plot->legend->setBrush(QColor(255, 255, 255, 200));
    plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);
    plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    plot->setMinimumHeight(120);
    for (auto s : series) {
        QCPGraph* g = plot->addGraph();
        g->setName(MetricHistory::name(s));
        g->setPen(QPen(series_colour(s), 1.5));
    }
    tabs_->addTab(plot, title);
    plots_.push_back({plot, std::move(series)});
}

void MetricPlots::showTab(Tab tab) {
    tabs_->setCurrentIndex(int(tab));
}

QCustomPlot* MetricPlots::currentPlot() const {
    const int i = tabs_->currentIndex();
    return i >= 0 ? plots_[size_t(i)].plot : nullptr;
}

void MetricPlots::showFrame(const FramePtr& frame) {
    if (!frame)
        return;
    history_.add(frame->metrics);
    const int i = tabs_->currentIndex();
    if (i >= 0 && isVisible())
        updatePlot(plots_[size_t(i)]);
}

void MetricPlots::showSamples(std::span<const EngineMetrics> samples) {
    history_.clear();
    for (const auto& m : samples)
        history_.add(m);
    for (const auto& p : plots_)
        updatePlot(p);
}

void MetricPlots::clear() {
    history_.clear();
    for (const auto& p : plots_)
        updatePlot(p);
}

void MetricPlots::updatePlot(const Plot& p) const {
    const QVector<double> t(history_.time().begin(), history_.time().end());
    for (size_t g = 0; g < p.series.size(); ++g) {
        const auto& v = history_.series(p.series[g]);
        p.plot->graph(int(g))->setData(t, QVector<double>(v.begin(), v.end()), true);
    }
    p.plot->rescaleAxes();
    p.plot->yAxis->setRangeLower(0);
    p.plot->replot(QCustomPlot::rpQueuedReplot);
}

bool MetricPlots::savePng(const QString& path) const {
    QCustomPlot* plot = currentPlot();
    if (!plot)
        return false;
    const int i = tabs_->currentIndex();
    updatePlot(plots_[size_t(i)]);
    return plot->savePng(path, std::max(plot->width(), 640), std::max(plot->height(), 360));
}

bool MetricPlots::saveCsv(const QString& path) const {
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text))
        return false;
    return history_.writeCsv(f);
}

void MetricPlots::exportPng() {
    const QString path = QFileDialog::getSaveFileName(this, tr("Save plot"), QString(), tr("PNG images (*.png)"));
    if (!path.isEmpty() && !savePng(path))
        QMessageBox::warning(this, tr("Save plot"), tr("Could not write %1.").arg(path));
}

void MetricPlots::exportCsv() {
    const QString path = QFileDialog::getSaveFileName(this, tr("Export metrics"), QString(), tr("CSV files (*.csv)"));
    if (!path.isEmpty() && !saveCsv(path))
        QMessageBox::warning(this, tr("Export metrics"), tr("Could not write %1.").arg(path));
}

} // namespace bucketscope
