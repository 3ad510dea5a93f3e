// Deterministic and threaded task runners; see scheduler.h.
#include "core/engine/scheduler.h"

#include "core/alloc/random.h"
#include "core/engine/workload_task.h"

#include <algorithm>
#include <bit>
#include <chrono>
#include <stdexcept>

namespace bucketscope {

Scheduler::Scheduler(Runtime& rt, std::mutex& bucket_lock, uint64_t seed)
    : rt_(rt), lock_(bucket_lock), rng_(seed ^ 0x7363686564756c65ull) {}

Scheduler::~Scheduler() {
    stop();
}

Task& Scheduler::add(std::unique_ptr<Task> t) {
    if (slots_.size() >= kMaxTasks)
        throw std::length_error("scheduler: more than 64 tasks");
    t->id = static_cast<uint8_t>(slots_.size());
    Slot s;
    s.workload = t->is_workload();
    s.request = dynamic_cast<WorkloadTask*>(t.get());
    if (s.workload)
        ++workload_left_;
    s.task = std::move(t);
    slots_.push_back(std::move(s));
    const size_t i = slots_.size() - 1;
    if (slots_[i].workload)
        workload_mask_ |= 1ull << i;
    set_wait(slots_[i], WaitOn::Runnable);
    return *slots_.back().task;
}

uint64_t Scheduler::runnable_mask(bool workload) const {
    // A parked slot is runnable once its queue's generation moved, i.e. once woken.
    uint64_t m = ready_ | rt_.woken();
    if (sleeping_) {
        const uint64_t now = rt_.now();
        for (uint64_t w = sleeping_; w; w &= w - 1)
            if (now >= slots_[size_t(std::countr_zero(w))].wake_ns)
                m |= w & -w;
    }
    return workload ? m : m & ~workload_mask_;
}

namespace {
// Without -mpopcnt std::popcount is a library call: count in place (usually 1 to 3 bits).
size_t count_slots(uint64_t m) {
    size_t n = 0;
    for (; m; m &= m - 1)
        ++n;
    return n;
}

// How far one draw moves the generator's state (it moves by a constant).
const uint64_t kDrawStep = [] {
    uint64_t state = 0;
    splitmix64_next(state);
    return state;
}();

// The k-th runnable slot of the draw: rng % n, with the usual counts as constant divisors
// (a multiply, not a division). With one slot the draw's value is not needed, only its
// move of the generator, so the later draws stay the same.
size_t draw_slot(uint64_t& rng, size_t n) {
    if (n == 1) {
        rng += kDrawStep;
        return 0;
    }
    const uint64_t draw = splitmix64_next(rng);
    switch (n) {
    case 2:
        return draw % 2;
    case 3:
        return draw % 3;
    case 4:
        return draw % 4;
    default:
        return draw % n;
    }
}
} // namespace

[[gnu::always_inline]] inline bool Scheduler::step(bool workload) {
    uint64_t m = runnable_mask(workload);
    size_t n = count_slots(m);
    if (n == 0) {
        // Only sleepers (or nothing) left: idle until the earliest wakes.
        uint64_t wake = UINT64_MAX;
        for (const Slot& s : slots_)
            if (!s.done && s.wait == WaitOn::Sleep)
                wake = std::min(wake, s.wake_ns);
        if (wake == UINT64_MAX)
            return false;
        rt_.advance(wake - rt_.now());
        m = runnable_mask(true);
        n = count_slots(m);
    }
    // Usually one to three tasks can run: the draw is made all the same.
    const size_t k = draw_slot(rng_, n);
    for (size_t j = 0; j < k; ++j)
        m &= m - 1; // the k-th runnable slot in slot order
    const size_t pick = size_t(std::countr_zero(m));
    Slot& s = slots_[pick];
    rt_.current_task = static_cast<uint8_t>(pick); // add() numbers tasks by slot
    const StepResult r = s.request ? s.request->step(rt_) : s.task->step(rt_);
    ++s.steps;
    ++rt_.metrics.steps;
    rt_.advance(rt_.opts.costs.step_ns + r.cost_ns);
    // Most steps yield from Runnable, which leaves the slot as it was.
    if (r.kind != StepResult::Kind::Yield || s.wait != WaitOn::Runnable)
        apply_deterministic(s, r);
    if (after_step)
        after_step();
    return true;
}

bool Scheduler::step_one(bool workload) {
    return step(workload);
}

uint64_t Scheduler::step_workload(uint64_t n) {
    uint64_t done = 0;
    while (done < n && workload_left_ && step(true))
        ++done;
    return done;
}

void Scheduler::park(Slot& s, const StepResult& r) {
    // The queue's generation now: a wake-up bumps it, which is how runnable() sees one
    // (and moves the slot to the runtime's woken mask, which is how runnable_mask() does).
    s.gen = rt_.queue_gen(r.queue);
    set_wait(s, r.wait, r.queue);
}

void Scheduler::apply_deterministic(Slot& s, const StepResult& r) {
    switch (r.kind) {
    case StepResult::Kind::Yield:
        set_wait(s, WaitOn::Runnable);
        break;
    case StepResult::Kind::Block:
        park(s, r);
        break;
    case StepResult::Kind::Io: {
        uint64_t cost = 0;
        s.task->io_status = rt_.perform_io(r.io, &cost);
        rt_.advance(cost);
        // Usually the task ran from Runnable: its slot stays as it is.
        if (s.wait != WaitOn::Runnable)
            set_wait(s, WaitOn::Runnable);
        break;
    }
    case StepResult::Kind::Done:
        finished(s);
        break;
    case StepResult::Kind::Sleep:
        s.wake_ns = r.wake_ns;
        set_wait(s, WaitOn::Sleep);
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
            set_wait(s, WaitOn::Runnable);
            lk.unlock();
            std::this_thread::yield();
            lk.lock();
            break;
        case StepResult::Kind::Block:
            park(s, r);
            break;
        case StepResult::Kind::Io: {
            set_wait(s, WaitOn::Io);
            lk.unlock();
            uint64_t cost = 0;
            Status st;
            {
                std::lock_guard io(io_lock_);
                st = rt_.perform_io(r.io, &cost);
            }
            lk.lock();
            s.task->io_status = st;
            set_wait(s, WaitOn::Runnable);
            break;
        }
        case StepResult::Kind::Done:
            finished(s);
            control_cv_.notify_all();
            return;
        case StepResult::Kind::Sleep:
            s.wake_ns = r.wake_ns;
            set_wait(s, WaitOn::Sleep);
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
            set_wait(s, WaitOn::Runnable);
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
