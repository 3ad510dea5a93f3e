#pragma once
// Settings > Sessions…: record every engine run or not, the database (empty means the
// platform default, shown as the placeholder) and the snapshot interval.

#include "widgets/session_settings.h"

#include <QDialog>

class QCheckBox;
class QDoubleSpinBox;
class QLineEdit;

namespace bucketscope {

class SessionSettingsDialog : public QDialog {
    Q_OBJECT
  public:
    explicit SessionSettingsDialog(const RecordingSettings& initial, QWidget* parent = nullptr);
    RecordingSettings settings() const;

    QCheckBox* enabledBox() const { return enabled_; }
    QLineEdit* databaseEdit() const { return database_; }
    QDoubleSpinBox* intervalBox() const { return interval_; }

  private:
    QCheckBox* enabled_;
    QLineEdit* database_;
    QDoubleSpinBox* interval_;
};

} // namespace bucketscope
