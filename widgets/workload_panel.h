#pragma once
// The workload dock: what drives the engine. Three sources, one page each:
//   * the engine's built-in write generator (WorkloadParams: writer processes, the share
//     writing to flash-only volumes, reads, sequential writes, the largest write);
//   * a generator spec (core/workload/generator.h): kind and its parameters, span, read
//     share, request sizes, processes, how many requests; the spec string is shown as the
//     CLI's --workload takes it;
//   * a trace file in one of the formats replay reads (blkparse, fio, msr, csv, oracle),
//     with its reader's options (widgets/trace_form.h).
// Generator and trace feed the request path, whose cache mode is chosen here too.
//
// Applying restarts the engine (the demo engine on the same geometry, policy and seed, or
// the device it runs on) because a workload is part of an engine's options and a running
// history cannot change its past. A trace is read through once first, on a LongJob with a
// progress dialog that can cancel: a malformed record then stops nothing that runs and is
// shown as FILE:LINE. The rate is live: it caps requests per second of wall time.

#include "widgets/engine_frame.h"
#include "widgets/long_job.h"
#include "widgets/trace_form.h"
#include "widgets/workload_choice.h"

#include <QPointer>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QStackedWidget;

namespace bucketscope {

class WorkloadPanel : public QWidget {
    Q_OBJECT
  public:
    enum Source { BuiltIn, TraceFile, GeneratorSpec };
    // The engine's limit on writer processes.
    static constexpr unsigned kMaxProcesses = 32;

    explicit WorkloadPanel(QWidget* parent = nullptr);

    // Shows the built-in parameters of the engine now running (and selects the built-in
    // source when that is what it runs).
    void showOptions(const EngineOptions& opts);
    // Shows `choice` (what the engine now runs) in the source box and its page; a spec's
    // keys go back into the fields they came from, the kind's own keys into Parameters.
    void showChoice(const WorkloadChoice& choice);
    // Follows the running source: how far it got, and why it stopped.
    void showFrame(const FramePtr& frame);
    WorkloadParams params() const;
    // What Apply would start; the spec string is built from the generator page's fields.
    // A trace page field that does not parse keeps its default, named in `error`.
    WorkloadChoice choice(QString* error = nullptr) const;
    QString spec() const;

    QComboBox* sourceBox() const { return source_; }
    QSpinBox* processesBox() const { return processes_; }
    QSpinBox* flashBox() const { return flash_; }
    QSpinBox* readBox() const { return read_; }
    QSpinBox* sequentialBox() const { return sequential_; }
    QSpinBox* writeSizeBox() const { return write_kib_; }
    QComboBox* kindBox() const { return kind_; }
    QLineEdit* kindParamsEdit() const { return kind_params_; }
    QLineEdit* spanEdit() const { return span_; }
    QSpinBox* genReadBox() const { return gen_read_; }
    QLineEdit* sizeEdit() const { return size_; }
    QSpinBox* genProcessesBox() const { return gen_processes_; }
    QSpinBox* requestsBox() const { return requests_; }
    TraceForm* traceForm() const { return trace_form_; }
    QLineEdit* traceEdit() const { return trace_form_->fileEdit(); }
    QComboBox* formatBox() const { return trace_form_->formatBox(); }
    QCheckBox* skipBadBox() const { return trace_form_->skipBadBox(); }
    QSpinBox* writePointsBox() const { return trace_form_->writePointsBox(); }
    QLineEdit* csvColumnsEdit() const { return trace_form_->csvColumnsEdit(); }
    QComboBox* cacheModeBox() const { return cache_mode_; }
    QSpinBox* rateBox() const { return rate_; }
    QPushButton* applyButton() const { return apply_; }
    QLabel* statusLabel() const { return status_; }
    // The trace being read before a restart, if any.
    LongJob* currentJob() const { return job_; }

  signals:
    // Restart the engine with this workload.
    void applyRequested(const bucketscope::WorkloadChoice& choice);
    void rateChanged(double requests_per_second);

  private:
    QWidget* buildBuiltinPage();
    QWidget* buildGeneratorPage();
    void onSourceChanged();
    void onKindChanged();
    void apply();
    void loadTrace(const WorkloadChoice& c);
    void showStatus(const QString& text, bool error);

    WorkloadParams base_;
    QComboBox* source_;
    QStackedWidget* pages_;
    QSpinBox* processes_;
    QSpinBox* flash_;
    QSpinBox* read_;
    QSpinBox* sequential_;
    QSpinBox* write_kib_;
    QComboBox* kind_;
    QLineEdit* kind_params_;
    QLineEdit* span_;
    QSpinBox* gen_read_;
    QLineEdit* size_;
    QSpinBox* gen_processes_;
    QSpinBox* requests_;
    QLabel* spec_label_;
    TraceForm* trace_form_;
    QComboBox* cache_mode_;
    QSpinBox* rate_;
    QLabel* note_;
    QLabel* status_;
    QProgressBar* source_progress_;
    QPushButton* apply_;
    QPointer<LongJob> job_;
};

} // namespace bucketscope
