// Batches keep the UI's view of time smooth: the tick timer runs `steps_per_tick` task
// steps, the publish timer copies state out at 20 Hz whatever the speed. Commands mark the
// state dirty so a paused engine still republishes what a command changed.
#include "widgets/engine_worker.h"

#include <QCoreApplication>

#include "core/alloc/alloc.h"
#include "widgets/session_recording.h"

namespace bucketscope {

CacheWrites cache_writes(Engine& engine) {
    CacheWrites w;
    engine.with_cache_set([&](CacheSet& c) {
        for (const auto& ca : c.caches) {
            w.data += ca->sectors_written;
            w.btree += ca->btree_sectors_written;
            w.meta += ca->meta_sectors_written;
        }
    });
    return w;
}

EngineWorker::EngineWorker() : recording_(std::make_unique<SessionRecording>()) {}
EngineWorker::~EngineWorker() = default;

void EngineWorker::record(const char* command, const std::string& argument) {
    recording_->command(command, argument);
}

void EngineWorker::reportRecording() {
    if (const QString s = recording_->takeStatus(); !s.isEmpty())
        emit recordingStatus(s, qint64(recording_->session()));
}

void EngineWorker::setRecording(const RecordingSettings& settings) {
    recording_->configure(settings, engine_.get(), options_,
                          devices_.empty() ? std::string() : devices_.front()->name());
    reportRecording();
}

void EngineWorker::ensureTimers() {
    if (tick_timer_)
        return;
    tick_timer_ = new QTimer(this);
    tick_timer_->setInterval(kTickMs);
    connect(tick_timer_, &QTimer::timeout, this, &EngineWorker::tick);
    publish_timer_ = new QTimer(this);
    publish_timer_->setInterval(1000 / kPublishHz);
    connect(publish_timer_, &QTimer::timeout, this, [this] {
        if (dirty_)
            publish();
    });
    publish_timer_->start();
}

void EngineWorker::open(const EngineOptions& opts) {
    ensureTimers();
    recording_->end("replaced");
    engine_.reset();
    devices_.clear();
    const uint64_t bytes = opts.geometry.nbuckets * uint64_t(opts.geometry.bucket_size) * 512;
    std::vector<Device*> ptrs;
    for (unsigned i = 0; i < opts.ncaches; ++i) {
        devices_.push_back(std::make_unique<RamDevice>(bytes));
        ptrs.push_back(devices_.back().get());
    }
    std::string why;
    engine_ = Engine::create(ptrs, opts, &why);
    if (!engine_) {
        devices_.clear();
        emit opened(false, QString::fromStdString(why));
        return;
    }
    options_ = opts;
    recording_->begin(*engine_, opts, devices_.front()->name());
    reportRecording();
    emit opened(true, {});
    dirty_ = true;
    publish();
}

void EngineWorker::setPlaying(bool on) {
    ensureTimers();
    if (engine_ && on != playing_)
        record(on ? "run" : "pause");
    playing_ = on && engine_;
    if (playing_)
        tick_timer_->start();
    else
        tick_timer_->stop();
    dirty_ = true;
}

void EngineWorker::setStepsPerTick(quint64 steps) {
    steps_per_tick_ = std::max<quint64>(1, steps);
    record("speed", std::to_string(steps_per_tick_));
    dirty_ = true;
}

void EngineWorker::tick() {
    if (!engine_ || !playing_)
        return;
    if (engine_->step(steps_per_tick_) < steps_per_tick_) {
        // Every task is blocked or done: stop rather than spin.
        record("blocked");
        setPlaying(false);
        emit commandRefused(tr("The engine stopped: every task is blocked or finished."));
    }
    dirty_ = true;
}

void EngineWorker::step(quint64 steps) {
    if (!engine_)
        return;
    record("step", std::to_string(steps));
    engine_->step(steps);
    dirty_ = true;
    publish();
}

void EngineWorker::setPolicy(int policy) {
    if (!engine_)
        return;
    engine_->set_policy(ReplacementPolicy(policy));
    record("set_policy", to_string(ReplacementPolicy(policy)));
    dirty_ = true;
    publish();
}

void EngineWorker::triggerGc() {
    if (!engine_)
        return;
    engine_->trigger_gc();
    record("trigger_gc");
    dirty_ = true;
    publish();
}

void EngineWorker::forceInvalidate(qint64 bucket) {
    if (!engine_)
        return;
    std::string why;
    const auto target = bucket < 0 ? std::nullopt : std::optional<uint64_t>(uint64_t(bucket));
    const bool done = engine_->force_invalidate(0, target, &why);
    record("force_invalidate", (target ? std::to_string(*target) : std::string("pass")) +
                                   (done ? "" : " refused: " + why));
    if (!done)
        emit commandRefused(tr("Invalidation refused: %1").arg(QString::fromStdString(why)));
    dirty_ = true;
    publish();
}

void EngineWorker::rescale() {
    if (!engine_)
        return;
    engine_->rescale();
    record("rescale");
    dirty_ = true;
    publish();
}

void EngineWorker::setDiscard(bool on) {
    if (!engine_)
        return;
    engine_->set_discard(on);
    record("set_discard", on ? "on" : "off");
    dirty_ = true;
    publish();
}

void EngineWorker::setVictimCount(int n) {
    victim_count_ = std::max(0, n);
    dirty_ = true;
}

// One invalidate pass of the current policy on a copy of cache 0, into a free_inc of
// `victim_count_` slots: the buckets the allocator would take next, in its order. The
// copy is made under bucket_lock; the pass runs on the copy, so the engine is untouched.
std::vector<uint64_t> EngineWorker::predictVictims() {
    std::vector<uint64_t> out;
    if (victim_count_ == 0)
        return out;
    engine_->with_cache_set([&](CacheSet& live) {
        if (live.caches.empty())
            return;
        const Cache& ca = *live.caches[0];
        QueueSizes sizes;
        if (!compute_queue_sizes(ca.geo, live.profile, sizes))
            return;
        sizes.free_inc = size_t(victim_count_);
        auto copy = make_cache(ca.geo, live.profile, ca.policy, sizes);
        copy->buckets = ca.buckets;
        copy->fifo_last_bucket = ca.fifo_last_bucket;
        copy->random_state = ca.random_state;
        CacheSet scratch;
        scratch.profile = live.profile;
        scratch.min_prio = live.min_prio;
        scratch.need_gc = live.need_gc;
        scratch.gc_mark_valid = live.gc_mark_valid;
        scratch.nbuckets = live.nbuckets;
        invalidate_buckets(scratch, *copy);
        uint64_t b;
        while (copy->free_inc.pop(b))
            out.push_back(b);
    });
    return out;
}

void EngineWorker::publish() {
    if (!engine_)
        return;
    dirty_ = playing_;
    auto frame = std::make_shared<EngineFrame>();
    engine_->poll_events(frame->events);
    frame->snapshot = engine_->snapshot(0);
    recording_->record(frame->events, frame->snapshot);
    reportRecording();
    frame->metrics = engine_->metrics();
    frame->writes = cache_writes(*engine_);
    frame->gen_after = gens_after_events(frame->events, *frame->snapshot);
    frame->tasks = engine_->tasks();
    frame->victims = predictVictims();
    frame->events_dropped = engine_->events_dropped();
    frame->playing = playing_;
    frame->steps_per_tick = steps_per_tick_;
    frame->violations = engine_->violations();
    emit frameReady(std::move(frame));
}

} // namespace bucketscope
