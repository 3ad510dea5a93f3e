#pragma once
// Recording the workbench's engine runs as sessions, on the engine worker's thread (the
// only thread that touches the engine). One session per engine opened, ended when the
// next one replaces it or the window closes; the worker hands over each frame's events
// and snapshot, and every command it applies, with the engine's clock.
//
// Recording never stops the engine: a database that cannot be opened or written is turned
// into a status message for the window's status bar and the engine runs on unrecorded.

#include "core/engine/engine.h"
#include "widgets/session_settings.h"

#include <QCoreApplication>
#include <QString>
#include <memory>
#include <string>
#include <vector>

namespace bucketscope {

namespace store {
class EngineRecorder;
class SessionStore;
} // namespace store

class SessionRecording {
    Q_DECLARE_TR_FUNCTIONS(bucketscope::SessionRecording)

  public:
    SessionRecording();
    ~SessionRecording(); // ends a running session as "closed"

    // New settings. Turning recording off ends the session; turning it on (or moving the
    // database) starts one for `engine` if there is one.
    void configure(const RecordingSettings& s, Engine* engine, const EngineOptions& opts,
                   const std::string& device, const std::string& options_json);
    // A new engine: begins its session, if recording is on. `options_json` is what the
    // session stores as its options (empty: store::options_json(opts)).
    void begin(Engine& engine, const EngineOptions& opts, const std::string& device,
               const std::string& options_json = {});
    // Ends the session (drains the engine's ring first), if one runs.
    void end(const char* outcome);

    void record(const std::vector<EngineEvent>& events, const SnapshotPtr& snapshot);
    void command(const char* name, const std::string& argument);

    bool active() const { return recorder_ != nullptr; }
    int64_t session() const { return session_; }
    // What the status bar should say since the last call (a session began, recording
    // failed, the log became incomplete), or empty.
    QString takeStatus();

  private:
    void open_store();

    RecordingSettings settings_;
    std::unique_ptr<store::SessionStore> store_;
    std::unique_ptr<store::EngineRecorder> recorder_;
    int64_t session_ = -1;
    uint64_t errors_seen_ = 0;
    QString status_;
};

} // namespace bucketscope
