#pragma once
// Feeds one engine's activity into a session: its events, metric samples on the engine
// clock, periodic compressed bucket snapshots and the user's commands.
//
// pump() is called by whoever drives the engine (the CLI's run loop) from one thread: it
// drains the engine's event ring and hands the raw batch to the SessionStore's queue,
// which never blocks. A driver that drains the ring itself because it shows the events
// too (the GUI's worker) passes them to record() instead. Nothing is formatted here: the
// store's writer thread turns events, metrics and snapshots into rows, so the engine's
// thread pays one copy and one lock per batch. Events the engine ring dropped are added
// to the session's drop count by finish().

#include "core/engine/engine.h"
#include "core/store/session_store.h"

#include <cstdint>
#include <span>
#include <string>

namespace bucketscope::store {

struct RecorderOptions {
    uint64_t snapshot_interval_ns = 1'000'000'000; // engine clock; 0 = only at finish()
    uint64_t metric_interval_ns = 10'000'000;      // engine clock
};

class EngineRecorder {
  public:
    EngineRecorder(Engine& engine, SessionStore& store, RecorderOptions opts = {});

    // Drains events and takes the samples that are due. Returns the events recorded.
    size_t pump();
    // The same for events the caller drained from the engine itself; `current`, if
    // given, is a snapshot the caller took right after draining, used when one is due.
    size_t record(std::span<const EngineEvent> events, SnapshotPtr current = nullptr);
    // A user command with its argument ("set_policy", "fifo"), at the engine's clock.
    void record_command(const std::string& command, const std::string& argument);
    // A snapshot now, whatever the interval (right after a drain, so the snapshot's
    // event_seq is exact).
    void snapshot_now();
    // Ends the session: a last snapshot and metric sample, the engine ring's drops, and
    // `outcome` ("completed", "blocked", "closed", ...).
    void finish(const std::string& outcome);

    const RecorderOptions& options() const { return opts_; }

  private:
    size_t take(std::vector<EngineEvent>&& batch, SnapshotPtr current);
    void take_samples(SnapshotPtr current);
    void snapshot(SnapshotPtr s);

    Engine& engine_;
    SessionStore& store_;
    RecorderOptions opts_;
    uint64_t next_snapshot_ns_ = 0;
    uint64_t next_metric_ns_ = 0;
    uint64_t ring_dropped_at_start_;
    uint64_t next_seq_ = 0; // seq of the next event the engine will emit, as far as we know
    bool have_snapshot_ = false;
    uint64_t last_snapshot_ns_ = 0;
    uint64_t last_snapshot_seq_ = 0;
};

// A session description for `engine` on `device`: the superblock summary holds the
// geometry, the policy and the free list capacities (a replay needs them for fill levels).
SessionInfo describe_session(const Engine& engine, const std::string& device,
                             const std::string& options_json, const std::string& origin);
// The engine's options as a JSON object (geometry, policy, profile, seed, discard, mode,
// workload), for a session's options when a front end has no command line to store.
std::string options_json(const EngineOptions& o);

} // namespace bucketscope::store
