// Deterministic and threaded task runners; see scheduler.h.
#include "core/engine/scheduler.h"

#include "core/alloc/random.h"

#include <algorithm>
#include <chrono>

namespace bucketscope {

Scheduler::Scheduler(Runtime& rt, std::mutex& bucket_lock, uint64_t seed)
    : rt_(rt), lock_(bucket_lock), rng_(seed ^ 0x7363686564756c65ull) {}

Scheduler::~Scheduler() {
    stop();
}

Task& Scheduler::add(std::unique_ptr<Task> t) {
    t->id = static_cast<uint8_t>(slots_.size());
    if (t->is_workload())
        ++workload_left_;
    Slot s;
    s.task = std::move(t);
    slots_.push_back(std::move(s));
    return *slots_.back().task;
}

bool Scheduler::step_one(bool workload) {
    // Small and allocation-free: the set of tasks is a handful.
    size_t candidates[64];
    size_t n = 0;
    for (size_t i = 0; i < slots_.size() && n < 64; ++i)
        if (runnable(slots_[i]) && (workload || !slots_[i].task->is_workload()))
            candidates[n++] = i;
    if (n == 0) {
        // Only sleepers (or nothing) left: idle until the earliest wakes.
        uint64_t wake = UINT64_MAX;
        for (const Slot& s : slots_)
            if (!s.done && s.wait == WaitOn::Sleep)
                wake = std::min(wake, s.wake_ns);
        if (wake == UINT64_MAX)
            return false;
        rt_.advance(wake - rt_.now());
        for (size_t i = 0; i < slots_.size() && n < 64; ++i)
            if (runnable(slots_[i]))
                candidates[n++] = i;
    }
    // Usually one task can run: the draw is made all the same, without a division.
    const uint64_t draw = splitmix64_next(rng_);
    const size_t pick = candidates[n == 1 ? 0 : draw % n];
    Slot& s = slots_[pick];
    rt_.current_task = static_cast<uint8_t>(pick); // add() numbers tasks by slot
    const StepResult r = s.task->step(rt_);
    ++s.steps;
    ++rt_.metrics.steps;
    rt_.advance(rt_.opts.costs.step_ns + r.cost_ns);
    apply_deterministic(s, r);
    if (after_step)
        after_step();
    return true;
}

void Scheduler::park(Slot& s, const StepResult& r) {
    // The queue's generation now: a wake-up bumps it, which is how runnable() sees one.
    s.wait = r.wait;
    s.queue = r.queue;
    s.gen = rt_.queue_gen(r.queue);
}

void Scheduler::apply_deterministic(Slot& s, const StepResult& r) {
    switch (r.kind) {
    case StepResult::Kind::Yield:
        s.wait = WaitOn::Runnable;
        break;
    case StepResult::Kind::Block:
        park(s, r);
        break;
    case StepResult::Kind::Io: {
        uint64_t cost = 0;
        s.task->io_status = rt_.perform_io(r.io, &cost);
        rt_.advance(cost);
        s.wait = WaitOn::Runnable;
        break;
    }
    case StepResult::Kind::Done:
        finished(s);
        break;
    case StepResult::Kind::Sleep:
        s.wait = WaitOn::Sleep;
        s.wake_ns = r.wake_ns;
        break;
    }
}

void Scheduler::start() {
    std::lock_guard lk(lock_);
    if (running_)
        return;
    stop_ = false;
    paused_ = false;
    running_ = true;
    rt_.set_threaded(true);
    rt_.use_real_clock(true);
    for (size_t i = 0; i < slots_.size(); ++i)
        threads_.emplace_back([this, i] { thread_main(i); });
}

void Scheduler::thread_main(size_t i) {
    std::unique_lock lk(lock_);
    Slot& s = slots_[i];
    for (;;) {
        if (stop_ || s.done)
            return;
        if (paused_) {
            control_cv_.wait(lk);
            continue;
        }
        if (!runnable(s)) {
            if (s.wait == WaitOn::Sleep) {
                const uint64_t now = rt_.now();
                if (now < s.wake_ns)
                    control_cv_.wait_for(lk, std::chrono::nanoseconds(s.wake_ns - now));
            } else
                rt_.queue_cv(s.queue).wait(lk);
            continue;
        }
        rt_.current_task = s.task->id;
        const StepResult r = s.task->step(rt_);
        ++s.steps;
        ++rt_.metrics.steps;
        if (after_step)
            after_step();
        switch (r.kind) {
        case StepResult::Kind::Yield:
            s.wait = WaitOn::Runnable;
            lk.unlock();
            std::this_thread::yield();
            lk.lock();
            break;
        case StepResult::Kind::Block:
            park(s, r);
            break;
        case StepResult::Kind::Io: {
            s.wait = WaitOn::Io;
            lk.unlock();
            uint64_t cost = 0;
            Status st;
            {
                std::lock_guard io(io_lock_);
                st = rt_.perform_io(r.io, &cost);
            }
            lk.lock();
            s.task->io_status = st;
            s.wait = WaitOn::Runnable;
            break;
        }
        case StepResult::Kind::Done:
            finished(s);
            control_cv_.notify_all();
            return;
        case StepResult::Kind::Sleep:
            s.wait = WaitOn::Sleep;
            s.wake_ns = r.wake_ns;
            break;
        }
    }
}

void Scheduler::pause() {
    std::lock_guard lk(lock_);
    paused_ = true;
}

void Scheduler::resume() {
    std::lock_guard lk(lock_);
    paused_ = false;
    control_cv_.notify_all();
}

void Scheduler::stop() {
    {
        std::lock_guard lk(lock_);
        if (!running_)
            return;
        stop_ = true;
        control_cv_.notify_all();
        for (unsigned q = 0; q < rt_.nqueues(); ++q)
            rt_.queue_cv(q).notify_all();
    }
    for (auto& t : threads_)
        t.join();
    threads_.clear();
    std::lock_guard lk(lock_);
    running_ = false;
    rt_.set_threaded(false);
    rt_.use_real_clock(false);
    // A task stopped in the middle of an I/O had it performed; it resumes from there.
    for (auto& s : slots_)
        if (s.wait == WaitOn::Io)
            s.wait = WaitOn::Runnable;
}

void Scheduler::wait_workload_done() {
    std::unique_lock lk(lock_);
    control_cv_.wait(lk, [&] { return stop_ || !running_ || workload_done(); });
}

std::vector<TaskInfo> Scheduler::infos() const {
    std::vector<TaskInfo> out;
    for (const auto& s : slots_)
        out.push_back(TaskInfo{s.task->name(), s.done ? WaitOn::Done : s.wait, s.steps});
    return out;
}

} // namespace bucketscope
