#pragma once
// "Format new image": a cache superblock as make-bcache -C writes it, on a new image file
// or an existing target. Sizes are typed as the CLI takes them ("64M", "512K", "8s") and
// parsed by core's parse_size; while the user types, the geometry is checked with
// plan_cache_format against the size given (or the existing file's size), so errors and
// the kernel's warnings show before anything happens.
//
// The dialog writes nothing. Its request goes through WriteConfirmation (the safety probe,
// force only when the user ticks it) and then format_target on a LongJob; see
// ImageController::formatNew().

#include "core/device/format_target.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;

namespace bucketscope {

class FormatDialog : public QDialog {
    Q_OBJECT
  public:
    explicit FormatDialog(const QString& target = {}, QWidget* parent = nullptr);

    // What format_target should do (force off; the confirmation decides that).
    FormatRequest request() const;
    bool isValid() const { return problem_.isEmpty(); }
    QString problem() const { return problem_; }
    QStringList warnings() const { return warnings_; }

    QLineEdit* targetEdit() const { return target_; }
    QLineEdit* sizeEdit() const { return size_; }
    QLineEdit* bucketSizeEdit() const { return bucket_; }
    QLineEdit* blockSizeEdit() const { return block_; }
    QComboBox* policyBox() const { return policy_; }
    QCheckBox* discardBox() const { return discard_; }

  private:
    void validate();
    void browse();

    QLineEdit* target_;
    QLineEdit* size_;
    QLineEdit* bucket_;
    QLineEdit* block_;
    QComboBox* policy_;
    QCheckBox* discard_;
    QLineEdit* label_;
    QLabel* verdict_;
    QDialogButtonBox* buttons_;
    QString problem_;
    QStringList warnings_;
};

} // namespace bucketscope
