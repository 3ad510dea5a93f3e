#pragma once
// "New demo engine": the geometry, policy, kernel profile, seed and workload of a fresh
// engine on a RAM device. The device holds every byte of the cache, so the dialog shows
// the memory it will take and refuses more than kMaxRamBytes.

#include <QDialog>

#include "core/engine/engine.h"

class QComboBox;
class QLabel;
class QSpinBox;
class QDialogButtonBox;

namespace bucketscope {

class NewEngineDialog : public QDialog {
    Q_OBJECT
  public:
    static constexpr uint64_t kMaxRamBytes = 1ull << 30;

    explicit NewEngineDialog(const EngineOptions& initial, QWidget* parent = nullptr);
    EngineOptions options() const;

  private:
    void updateSize();

    EngineOptions base_;
    QSpinBox* buckets_;
    QComboBox* bucket_size_;
    QComboBox* policy_;
    QComboBox* profile_;
    QSpinBox* seed_;
    QSpinBox* processes_;
    QLabel* size_;
    QDialogButtonBox* buttons_;
};

} // namespace bucketscope
