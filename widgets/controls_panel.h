#pragma once
// The controls dock: run, pause, step one event and speed; the replacement policy (as
// writing sysfs cache_replacement_policy); trigger_gc; one forced invalidate pass; a
// priority rescale; discard on or off; how many next victims to outline. Each control
// goes straight to the EngineController; the engine records it as a command event. The
// lower half shows the engine's clock, its tasks and what each waits for.

#include <QWidget>

#include "widgets/engine_frame.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QPushButton;
class QSlider;
class QSpinBox;
class QTreeWidget;

namespace bucketscope {

class EngineController;

class ControlsPanel : public QWidget {
    Q_OBJECT
  public:
    explicit ControlsPanel(EngineController* controller, QWidget* parent = nullptr);

    void showFrame(const FramePtr& frame);
    QComboBox* policyBox() const { return policy_; }
    QPushButton* gcButton() const { return gc_; }
    QPushButton* stepButton() const { return step_; }
    QPushButton* playButton() const { return play_; }

  private:
    static quint64 stepsForSlider(int v);

    EngineController* controller_;
    QPushButton* play_;
    QPushButton* step_;
    QSlider* speed_;
    QLabel* speed_label_;
    QComboBox* policy_;
    QPushButton* gc_;
    QPushButton* invalidate_;
    QPushButton* rescale_;
    QCheckBox* discard_;
    QSpinBox* victims_;
    QLabel* status_;
    QTreeWidget* tasks_;
};

} // namespace bucketscope
