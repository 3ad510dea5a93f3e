#pragma once
// Long work off the UI thread: formatting a target, inspecting a large device, opening
// one for running, reading a trace. A LongJob runs one function on its own thread with a core Progress,
// relays the figures to the UI thread as progressed() signals, and can show them in a
// QProgressDialog whose Cancel button asks the work to stop at its next report.
//
// The work's result travels in whatever the function captures (a shared_ptr the caller
// also holds); finished() is emitted on the UI thread after the function has returned,
// so reading the result from there needs no lock. The job owns its thread: destroying
// the job cancels the work and waits for it.

#include "core/device/progress.h"

#include <QObject>
#include <QPointer>
#include <QString>
#include <atomic>
#include <functional>
#include <mutex>

class QProgressDialog;
class QThread;

namespace bucketscope {

class LongJob : public QObject {
    Q_OBJECT
  public:
    using Work = std::function<void(Progress&)>;

    explicit LongJob(Work work, QObject* parent = nullptr);
    ~LongJob() override;

    void start();
    // Any time, from the UI thread; the work stops at its next report.
    void cancel();
    bool cancelRequested() const { return cancel_.load(); }
    bool isRunning() const { return running_; }
    // Blocks until the work has returned and finished() was emitted (tests, shutdown).
    void wait();

    // A window-modal dialog over `parent` that follows this job: shown only if the work
    // takes longer than a moment, Cancel cancels, closes itself when the job finishes.
    QProgressDialog* showDialog(QWidget* parent, const QString& title, const QString& label);

    // The figures last reported (UI thread).
    QString stage() const;

  signals:
    void progressed(const QString& stage, qint64 done, qint64 total);
    // `cancelled`: cancel() was called before the work returned.
    void finished(bool cancelled);

  private:
    bool onReport(std::string_view stage, uint64_t done, uint64_t total);
    void relay();
    void onThreadFinished();

    Work work_;
    QThread* thread_ = nullptr;
    std::atomic<bool> cancel_{false};
    std::atomic<bool> relay_queued_{false};
    bool running_ = false;
    bool finished_emitted_ = false;

    mutable std::mutex mutex_; // guards the figures below (worker writes, UI reads)
    QString stage_;
    uint64_t done_ = 0, total_ = 0;
};

// The words for a core progress stage ("journal", "prio sets", "btree", "extents",
// "probe", "plan", "write", "register", "trace"), translated; unknown stages are shown as they are.
QString progress_stage_text(const QString& stage, qint64 done, qint64 total);

} // namespace bucketscope
