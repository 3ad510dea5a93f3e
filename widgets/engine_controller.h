#pragma once
// The UI's handle on the engine. EngineController lives on the UI thread, owns the worker
// thread and its EngineWorker, forwards commands to it as queued calls and re-emits the
// frames the worker publishes. Nothing here blocks on the engine except open_sync() and
// sync(), which tests and the screenshot mode use to wait for a known state.

#include <QObject>
#include <QThread>
#include <functional>
#include <optional>

#include "widgets/engine_frame.h"
#include "widgets/engine_run.h"
#include "widgets/session_settings.h"

namespace bucketscope {

class EngineWorker;

// A RAM-backed demo cache small enough to hold in memory: 16384 buckets of 4 KiB.
EngineOptions demo_engine_options();

class EngineController : public QObject {
    Q_OBJECT
  public:
    explicit EngineController(QObject* parent = nullptr);
    ~EngineController() override;

    // Starts a new engine; engineOpened() reports the outcome. `session_options` is what
    // its session records as options (empty: the engine's options).
    void open(const EngineOptions& opts, const std::string& session_options = {});
    // Same, waiting for the outcome; false with `why` when the engine refuses the options.
    bool openSync(const EngineOptions& opts, QString* why = nullptr,
                  const std::string& session_options = {});
    // Runs `run` (an engine opened on a device, not yet stepped) in place of the current one.
    void adopt(EngineRunPtr run);
    // Ends the current engine (an engine on a device is closed cleanly first), then calls
    // `then` on this thread: the device is free for whoever opens it next.
    void release(std::function<void()> then);
    bool hasEngine() const { return has_engine_; }
    const EngineOptions& options() const { return options_; }
    // The image file or block device the engine runs on; empty for a RAM engine or none.
    const QString& devicePath() const { return device_path_; }

    // Waits until the worker has handled every earlier command and delivers a fresh frame.
    void sync();
    FramePtr lastFrame() const { return last_; }

  public slots:
    void setPlaying(bool on);
    void stepOnce();
    void step(quint64 steps);
    void setStepsPerTick(quint64 steps);
    void setPolicy(bucketscope::ReplacementPolicy policy);
    void triggerGc();
    void forceInvalidate(std::optional<uint64_t> bucket);
    void rescale();
    void setDiscard(bool on);
    void setVictimCount(int n);
    // Closes the engine cleanly (on a device: everything written) and shows its last state.
    void closeEngine();
    // Caps the workload at this many requests per second of wall time (0 = no cap).
    void setRate(double requests_per_second);
    // Session recording settings for this and every later engine (the worker starts
    // with the saved ones).
    void setRecording(const bucketscope::RecordingSettings& settings);

  signals:
    void engineOpened(bool ok, const QString& message);
    void frameReady(const bucketscope::FramePtr& frame);
    void commandRefused(const QString& why);
    // An engine on a device was closed (`ok`) or its close failed (`message` says why).
    void engineClosed(bool ok, const QString& message);
    // A session began (`session` its id), recording failed or its log became incomplete
    // (`session` is -1 when nothing is being recorded).
    void recordingStatus(const QString& message, qint64 session);

  private:
    template <typename F> void post(F&& f);

    QThread thread_;
    EngineWorker* worker_;
    FramePtr last_;
    EngineOptions options_;
    bool has_engine_ = false;
    QString device_path_;
};

} // namespace bucketscope
