// The probe's sentences come from core in English; they name paths, mount points and
// signature types, which read the same in every language.
#include "widgets/write_confirmation.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace bucketscope {

WriteConfirmation::WriteConfirmation(const SafetyReport& report, const QString& action,
                                     QWidget* parent)
    : QDialog(parent) {
    setWindowTitle(tr("Write to %1?").arg(QString::fromStdString(report.path)));
    const auto blockers = report.blockers();
    const auto notes = report.notes();

    auto* box = new QVBoxLayout(this);
    auto* intro = new QLabel(
        tr("bucketscope is about to write to <b>%1</b>: %2. Whatever the "
           "target holds there is lost.")
            .arg(QString::fromStdString(report.path).toHtmlEscaped(), action.toHtmlEscaped()),
        this);
    intro->setWordWrap(true);
    box->addWidget(intro);
    auto list = [&](const QString& heading, const std::vector<std::string>& lines) {
        if (lines.empty())
            return;
        QString html = QStringLiteral("<p>%1</p><ul>").arg(heading);
        for (const auto& l : lines)
            html += QStringLiteral("<li>%1</li>").arg(QString::fromStdString(l).toHtmlEscaped());
        auto* label = new QLabel(html + QStringLiteral("</ul>"), this);
        label->setWordWrap(true);
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
        box->addWidget(label);
    };
    list(tr("<b>The safety probe refuses this target:</b>"), blockers);
    list(tr("It also found:"), notes);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    write_ = buttons->addButton(blockers.empty() ? tr("Write") : tr("Write anyway"),
                                QDialogButtonBox::DestructiveRole);
    buttons->button(QDialogButtonBox::Cancel)->setDefault(true);
    if (!blockers.empty()) {
        force_ =
            new QCheckBox(tr("I have read the above and want to write anyway (--force)"), this);
        box->addWidget(force_);
        write_->setEnabled(false);
        connect(force_, &QCheckBox::toggled, write_, &QPushButton::setEnabled);
    }
    box->addWidget(buttons);
    connect(write_, &QPushButton::clicked, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

bool WriteConfirmation::forced() const {
    return force_ && force_->isChecked();
}

bool WriteConfirmation::confirm(const SafetyReport& report, const QString& action, QWidget* parent,
                                bool& force) {
    WriteConfirmation dialog(report, action, parent);
    if (dialog.exec() != QDialog::Accepted)
        return false;
    force = dialog.forced();
    return true;
}

} // namespace bucketscope
