// The scrubber is debounced: dragging it fires a value per pixel, and each moment costs a
// snapshot decompression and a few thousand events read back; the view follows once the
// hand pauses for kSettleMs.
#include "widgets/session_replay_window.h"

#include "core/store/session_replay.h"
#include "widgets/engine_frame.h"
#include "widgets/event_log.h"
#include "widgets/event_log_model.h"
#include "widgets/heatmap_panel.h"
#include "widgets/metric_plots.h"

#include <QDockWidget>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSlider>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>

namespace bucketscope {
namespace {
constexpr int kSettleMs = 40;

QString seconds(uint64_t ns) {
    return QString::number(double(ns) / 1e9, 'f', 6);
}
} // namespace

SessionReplayWindow::SessionReplayWindow(const QString& database, qint64 id, QWidget* parent)
    : QMainWindow(parent),
      replay_(std::make_unique<store::SessionReplay>(database.toStdString(), id)),
      timeline_(new QSlider(Qt::Horizontal, this)), status_(new QLabel(this)),
      heatmap_(new HeatmapPanel(HeatmapField::Membership)), plots_(new MetricPlots),
      events_(new EventLogModel(kEventsBefore + kEventsAfter, this)),
      event_view_(new EventLog(events_)), commands_(new QListWidget), settle_(new QTimer(this)) {
    setWindowFlag(Qt::Window);
    setObjectName(QStringLiteral("replay"));
    const auto& row = replay_->session();
    setWindowTitle(
        tr("Replay of session %1 (%2, %3)")
            .arg(row.id)
            .arg(QString::fromStdString(row.info.device), QString::fromStdString(row.started_at)));
    resize(1200, 820);

    timeline_->setRange(0, kTimelineSteps);
    timeline_->setPageStep(kTimelineSteps / 50);
    timeline_->setToolTip(tr("Engine time of the recorded session"));
    auto* prev = new QPushButton(tr("◀ Snapshot"), this);
    auto* next = new QPushButton(tr("Snapshot ▶"), this);
    prev->setToolTip(tr("Previous recorded snapshot"));
    next->setToolTip(tr("Next recorded snapshot"));
    auto* bar = new QWidget(this);
    auto* line = new QHBoxLayout;
    line->addWidget(prev);
    line->addWidget(timeline_, 1);
    line->addWidget(next);
    auto* top = new QVBoxLayout(bar);
    top->setContentsMargins(4, 4, 4, 4);
    top->addLayout(line);
    top->addWidget(status_);
    auto* tools = addToolBar(tr("Timeline"));
    tools->setObjectName(QStringLiteral("timeline"));
    tools->setMovable(false);
    tools->addWidget(bar);

    setCentralWidget(heatmap_);
    auto dock = [this](QWidget* w, const QString& title, const char* name,
                       Qt::DockWidgetArea area) {
        auto* d = new QDockWidget(title, this);
        d->setObjectName(QString::fromLatin1(name));
        d->setWidget(w);
        addDockWidget(area, d);
        return d;
    };
    auto* plots =
        dock(plots_, tr("Metrics up to this moment"), "replay_plots", Qt::BottomDockWidgetArea);
    auto* log = dock(event_view_, tr("Events around this moment"), "replay_events",
                     Qt::BottomDockWidgetArea);
    splitDockWidget(plots, log, Qt::Horizontal);
    dock(commands_, tr("Commands"), "replay_commands", Qt::RightDockWidgetArea);
    for (const auto& c : replay_->commands()) {
        auto* item =
            new QListWidgetItem(QStringLiteral("%1 s  %2 %3")
                                    .arg(seconds(c.clock_ns), QString::fromStdString(c.command),
                                         QString::fromStdString(c.argument)),
                                commands_);
        item->setData(Qt::UserRole, qulonglong(c.clock_ns));
    }

    settle_->setSingleShot(true);
    settle_->setInterval(kSettleMs);
    connect(timeline_, &QSlider::valueChanged, settle_, qOverload<>(&QTimer::start));
    connect(settle_, &QTimer::timeout, this, [this] { showMoment(timeAt(timeline_->value())); });
    connect(prev, &QPushButton::clicked, this, [this] { stepSnapshot(-1); });
    connect(next, &QPushButton::clicked, this, [this] { stepSnapshot(+1); });
    connect(commands_, &QListWidget::itemActivated, this,
            [this](QListWidgetItem* item) { moveTo(item->data(Qt::UserRole).toULongLong()); });

    const auto& snaps = replay_->snapshots();
    moveTo(snaps.empty() ? replay_->begin_ns() : snaps.front().clock_ns);
}

SessionReplayWindow::~SessionReplayWindow() = default;

uint64_t SessionReplayWindow::timeAt(int slider) const {
    const uint64_t span = replay_->end_ns() - replay_->begin_ns();
    return replay_->begin_ns() +
           uint64_t(double(span) * double(slider) / double(kTimelineSteps) + 0.5);
}

int SessionReplayWindow::sliderAt(uint64_t t) const {
    const uint64_t span = replay_->end_ns() - replay_->begin_ns();
    if (span == 0 || t <= replay_->begin_ns())
        return 0;
    return int(std::min<double>(
        kTimelineSteps, double(t - replay_->begin_ns()) / double(span) * kTimelineSteps + 0.5));
}

void SessionReplayWindow::moveTo(uint64_t t) {
    const QSignalBlocker quiet(timeline_);
    timeline_->setValue(sliderAt(t));
    showMoment(t);
}

void SessionReplayWindow::stepSnapshot(int delta) {
    const auto& snaps = replay_->snapshots();
    if (snaps.empty())
        return;
    size_t i = shown_snapshot_.value_or(0);
    if (delta < 0 && i > 0)
        --i;
    else if (delta > 0 && i + 1 < snaps.size())
        ++i;
    moveTo(snaps[i].clock_ns);
}

void SessionReplayWindow::showMoment(uint64_t t) {
    moment_ = t;
    shown_snapshot_ = replay_->nearest_snapshot(t);
    if (shown_snapshot_)
        heatmap_->heatmap()->setSnapshot(replay_->snapshot(*shown_snapshot_));

    const size_t samples = replay_->metrics_until(t);
    plots_->showSamples({replay_->metrics().data(), samples});

    const auto w = replay_->events_around(t, kEventsBefore, kEventsAfter);
    auto frame = std::make_shared<EngineFrame>();
    frame->events = w.events;
    frame->gen_after = w.gen_after;
    events_->clear();
    events_->append(frame);
    if (w.at > 0) {
        QTableView* view = event_view_->view();
        QModelIndex index = events_->index(int(w.at) - 1, 0);
        if (auto* proxy = qobject_cast<QSortFilterProxyModel*>(view->model()))
            index = proxy->mapFromSource(index);
        view->setCurrentIndex(index);
        view->scrollTo(index, QAbstractItemView::PositionAtCenter);
    }

    QString text = tr("t = %1 s of %2 s").arg(seconds(t), seconds(replay_->end_ns()));
    if (shown_snapshot_)
        text += tr(" · buckets as of the snapshot at %1 s")
                    .arg(seconds(replay_->snapshots()[*shown_snapshot_].clock_ns));
    else
        text += tr(" · no snapshot recorded");
    text += tr(" · %1 metric samples").arg(samples);
    if (!w.gens_known && !w.events.empty())
        text += tr(" · gens unknown (no snapshot near these events)");
    status_->setText(text);
}

} // namespace bucketscope
