#pragma once
// Recording a CLI run as a session, shared by every command that drives an engine (sim,
// run, replay, ...): the options every such command offers, and one call that opens the
// database, begins the session and hands back a recorder to pump.
//
//     RecordOptions rec;                           // a member of the command's arguments
//     add_record_options(cmd, rec);                // --no-record, --db, --snapshot-interval
//     ...
//     CliSession session = start_cli_session("run", *engine, device_name, options_json, rec);
//     while (...) { engine->step(n); session.pump(); }
//     session.finish(ok ? "completed" : "blocked");
//
// A database that cannot be opened or written (read-only home, full disk, a file from a
// newer bucketscope) is reported on stderr and the run goes on unrecorded: recording never
// decides whether a command succeeds. Without a session pump() and friends do nothing.

#include "core/engine/engine.h"
#include "core/store/engine_recorder.h"

#include <memory>
#include <string>

namespace CLI {
class App;
}

namespace bucketscope::cli {

struct RecordOptions {
    bool no_record = false;
    std::string db; // empty: SessionStore::default_path()
    double snapshot_interval_s =
        1.0; // engine-clock seconds between bucket snapshots; 0 = at the end only
};

void add_record_options(CLI::App* cmd, RecordOptions& o);

// The engine's event ring capacity a command should ask for: with no session nobody
// drains the ring, and one slot keeps that cheap.
size_t event_capacity_for(const RecordOptions& o);

class CliSession {
  public:
    CliSession() = default;
    CliSession(CliSession&&) noexcept;
    CliSession& operator=(CliSession&&) noexcept;
    // Ends an unfinished session as "aborted".
    ~CliSession();

    bool recording() const { return recorder_ != nullptr; }
    int64_t id() const { return id_; }
    // After each slice of steps (at most the engine's event ring capacity per slice).
    void pump();
    void command(const std::string& name, const std::string& argument);
    // Last snapshot, end time and outcome; reports an incomplete log on stderr, and the
    // session's id on a terminal (scripts compare stdout and stderr byte for byte).
    void finish(const std::string& outcome);

  private:
    friend CliSession start_cli_session(const std::string&, Engine&, const std::string&,
                                        const std::string&, const RecordOptions&);
    std::string command_;
    std::unique_ptr<store::SessionStore> store_;
    std::unique_ptr<store::EngineRecorder> recorder_;
    int64_t id_ = -1;
};

// Begins recording `engine` for `command` on `device`; `options_json` is the command's
// options as a JSON object (stored as the session's options). Returns an inactive
// session when o.no_record is set or the store fails (after saying why on stderr).
CliSession start_cli_session(const std::string& command, Engine& engine, const std::string& device,
                             const std::string& options_json, const RecordOptions& o);

} // namespace bucketscope::cli
