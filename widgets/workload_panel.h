#pragma once
// The workload dock: what drives the engine. Today that is the engine's built-in write
// generator (WorkloadParams: writer processes, the share writing to flash-only volumes,
// reads, sequential writes, the largest write); applying new parameters restarts the
// demo engine with them, on the same geometry, policy and seed, because a workload is
// part of an engine's options and a running history cannot change its past.
//
// The source box has the places for a trace file and a generator spec already; they stay
// disabled until trace replay drives the engine (issue #5), when choosing them will start
// the engine on that source in the same way.

#include "core/engine/engine.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace bucketscope {

class WorkloadPanel : public QWidget {
    Q_OBJECT
  public:
    enum Source { BuiltIn, TraceFile, GeneratorSpec };
    // Whether the trace-file and generator-spec sources can drive the engine yet.
    static constexpr bool kReplayAvailable = false;
    // The engine's limit on writer processes.
    static constexpr unsigned kMaxProcesses = 32;

    explicit WorkloadPanel(QWidget* parent = nullptr);

    // Shows the parameters of the engine now running.
    void showOptions(const EngineOptions& opts);
    WorkloadParams params() const;

    QComboBox* sourceBox() const { return source_; }
    QSpinBox* processesBox() const { return processes_; }
    QSpinBox* flashBox() const { return flash_; }
    QSpinBox* readBox() const { return read_; }
    QSpinBox* sequentialBox() const { return sequential_; }
    QSpinBox* writeSizeBox() const { return write_kib_; }
    QPushButton* applyButton() const { return apply_; }

  signals:
    // Restart the engine with these parameters.
    void applyRequested(const bucketscope::WorkloadParams& params);

  private:
    WorkloadParams base_;
    QComboBox* source_;
    QLineEdit* trace_;
    QSpinBox* processes_;
    QSpinBox* flash_;
    QSpinBox* read_;
    QSpinBox* sequential_;
    QSpinBox* write_kib_;
    QLabel* note_;
    QPushButton* apply_;
};

} // namespace bucketscope
