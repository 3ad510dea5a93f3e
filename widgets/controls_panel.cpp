// The speed slider is logarithmic (1 to 100000 task steps per 10 ms tick): the interesting
// range spans five orders of magnitude, from watching single invalidations to filling a
// cache in seconds. Frames update the widgets with signals blocked, so showing the
// engine's state never echoes back as a command.
#include "widgets/controls_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <cmath>

#include "widgets/bucket_text.h"
#include "widgets/engine_controller.h"

namespace bucketscope {
namespace {
constexpr int kSliderMax = 50; // ten slider steps per decade
}

quint64 ControlsPanel::stepsForSlider(int v) {
    return quint64(std::llround(std::pow(10.0, v / 10.0)));
}

ControlsPanel::ControlsPanel(EngineController* controller, QWidget* parent)
    : QWidget(parent), controller_(controller), play_(new QPushButton(tr("Run"), this)),
      step_(new QPushButton(tr("Step"), this)), speed_(new QSlider(Qt::Horizontal, this)),
      speed_label_(new QLabel(this)), policy_(new QComboBox(this)),
      gc_(new QPushButton(tr("Trigger GC"), this)),
      invalidate_(new QPushButton(tr("Invalidate pass"), this)),
      rescale_(new QPushButton(tr("Rescale prios"), this)),
      discard_(new QCheckBox(tr("Discard buckets before reuse"), this)),
      victims_(new QSpinBox(this)), status_(new QLabel(this)), tasks_(new QTreeWidget(this)) {
    play_->setCheckable(true);
    play_->setToolTip(tr("Run the engine continuously, or pause it"));
    step_->setToolTip(tr("Run exactly one task step"));
    speed_->setRange(0, kSliderMax);
    speed_->setValue(23);
    speed_->setToolTip(tr("Task steps per 10 ms tick"));
    for (auto p : {ReplacementPolicy::Lru, ReplacementPolicy::Fifo, ReplacementPolicy::Random})
        policy_->addItem(policy_name(p), int(p));
    policy_->setToolTip(tr("cache_replacement_policy: which buckets invalidation picks"));
    gc_->setToolTip(tr("As writing trigger_gc in sysfs: run garbage collection now"));
    invalidate_->setToolTip(tr("Run one invalidate pass now, filling free_inc"));
    rescale_->setToolTip(tr("Run one bch_rescale_priorities pass now"));
    victims_->setRange(0, 1024);
    victims_->setValue(32);
    victims_->setToolTip(tr("Outline this many buckets the current policy would invalidate next"));
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    tasks_->setColumnCount(3);
    tasks_->setHeaderLabels({tr("Task"), tr("Waiting on"), tr("Steps")});
    tasks_->setRootIsDecorated(false);
    tasks_->header()->setStretchLastSection(true);

    auto* run_box = new QGroupBox(tr("Run"), this);
    auto* run = new QFormLayout(run_box);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(play_);
    buttons->addWidget(step_);
    run->addRow(buttons);
    run->addRow(tr("Speed"), speed_);
    run->addRow(QString(), speed_label_);

    auto* cmd_box = new QGroupBox(tr("Allocator"), this);
    auto* cmd = new QFormLayout(cmd_box);
    cmd->addRow(tr("Replacement policy"), policy_);
    cmd->addRow(gc_);
    cmd->addRow(invalidate_);
    cmd->addRow(rescale_);
    cmd->addRow(discard_);
    cmd->addRow(tr("Next victims shown"), victims_);

    auto* box = new QVBoxLayout(this);
    box->setContentsMargins(4, 4, 4, 4);
    box->addWidget(run_box);
    box->addWidget(cmd_box);
    box->addWidget(status_);
    box->addWidget(tasks_, 1);

    auto update_speed = [this] {
        const quint64 steps = stepsForSlider(speed_->value());
        speed_label_->setText(tr("Steps per tick: %1").arg(steps));
        controller_->setStepsPerTick(steps);
    };
    update_speed();
    connect(speed_, &QSlider::valueChanged, this, update_speed);
    connect(play_, &QPushButton::toggled, controller_, &EngineController::setPlaying);
    connect(step_, &QPushButton::clicked, controller_, &EngineController::stepOnce);
    connect(policy_, &QComboBox::currentIndexChanged, this, [this] {
        controller_->setPolicy(ReplacementPolicy(policy_->currentData().toInt()));
    });
    connect(gc_, &QPushButton::clicked, controller_, &EngineController::triggerGc);
    connect(invalidate_, &QPushButton::clicked, this, [this] { controller_->forceInvalidate(std::nullopt); });
    connect(rescale_, &QPushButton::clicked, controller_, &EngineController::rescale);
    connect(discard_, &QCheckBox::toggled, controller_, &EngineController::setDiscard);
    connect(victims_, &QSpinBox::valueChanged, controller_, &EngineController::setVictimCount);
}

void ControlsPanel::showFrame(const FramePtr& frame) {
    if (!frame || !frame->snapshot)
        return;
    const BucketSnapshot& s = *frame->snapshot;
    {
        const QSignalBlocker b1(play_), b2(policy_);
        play_->setChecked(frame->playing);
        play_->setText(frame->playing ? tr("Pause") : tr("Run"));
        policy_->setCurrentIndex(policy_->findData(int(s.policy)));
    }
    step_->setEnabled(!frame->playing);
    status_->setText(tr("Engine time %1 ms · %2 steps · min_prio %3 · %4 events dropped · %5 invariant violations")
                         .arg(double(frame->metrics.clock_ns) / 1e6, 0, 'f', 3)
                         .arg(frame->metrics.steps)
                         .arg(s.min_prio)
                         .arg(frame->events_dropped)
                         .arg(frame->violations.size()));
    status_->setWordWrap(true);
    if (tasks_->topLevelItemCount() != int(frame->tasks.size())) {
        tasks_->clear();
        for (size_t i = 0; i < frame->tasks.size(); ++i)
            tasks_->addTopLevelItem(new QTreeWidgetItem(tasks_));
    }
    for (size_t i = 0; i < frame->tasks.size(); ++i) {
        const TaskInfo& t = frame->tasks[i];
        auto* item = tasks_->topLevelItem(int(i));
        item->setText(0, QString::fromStdString(t.name));
        item->setText(1, QString::fromLatin1(to_string(t.wait)));
        item->setText(2, QString::number(t.steps));
    }
}

} // namespace bucketscope
