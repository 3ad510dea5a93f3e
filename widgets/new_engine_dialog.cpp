// Bucket sizes are offered as powers of two from one block (4 KiB) up, as make-bcache
// accepts them; the block size stays at 8 sectors.
#include "widgets/new_engine_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSpinBox>

#include "widgets/bucket_text.h"
#include "widgets/workload_panel.h"

namespace bucketscope {

NewEngineDialog::NewEngineDialog(const EngineOptions& initial, QWidget* parent)
    : QDialog(parent), base_(initial), buckets_(new QSpinBox(this)), bucket_size_(new QComboBox(this)),
      policy_(new QComboBox(this)), profile_(new QComboBox(this)), seed_(new QSpinBox(this)),
      processes_(new QSpinBox(this)), size_(new QLabel(this)),
      buttons_(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this)) {
    setWindowTitle(tr("New demo engine"));
    buckets_->setRange(1024, 1 << 22);
    buckets_->setSingleStep(1024);
    buckets_->setValue(int(initial.geometry.nbuckets));
    buckets_->setToolTip(tr("nbuckets, including the buckets below first_bucket"));
    for (uint32_t sectors = 8; sectors <= 1024; sectors *= 2)
        bucket_size_->addItem(tr("%1 KiB").arg(sectors / 2), sectors);
    bucket_size_->setCurrentIndex(std::max(0, bucket_size_->findData(initial.geometry.bucket_size)));
    for (auto p : {ReplacementPolicy::Lru, ReplacementPolicy::Fifo, ReplacementPolicy::Random})
        policy_->addItem(policy_name(p), int(p));
    policy_->setCurrentIndex(policy_->findData(int(initial.policy)));
    profile_->addItem(tr("Linux 6.2"), int(KernelProfile::V6_2));
    profile_->addItem(tr("Linux 4.6"), int(KernelProfile::V4_6));
    profile_->setCurrentIndex(profile_->findData(int(initial.profile)));
    seed_->setRange(0, INT_MAX);
    seed_->setValue(int(initial.seed));
    processes_->setRange(1, int(WorkloadPanel::kMaxProcesses));
    processes_->setValue(int(initial.workload.processes));

    auto* form = new QFormLayout(this);
    form->addRow(tr("Buckets"), buckets_);
    form->addRow(tr("Bucket size"), bucket_size_);
    form->addRow(tr("Replacement policy"), policy_);
    form->addRow(tr("Kernel profile"), profile_);
    form->addRow(tr("Seed"), seed_);
    form->addRow(tr("Writer processes"), processes_);
    form->addRow(size_);
    form->addRow(buttons_);
    connect(buttons_, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(buckets_, &QSpinBox::valueChanged, this, &NewEngineDialog::updateSize);
    connect(bucket_size_, &QComboBox::currentIndexChanged, this, &NewEngineDialog::updateSize);
    updateSize();
}

EngineOptions NewEngineDialog::options() const {
    EngineOptions o = base_;
    o.geometry.nbuckets = uint64_t(buckets_->value());
    o.geometry.bucket_size = bucket_size_->currentData().toUInt();
    o.geometry.block_size = 8;
    o.geometry.first_bucket = 1;
    o.policy = ReplacementPolicy(policy_->currentData().toInt());
    o.profile = KernelProfile(profile_->currentData().toInt());
    o.seed = uint64_t(seed_->value());
    o.workload.processes = unsigned(processes_->value());
    return o;
}

void NewEngineDialog::updateSize() {
    const uint64_t bytes = uint64_t(buckets_->value()) * bucket_size_->currentData().toUInt() * 512;
    const bool fits = bytes <= kMaxRamBytes;
    size_->setText(fits ? tr("The RAM device takes %1.").arg(QLocale().formattedDataSize(qint64(bytes)))
                        : tr("Too large: the RAM device would take %1, at most %2 are allowed.")
                              .arg(QLocale().formattedDataSize(qint64(bytes)),
                                   QLocale().formattedDataSize(qint64(kMaxRamBytes))));
    buttons_->button(QDialogButtonBox::Ok)->setEnabled(fits);
}

} // namespace bucketscope
