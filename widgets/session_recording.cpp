#include "widgets/session_recording.h"

#include "core/store/engine_recorder.h"

#include <QDir>
#include <cmath>

namespace bucketscope {

SessionRecording::SessionRecording() : settings_(load_recording_settings()) {}

SessionRecording::~SessionRecording() {
    end("closed");
}

void SessionRecording::configure(const RecordingSettings& s, Engine* engine,
                                 const EngineOptions& opts, const std::string& device,
                                 const std::string& options_json) {
    const bool restart = s.enabled != settings_.enabled ||
                         session_database(s) != session_database(settings_) ||
                         s.snapshot_interval_s != settings_.snapshot_interval_s;
    if (!restart) {
        settings_ = s;
        return;
    }
    end("recording settings changed");
    store_.reset();
    settings_ = s;
    if (!s.enabled)
        status_ = tr("Sessions are not recorded.");
    else if (engine)
        begin(*engine, opts, device, options_json);
}

void SessionRecording::open_store() {
    if (store_)
        return;
    const QString path = session_database(settings_);
    store_ = std::make_unique<store::SessionStore>(QDir::toNativeSeparators(path).toStdString());
    errors_seen_ = 0;
}

void SessionRecording::begin(Engine& engine, const EngineOptions& opts, const std::string& device,
                             const std::string& options_json) {
    end("replaced");
    if (!settings_.enabled)
        return;
    try {
        open_store();
        session_ = store_->begin_session(
            store::describe_session(engine, device,
                                    options_json.empty() ? store::options_json(opts) : options_json,
                                    "gui"));
        store::RecorderOptions ro;
        ro.snapshot_interval_ns = uint64_t(std::llround(settings_.snapshot_interval_s * 1e9));
        recorder_ = std::make_unique<store::EngineRecorder>(engine, *store_, ro);
        status_ = tr("Recording session %1 in %2")
                      .arg(session_)
                      .arg(QString::fromStdString(store_->path()));
    } catch (const store::StoreError& e) {
        recorder_.reset();
        store_.reset();
        session_ = -1;
        status_ = tr("Not recording this session: %1").arg(QString::fromStdString(e.what()));
    }
}

void SessionRecording::end(const char* outcome) {
    if (!recorder_)
        return;
    recorder_->pump();
    recorder_->finish(outcome);
    recorder_.reset();
    session_ = -1;
}

void SessionRecording::record(const std::vector<EngineEvent>& events, const SnapshotPtr& snapshot) {
    if (!recorder_)
        return;
    recorder_->record(events, snapshot);
    if (const uint64_t n = store_->error_count(); n != errors_seen_) {
        errors_seen_ = n;
        status_ = tr("The session log is incomplete (%1 records lost): %2")
                      .arg(store_->dropped())
                      .arg(QString::fromStdString(store_->last_error()));
    }
}

void SessionRecording::command(const char* name, const std::string& argument) {
    if (recorder_)
        recorder_->record_command(name, argument);
}

QString SessionRecording::takeStatus() {
    return std::exchange(status_, QString());
}

} // namespace bucketscope
