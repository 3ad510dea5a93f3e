#pragma once
// The explicit confirmation before bucketscope writes to a target: it says what will be
// written, lists what the safety probe found, and, when the probe found something that
// blocks writing (a mount, a holder, a foreign signature, a target it could not check),
// keeps the write button disabled until "write anyway" is ticked, which is the CLI's
// --force. Nothing is ever written without passing through here.

#include "core/device/safety_probe.h"

#include <QDialog>

class QCheckBox;
class QPushButton;

namespace bucketscope {

class WriteConfirmation : public QDialog {
    Q_OBJECT
  public:
    // `action` says what will be written, e.g. "format it as a bcache cache device".
    WriteConfirmation(const SafetyReport& report, const QString& action, QWidget* parent = nullptr);

    // After exec() returned Accepted: whether the user overrode the probe's blockers.
    bool forced() const;
    QPushButton* writeButton() const { return write_; }
    QCheckBox* forceBox() const { return force_; }

    // Runs the dialog; true if the user confirmed, with `force` set when they had to.
    static bool confirm(const SafetyReport& report, const QString& action, QWidget* parent,
                        bool& force);

  private:
    QCheckBox* force_ = nullptr;
    QPushButton* write_;
};

} // namespace bucketscope
