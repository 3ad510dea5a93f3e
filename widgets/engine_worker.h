#pragma once
// The engine's own thread. EngineWorker lives on a QThread owned by EngineController and
// is the only code that calls the Engine: it steps the deterministic engine in batches on
// a timer (so one seed still gives one history, and "step one event" is exact), applies
// commands between batches, and publishes an EngineFrame at most `kPublishHz` times a
// second. All slots run on the worker thread; talk to it only through queued calls.
//
// The engine runs on RAM devices (a demo engine, made here) or on an image file or block
// device (an EngineRun a LongJob opened, handed over by adopt()). An engine on a device is
// closed cleanly (Engine::close: every unwritten btree node, a last journal entry) before
// it is replaced, when closeEngine() asks, and when the worker goes, so what it did is on
// the device for the next open. A closed engine is still shown but runs no more.

#include <QObject>
#include <QTimer>
#include <memory>

#include <QElapsedTimer>

#include "widgets/engine_frame.h"
#include "widgets/engine_run.h"
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
    // Replaces the running engine with a new one on a fresh RAM device; `options_json`
    // is what its session records as options (empty: the engine's options).
    void open(const bucketscope::EngineOptions& opts, const std::string& options_json = {});
    // Replaces the running engine with `run` (opened elsewhere, not yet stepped).
    void adopt(bucketscope::EngineRunPtr run);
    // Ends the current engine (closed cleanly if it runs on a device); none afterwards.
    void release();
    // Closes the engine cleanly and publishes its final state; it runs no more.
    void closeEngine();
    // Caps the workload at this many requests per second of wall time (0 = no cap).
    void setRate(double requests_per_second);
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
    // closeEngine() or a replacement closed an engine on a device (ok) or could not.
    void closed(bool ok, const QString& message);
    void frameReady(const bucketscope::FramePtr& frame);
    void commandRefused(const QString& why);
    // A session began, recording failed or its log became incomplete.
    void recordingStatus(const QString& message, qint64 session);

  private:
    void tick();
    bool live() const { return engine_ && !closed_; }
    // live(), saying why not when the engine was closed (for commands).
    bool ready();
    void stopWith(const QString& why);
    void retire(const char* outcome);
    void begin(EngineRunPtr run, const EngineOptions& opts);
    void ensureTimers();
    std::vector<uint64_t> predictVictims();
    void record(const char* command, const std::string& argument = {});
    void reportRecording();

    EngineRunPtr run_;
    Engine* engine_ = nullptr; // run_->engine
    EngineOptions options_;
    std::unique_ptr<SessionRecording> recording_; // after engine_: ends before it goes
    QTimer* tick_timer_ = nullptr;
    QTimer* publish_timer_ = nullptr;
    bool playing_ = false;
    bool closed_ = false;
    double rate_ = 0;
    uint64_t rate_base_ = 0; // requests when the rate's clock started
    QElapsedTimer rate_clock_;
    bool dirty_ = false;
    quint64 steps_per_tick_ = 200;
    int victim_count_ = 32;
};

} // namespace bucketscope
