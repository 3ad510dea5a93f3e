#include "app/cli/session_recording.h"

#include <CLI/CLI.hpp>
#include <cmath>
#include <iostream>
#include <unistd.h>

namespace bucketscope::cli {

void add_record_options(CLI::App* cmd, RecordOptions& o) {
    cmd->add_flag("--no-record", o.no_record, "Do not record a session in SQLite");
    cmd->add_option("--db", o.db,
                    "Session database (default: $BUCKETSCOPE_DB or "
                    "$XDG_DATA_HOME/bucketscope/sessions.db)");
    cmd->add_option("--snapshot-interval", o.snapshot_interval_s,
                    "Seconds of engine time between recorded bucket snapshots (0: only the "
                    "last one; at most one per slice of steps the command runs)")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
}

size_t event_capacity_for(const RecordOptions& o) {
    return o.no_record ? 1 : size_t(1) << 16;
}

CliSession::CliSession(CliSession&&) noexcept = default;
CliSession& CliSession::operator=(CliSession&&) noexcept = default;

CliSession::~CliSession() {
    if (recorder_)
        finish("aborted");
}

void CliSession::pump() {
    if (recorder_)
        recorder_->pump();
}

void CliSession::command(const std::string& name, const std::string& argument) {
    if (recorder_)
        recorder_->record_command(name, argument);
}

void CliSession::finish(const std::string& outcome) {
    if (!recorder_)
        return;
    recorder_->pump();
    recorder_->finish(outcome);
    recorder_.reset();
    if (!store_->last_error().empty())
        std::cerr << command_ << ": session log incomplete (" << store_->dropped()
                  << " records lost): " << store_->last_error() << "\n";
    if (::isatty(STDERR_FILENO))
        std::cerr << command_ << ": session " << id_ << " recorded in " << store_->path() << "\n";
    store_.reset();
}

CliSession start_cli_session(const std::string& command, Engine& engine, const std::string& device,
                             const std::string& options_json, const RecordOptions& o) {
    CliSession s;
    s.command_ = command;
    if (o.no_record)
        return s;
    const std::string path = o.db.empty() ? store::SessionStore::default_path() : o.db;
    try {
        s.store_ = std::make_unique<store::SessionStore>(path);
        s.id_ =
            s.store_->begin_session(store::describe_session(engine, device, options_json, "cli"));
        store::RecorderOptions ro;
        ro.snapshot_interval_ns = uint64_t(std::llround(o.snapshot_interval_s * 1e9));
        s.recorder_ = std::make_unique<store::EngineRecorder>(engine, *s.store_, ro);
    } catch (const store::StoreError& e) {
        std::cerr << command << ": not recording this session: " << e.what() << "\n";
        s.recorder_.reset();
        s.store_.reset();
        s.id_ = -1;
    }
    return s;
}

} // namespace bucketscope::cli
