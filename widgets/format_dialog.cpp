// Validation errors name the field as the dialog labels it, then core's sentence, which
// names the value and the limit it breaks.
#include "widgets/format_dialog.h"

#include "core/device/size_parse.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QToolButton>

namespace bucketscope {

FormatDialog::FormatDialog(const QString& target, QWidget* parent)
    : QDialog(parent), target_(new QLineEdit(target, this)),
      size_(new QLineEdit(QStringLiteral("64M"), this)),
      bucket_(new QLineEdit(QStringLiteral("512K"), this)),
      block_(new QLineEdit(QStringLiteral("4K"), this)), policy_(new QComboBox(this)),
      discard_(new QCheckBox(tr("Discard freed buckets (CACHE_DISCARD)"), this)),
      label_(new QLineEdit(this)), verdict_(new QLabel(this)),
      buttons_(new QDialogButtonBox(QDialogButtonBox::Cancel, this)) {
    setWindowTitle(tr("Format new image"));
    target_->setPlaceholderText(tr("image file or block device"));
    target_->setToolTip(tr("A missing file is created with the size below; an existing target is "
                           "never resized"));
    size_->setToolTip(
        tr("Bytes to format (K, M, G, T suffixes; s for 512-byte sectors). Empty: the "
           "whole existing target"));
    bucket_->setToolTip(tr("Bucket size (make-bcache -b); a power of two of at least one page"));
    block_->setToolTip(tr("Block size (make-bcache -w). Empty: the device's logical block size, or "
                          "st_blksize for an image file"));
    policy_->addItem(QStringLiteral("lru"), int(ondisk::CacheReplacement::lru));
    policy_->addItem(QStringLiteral("fifo"), int(ondisk::CacheReplacement::fifo));
    policy_->addItem(QStringLiteral("random"), int(ondisk::CacheReplacement::random));
    label_->setMaxLength(int(ondisk::SB_LABEL_SIZE));
    verdict_->setWordWrap(true);
    verdict_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* browse = new QToolButton(this);
    browse->setText(tr("Browse…"));
    auto* target_row = new QHBoxLayout;
    target_row->addWidget(target_, 1);
    target_row->addWidget(browse);

    QPushButton* format = buttons_->addButton(tr("Format…"), QDialogButtonBox::AcceptRole);
    format->setToolTip(tr("Probes the target and asks before writing"));

    auto* form = new QFormLayout(this);
    form->addRow(tr("Target"), target_row);
    form->addRow(tr("Size"), size_);
    form->addRow(tr("Bucket size"), bucket_);
    form->addRow(tr("Block size"), block_);
    form->addRow(tr("Replacement policy"), policy_);
    form->addRow(discard_);
    form->addRow(tr("Label"), label_);
    form->addRow(verdict_);
    form->addRow(buttons_);

    connect(browse, &QToolButton::clicked, this, &FormatDialog::browse);
    connect(buttons_, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);
    for (QLineEdit* e : {target_, size_, bucket_, block_, label_})
        connect(e, &QLineEdit::textChanged, this, &FormatDialog::validate);
    validate();
}

FormatRequest FormatDialog::request() const {
    FormatRequest r;
    r.target = target_->text().trimmed().toStdString();
    auto parse = [](const QLineEdit* e, uint64_t& out) {
        return !e->text().trimmed().isEmpty() && parse_size(e->text().trimmed().toStdString(), out);
    };
    uint64_t v = 0;
    if (parse(size_, v))
        r.options.size_bytes = v;
    if (parse(bucket_, v))
        r.options.bucket_bytes = v;
    if (parse(block_, v))
        r.block_bytes = v;
    r.options.policy = ondisk::CacheReplacement(policy_->currentData().toInt());
    r.options.discard = discard_->isChecked();
    r.options.label = label_->text().toStdString();
    return r;
}

void FormatDialog::validate() {
    problem_.clear();
    warnings_.clear();
    const QString target = target_->text().trimmed();
    auto check = [this](const QString& field, const QLineEdit* e, bool required) {
        const QString text = e->text().trimmed();
        if (text.isEmpty()) {
            if (required && problem_.isEmpty())
                problem_ = tr("%1: required").arg(field);
            return;
        }
        uint64_t bytes;
        if (const Status s = parse_size(text.toStdString(), bytes); !s && problem_.isEmpty())
            problem_ = tr("%1: %2").arg(field, QString::fromStdString(s.message));
    };
    const QFileInfo info(target);
    if (target.isEmpty())
        problem_ = tr("Target: required");
    check(tr("Size"), size_, !info.exists());
    check(tr("Bucket size"), bucket_, true);
    check(tr("Block size"), block_, false);

    const FormatRequest r = request();
    // Block devices are sized when the job opens them; files are checked here already.
    const bool sized = r.options.size_bytes || (info.exists() && info.isFile());
    if (problem_.isEmpty() && sized) {
        FormatOptions o = r.options;
        o.block_bytes = r.block_bytes.value_or(default_block_bytes(r.target, 512));
        const uint64_t device_bytes =
            info.exists() && info.isFile() ? uint64_t(info.size()) : o.size_bytes;
        FormatPlan plan;
        if (const Status s = plan_cache_format(o, device_bytes, 512, plan); !s)
            problem_ = QString::fromStdString(s.message);
        for (const auto& w : plan.warnings)
            warnings_ << QString::fromStdString(w);
        if (problem_.isEmpty())
            warnings_.prepend(tr("%1 buckets of %2 sectors, first bucket %3")
                                  .arg(plan.sb.nbuckets)
                                  .arg(plan.sb.bucket_sectors())
                                  .arg(plan.sb.first_bucket));
    }
    verdict_->setText(problem_.isEmpty() ? warnings_.join(QLatin1Char('\n')) : problem_);
    for (QAbstractButton* b : buttons_->buttons())
        if (buttons_->buttonRole(b) == QDialogButtonBox::AcceptRole)
            b->setEnabled(problem_.isEmpty());
}

void FormatDialog::browse() {
    const QString path = QFileDialog::getSaveFileName(this, tr("New cache image"), target_->text(),
                                                      tr("Cache images (*.img);;All files (*)"),
                                                      nullptr, QFileDialog::DontConfirmOverwrite);
    if (!path.isEmpty())
        target_->setText(path);
}

} // namespace bucketscope
