#pragma once
// The engine's own thread. EngineWorker lives on a QThread owned by EngineController and
// is the only code that calls the Engine: it steps the deterministic engine in batches on
// a timer (so one seed still gives one history, and "step one event" is exact), applies
// commands between batches, and publishes an EngineFrame at most `kPublishHz` times a
// second. All slots run on the worker thread; talk to it only through queued calls.

#include <QObject>
#include <QTimer>
#include <memory>

#include "core/device/ram_device.h"
#include "widgets/engine_frame.h"
#include "widgets/session_settings.h"

namespace bucketscope {

class SessionRecording;

class EngineWorker : public QObject {
    Q_OBJECT
  public:
    static constexpr int kPublishHz = 20;
    static constexpr int kTickMs = 10;

    EngineWorker();
    ~EngineWorker() override;

  public slots:
    // Replaces the running engine with a new one on a fresh RAM device.
    void open(const bucketscope::EngineOptions& opts);
    void setPlaying(bool on);
    void setStepsPerTick(quint64 steps);
    void step(quint64 steps);
    void setPolicy(int policy);
    void triggerGc();
    void forceInvalidate(qint64 bucket); // -1: one invalidate pass
    void rescale();
    void setDiscard(bool on);
    void setVictimCount(int n);
    // Session recording (widgets/session_recording.h): applies to the running engine now.
    void setRecording(const bucketscope::RecordingSettings& settings);
    void publish();

  signals:
    void opened(bool ok, const QString& message);
    void frameReady(const bucketscope::FramePtr& frame);
    void commandRefused(const QString& why);
    // A session began, recording failed or its log became incomplete.
    void recordingStatus(const QString& message, qint64 session);

  private:
    void tick();
    void ensureTimers();
    std::vector<uint64_t> predictVictims();
    void record(const char* command, const std::string& argument = {});
    void reportRecording();

    std::vector<std::unique_ptr<RamDevice>> devices_;
    std::unique_ptr<Engine> engine_;
    EngineOptions options_;
    std::unique_ptr<SessionRecording> recording_; // after engine_: ends before it goes
    QTimer* tick_timer_ = nullptr;
    QTimer* publish_timer_ = nullptr;
    bool playing_ = false;
    bool dirty_ = false;
    quint64 steps_per_tick_ = 200;
    int victim_count_ = 32;
};

} // namespace bucketscope
