// Write sizes are shown in KiB and stored in sectors (WorkloadParams::max_write_sectors):
// the generator rounds every write to whole blocks anyway.
#include "widgets/workload_panel.h"

#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QVBoxLayout>

namespace bucketscope {

WorkloadPanel::WorkloadPanel(QWidget* parent)
    : QWidget(parent), source_(new QComboBox(this)), trace_(new QLineEdit(this)),
      processes_(new QSpinBox(this)), flash_(new QSpinBox(this)), read_(new QSpinBox(this)),
      sequential_(new QSpinBox(this)), write_kib_(new QSpinBox(this)), note_(new QLabel(this)),
      apply_(new QPushButton(tr("Apply (restarts the engine)"), this)) {
    source_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    source_->setMinimumContentsLength(12);
    source_->addItem(tr("Built-in write generator"), int(BuiltIn));
    source_->addItem(tr("Trace file…"), int(TraceFile));
    source_->addItem(tr("Generator spec (zipf, hotcold, scan…)"), int(GeneratorSpec));
    const QString later = tr("Comes with trace replay: the engine cannot be driven by a trace or a "
                             "generator spec yet");
    if (!kReplayAvailable) {
        auto* model = qobject_cast<QStandardItemModel*>(source_->model());
        for (int row : {1, 2}) {
            model->item(row)->setEnabled(false);
            model->item(row)->setToolTip(later);
        }
    }
    trace_->setEnabled(kReplayAvailable);
    trace_->setPlaceholderText(tr("trace file or generator spec"));
    trace_->setToolTip(later);

    processes_->setRange(1, int(kMaxProcesses));
    processes_->setToolTip(
        tr("Writer processes, each with its own write point and seeded generator"));
    for (QSpinBox* b : {flash_, read_, sequential_}) {
        b->setRange(0, 100);
        b->setSuffix(QStringLiteral(" %"));
    }
    flash_->setToolTip(tr("Processes writing to a flash-only volume; the others write to a cached "
                          "backing device, whose requests rescale prios"));
    read_->setToolTip(tr("Requests that are reads"));
    sequential_->setToolTip(tr("Writes that continue where the process left off"));
    write_kib_->setRange(1, 1024);
    write_kib_->setSuffix(tr(" KiB"));
    write_kib_->setToolTip(tr("Writes are 1 block up to this size, in whole blocks"));
    note_->setWordWrap(true);
    note_->setText(tr("Applying starts a new engine with the same geometry, policy and seed; the "
                      "history so far is discarded."));
    apply_->setToolTip(note_->text());

    auto* form = new QFormLayout;
    form->setRowWrapPolicy(QFormLayout::WrapLongRows);
    form->addRow(tr("Source"), source_);
    form->addRow(QString(), trace_);
    form->addRow(tr("Processes"), processes_);
    form->addRow(tr("Flash-only processes"), flash_);
    form->addRow(tr("Reads"), read_);
    form->addRow(tr("Sequential writes"), sequential_);
    form->addRow(tr("Largest write"), write_kib_);
    auto* box = new QVBoxLayout(this);
    box->setContentsMargins(4, 4, 4, 4);
    box->addLayout(form);
    box->addWidget(note_);
    box->addWidget(apply_);
    box->addStretch(1);

    connect(apply_, &QPushButton::clicked, this, [this] { emit applyRequested(params()); });
    showOptions(EngineOptions{});
}

void WorkloadPanel::showOptions(const EngineOptions& opts) {
    base_ = opts.workload;
    source_->setCurrentIndex(source_->findData(int(BuiltIn)));
    processes_->setValue(int(base_.processes));
    flash_->setValue(int(base_.flash_only_percent));
    read_->setValue(int(base_.read_percent));
    sequential_->setValue(int(base_.sequential_percent));
    write_kib_->setValue(int(std::max<uint32_t>(1, base_.max_write_sectors / 2)));
}

WorkloadParams WorkloadPanel::params() const {
    WorkloadParams p = base_;
    p.processes = unsigned(processes_->value());
    p.flash_only_percent = unsigned(flash_->value());
    p.read_percent = unsigned(read_->value());
    p.sequential_percent = unsigned(sequential_->value());
    p.max_write_sectors = uint32_t(write_kib_->value()) * 2;
    return p;
}

} // namespace bucketscope
