#include "widgets/session_settings_dialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPushButton>

namespace bucketscope {

SessionSettingsDialog::SessionSettingsDialog(const RecordingSettings& initial, QWidget* parent)
    : QDialog(parent), enabled_(new QCheckBox(tr("Record every engine run as a session"), this)),
      database_(new QLineEdit(this)), interval_(new QDoubleSpinBox(this)) {
    setWindowTitle(tr("Sessions"));
    enabled_->setChecked(initial.enabled);
    database_->setText(initial.database);
    database_->setPlaceholderText(default_session_database());
    database_->setToolTip(tr("Leave empty for the default location"));
    interval_->setRange(0, 3600);
    interval_->setDecimals(3);
    interval_->setSingleStep(0.5);
    interval_->setSuffix(tr(" s"));
    interval_->setValue(initial.snapshot_interval_s);
    interval_->setToolTip(tr("Seconds of engine time between bucket snapshots; 0 records only "
                             "the last one"));

    auto* browse = new QPushButton(tr("Choose…"), this);
    auto* path_row = new QHBoxLayout;
    path_row->addWidget(database_, 1);
    path_row->addWidget(browse);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);

    auto* form = new QFormLayout(this);
    form->addRow(enabled_);
    form->addRow(tr("Database"), path_row);
    form->addRow(tr("Snapshot interval"), interval_);
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString path =
            QFileDialog::getSaveFileName(this, tr("Session database"), session_database(settings()),
                                         tr("SQLite databases (*.db *.sqlite);;All files (*)"),
                                         nullptr, QFileDialog::DontConfirmOverwrite);
        if (!path.isEmpty())
            database_->setText(path);
    });
}

RecordingSettings SessionSettingsDialog::settings() const {
    RecordingSettings s;
    s.enabled = enabled_->isChecked();
    s.database = database_->text().trimmed();
    s.snapshot_interval_s = interval_->value();
    return s;
}

} // namespace bucketscope
