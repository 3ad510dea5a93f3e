#pragma once
// Feeds one engine's activity into a session: its events, metric samples on the engine
// clock, periodic compressed bucket snapshots and the user's commands.
//
// pump() is called by whoever drives the engine (the CLI's run loop, the GUI's controller
// timer) from one thread. It drains the engine's event ring and hands records to the
// SessionStore's queue, which never blocks: when SQLite falls behind, the store counts what
// it drops. Events the engine ring itself dropped are counted there and added at the end.

#include <cstdint>
#include <string>

#include "core/engine/engine.h"
#include "core/store/session_store.h"

namespace bucketscope::store {

struct RecorderOptions {
    uint64_t snapshot_interval_ns = 1'000'000'000; // engine clock; 0 = no snapshots
    uint64_t metric_interval_ns = 10'000'000;      // engine clock
};

class EngineRecorder {
  public:
    EngineRecorder(Engine& engine, SessionStore& store, RecorderOptions opts = {});

    // Drains events and takes the samples that are due. Returns the events recorded.
    size_t pump();
    // A user command with its argument ("set_policy", "fifo"), at the engine's clock.
    void record_command(const std::string& command, const std::string& argument);
    // A snapshot now, whatever the interval (the GUI's "record snapshot" and session end).
    void snapshot_now();

  private:
    void sample_metrics(uint64_t now);

    Engine& engine_;
    SessionStore& store_;
    RecorderOptions opts_;
    uint64_t next_snapshot_ns_ = 0;
    uint64_t next_metric_ns_ = 0;
};

// A session description for `engine` on `device`.
SessionInfo describe_session(const Engine& engine, const std::string& device,
                             const std::string& options_json, const std::string& origin);

} // namespace bucketscope::store
