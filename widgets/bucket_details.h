#pragma once
// The selected bucket, followed live: every field of the newest snapshot, plus the events
// that touched it since it was selected.

#include <QWidget>
#include <optional>

#include "widgets/engine_frame.h"

class QFormLayout;
class QLabel;
class QListWidget;
class QPushButton;

namespace bucketscope {

class BucketDetails : public QWidget {
    Q_OBJECT
  public:
    explicit BucketDetails(QWidget* parent = nullptr);

    void setBucket(std::optional<uint64_t> bucket);
    std::optional<uint64_t> bucket() const { return bucket_; }
    void showFrame(const FramePtr& frame);
    // The value shown for field row `row` (tests).
    QString valueText(int row) const;

  signals:
    void invalidateRequested(quint64 bucket);

  private:
    void refresh();

    std::optional<uint64_t> bucket_;
    SnapshotPtr snap_;
    QLabel* title_;
    QFormLayout* form_;
    std::vector<QLabel*> values_;
    QListWidget* history_;
    QPushButton* invalidate_;
};

} // namespace bucketscope
