// Batches keep the UI's view of time smooth: the tick timer runs `steps_per_tick` task
// steps, the publish timer copies state out at 20 Hz whatever the speed. Commands mark the
// state dirty so a paused engine still republishes what a command changed.
#include "widgets/engine_worker.h"

#include <QCoreApplication>

#include "core/alloc/alloc.h"
#include "core/device/ram_device.h"
#include "core/store/engine_recorder.h"
#include "core/workload/request_source.h"
#include "widgets/session_recording.h"

namespace bucketscope {

EngineWorker::EngineWorker() : recording_(std::make_unique<SessionRecording>()) {}
EngineWorker::~EngineWorker() {
    retire("closed");
}

void EngineWorker::record(const char* command, const std::string& argument) {
    recording_->command(command, argument);
}

void EngineWorker::reportRecording() {
    if (const QString s = recording_->takeStatus(); !s.isEmpty())
        emit recordingStatus(s, qint64(recording_->session()));
}

void EngineWorker::setRecording(const RecordingSettings& settings) {
    recording_->configure(settings, closed_ ? nullptr : engine_, options_,
                          run_ ? run_->device : std::string(),
                          run_ ? run_->options_json : std::string());
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

// The session ends after the close, so it holds the close's own writes too.
void EngineWorker::retire(const char* outcome) {
    if (!run_)
        return;
    if (tick_timer_)
        tick_timer_->stop();
    playing_ = false;
    if (run_->on_device() && !closed_) {
        std::string why;
        const bool ok = engine_->close(&why);
        emit closed(ok, ok ? QString() : QString::fromStdString(why));
        if (!ok)
            outcome = "io_error";
    }
    recording_->end(outcome);
    reportRecording();
    run_.reset();
    engine_ = nullptr;
    closed_ = false;
}

void EngineWorker::begin(EngineRunPtr run, const EngineOptions& opts) {
    run_ = std::move(run);
    engine_ = run_->engine.get();
    options_ = opts;
    closed_ = false;
    if (run_->options_json.empty())
        run_->options_json = store::options_json(options_);
    recording_->begin(*engine_, options_, run_->device, run_->options_json);
    reportRecording();
    emit opened(true, {});
    dirty_ = true;
    publish();
}

void EngineWorker::open(const EngineOptions& opts, const std::string& options_json) {
    ensureTimers();
    retire("replaced");
    auto run = std::make_shared<EngineRun>();
    const uint64_t bytes = opts.geometry.nbuckets * uint64_t(opts.geometry.bucket_size) * 512;
    std::vector<Device*> ptrs;
    for (unsigned i = 0; i < opts.ncaches; ++i) {
        run->ram.push_back(std::make_unique<RamDevice>(bytes));
        ptrs.push_back(run->ram.back().get());
    }
    std::string why;
    run->engine = Engine::create(ptrs, opts, &why);
    if (!run->engine) {
        emit opened(false, QString::fromStdString(why));
        return;
    }
    run->device = run->ram.front()->name();
    run->options_json = options_json;
    begin(std::move(run), opts);
}

void EngineWorker::adopt(EngineRunPtr run) {
    ensureTimers();
    retire("replaced");
    if (!run || !run->engine) {
        emit opened(false, tr("No engine was opened."));
        return;
    }
    const EngineOptions opts = run->engine->options();
    begin(std::move(run), opts);
}

void EngineWorker::release() {
    retire("replaced");
}

void EngineWorker::closeEngine() {
    if (!live())
        return;
    record("close");
    if (tick_timer_)
        tick_timer_->stop();
    playing_ = false;
    std::string why;
    const bool ok = engine_->close(&why);
    closed_ = true;
    recording_->end(ok ? "closed" : "io_error");
    reportRecording();
    emit closed(ok, ok ? QString() : QString::fromStdString(why));
    dirty_ = true;
    publish();
}

bool EngineWorker::ready() {
    if (engine_ && closed_)
        emit commandRefused(
            tr("The engine was closed; open the image for running again to go on."));
    return live();
}

void EngineWorker::stopWith(const QString& why) {
    setPlaying(false);
    emit commandRefused(why);
}

void EngineWorker::setRate(double rate) {
    rate_ = std::max(0.0, rate);
    record("set_rate", std::to_string(uint64_t(rate_)));
    if (engine_)
        rate_base_ = engine_->metrics().requests;
    rate_clock_.restart();
}

void EngineWorker::setPlaying(bool on) {
    ensureTimers();
    if (on)
        ready(); // a closed engine says so
    if (live() && on != playing_)
        record(on ? "run" : "pause");
    const bool starting = on && live() && !playing_;
    playing_ = on && live();
    if (starting) {
        rate_base_ = engine_->metrics().requests;
        rate_clock_.restart();
    }
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

// A capped rate steps in small slices until the requests allowed by now have been taken,
// so the engine's other tasks run as far as the workload does and no further.
void EngineWorker::tick() {
    if (!live() || !playing_)
        return;
    constexpr quint64 kRateSlice = 32;
    quint64 budget = steps_per_tick_;
    while (budget > 0) {
        quint64 n = budget;
        if (rate_ > 0) {
            const double allowed = rate_ * double(rate_clock_.elapsed()) / 1000.0;
            if (double(engine_->metrics().requests - rate_base_) >= allowed)
                break;
            n = std::min(budget, kRateSlice);
        }
        const quint64 ran = options_.source ? engine_->step_workload(n) : engine_->step(n);
        budget -= n;
        dirty_ = true;
        if (!engine_->last_error().empty()) {
            record("io_error", engine_->last_error());
            stopWith(tr("The engine stopped on an I/O error: %1")
                         .arg(QString::fromStdString(engine_->last_error())));
            return;
        }
        if (options_.source && engine_->workload_done()) {
            record("workload_done");
            const auto& src = *options_.source;
            stopWith(src.error().empty()
                         ? tr("The workload ended after %1 requests.").arg(src.taken())
                         : tr("The workload stopped: %1").arg(QString::fromStdString(src.error())));
            return;
        }
        if (ran < n) {
            // Every task is blocked or done: stop rather than spin.
            record("blocked");
            stopWith(tr("The engine stopped: every task is blocked or finished."));
            return;
        }
    }
}

void EngineWorker::step(quint64 steps) {
    if (!ready())
        return;
    record("step", std::to_string(steps));
    if (options_.source)
        engine_->step_workload(steps);
    else
        engine_->step(steps);
    dirty_ = true;
    publish();
}

void EngineWorker::setPolicy(int policy) {
    if (!ready())
        return;
    engine_->set_policy(ReplacementPolicy(policy));
    record("set_policy", to_string(ReplacementPolicy(policy)));
    dirty_ = true;
    publish();
}

void EngineWorker::triggerGc() {
    if (!ready())
        return;
    engine_->trigger_gc();
    record("trigger_gc");
    dirty_ = true;
    publish();
}

void EngineWorker::forceInvalidate(qint64 bucket) {
    if (!ready())
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
    if (!ready())
        return;
    engine_->rescale();
    record("rescale");
    dirty_ = true;
    publish();
}

void EngineWorker::setDiscard(bool on) {
    if (!ready())
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
    if (!closed_)
        recording_->record(frame->events, frame->snapshot);
    reportRecording();
    frame->metrics = engine_->metrics();
    frame->gen_after = gens_after_events(frame->events, *frame->snapshot);
    frame->tasks = engine_->tasks();
    frame->victims = predictVictims();
    frame->events_dropped = engine_->events_dropped();
    frame->playing = playing_;
    frame->steps_per_tick = steps_per_tick_;
    frame->violations = engine_->violations();
    frame->device = run_->device;
    frame->on_device = run_->on_device();
    frame->closed = closed_;
    if (const auto& src = options_.source) {
        frame->source_progress = src->progress();
        frame->source_taken = src->taken();
        frame->source_error = src->error();
        frame->source_bad = src->bad_records();
    }
    emit frameReady(std::move(frame));
}

} // namespace bucketscope
