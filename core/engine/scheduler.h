#pragma once
// Runs the engine's tasks, one of two ways, with the same step functions.
//
// Deterministic: step_one() picks one runnable task with a seeded generator, runs one step
// and performs its I/O at once, charging the virtual clock: step_ns per step plus the
// step's own cost plus the I/O cost. A task blocked on a wait queue is runnable again
// once that queue's generation moved; a sleeping task once the clock reached its wake
// time, and when only sleepers are left the clock jumps to the earliest. Nothing depends
// on wall time or thread timing, so the same seed gives the same sequence of steps and
// events.
//
// Threaded: start() gives every task a std::thread that loops { wait until runnable;
// step; } holding bucket_lock (the CacheSet's std::mutex) exactly while a step runs, and
// sleeping on the wait queue's condition variable when blocked. I/O runs with bucket_lock
// dropped, serialised by an I/O mutex (a Device is single-threaded). pause() stops new
// steps, stop() wakes every sleeper and joins.
//
// The after-step hook runs with bucket_lock held after every step in both modes.
//
// The deterministic pick keeps, beside each slot's wait state, bit masks of the slots that
// can run, wait on a queue and sleep (updated wherever a slot's wait changes); the runtime
// moves a queue's parked slots to its woken mask when the queue is woken, so a step tests
// only the sleeping slots and picks the draw's runnable slot by counting bits, in slot
// order exactly as a walk over all slots would. Hence at most kMaxTasks
// tasks (the engine's options allow 44: 8 allocators, 3 kernel threads, 32 request tasks,
// writeback).

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/engine/runtime.h"

namespace bucketscope {

class WorkloadTask;

class Scheduler {
  public:
    Scheduler(Runtime& rt, std::mutex& bucket_lock, uint64_t seed);
    ~Scheduler();

    static constexpr size_t kMaxTasks = 64;
    // Throws std::length_error beyond kMaxTasks.
    Task& add(std::unique_ptr<Task> t);
    std::function<void()> after_step; // bucket_lock held

    // Deterministic mode; caller holds bucket_lock. False if no task is runnable.
    // Without `workload`, only the kernel's own threads run (allocators, GC, journal, btree
    // writer): how the engine drains its writes at a sync or a clean stop.
    bool step_one(bool workload = true);
    // Deterministic mode: up to `n` steps of step_one(), stopping early once every workload
    // task is done or nothing can run; returns the steps run. The replay's loop: its steps
    // run here without a call each.
    uint64_t step_workload(uint64_t n);

    // Threaded mode; called without bucket_lock.
    void start();
    void pause();
    void resume();
    void stop();
    bool running() const { return running_; }
    void wait_workload_done();

    // bucket_lock held.
    std::vector<TaskInfo> infos() const;
    bool workload_done() const { return workload_left_ == 0; }

  private:
    struct Slot {
        std::unique_ptr<Task> task;
        WaitOn wait = WaitOn::Runnable; // changed only by set_wait()
        unsigned queue = 0;
        uint64_t gen = 0;
        uint64_t wake_ns = 0; // WaitOn::Sleep
        uint64_t steps = 0;
        bool done = false;
        bool workload = false; // task->is_workload(), asked once
        // The task if it is a request task: most steps are theirs, and WorkloadTask is
        // final, so they are called directly rather than through the vtable.
        WorkloadTask* request = nullptr;
    };
    bool runnable(const Slot& s) const {
        if (s.done)
            return false;
        if (s.wait == WaitOn::Runnable || s.wait == WaitOn::Io)
            return true;
        if (s.wait == WaitOn::Sleep)
            return rt_.now() >= s.wake_ns;
        return rt_.queue_gen(s.queue) != s.gen;
    }
    // Every change of a slot's wait goes here, so the masks follow; `queue` is the one a
    // blocked slot waits on, whose waiters the runtime keeps for us.
    void set_wait(Slot& s, WaitOn w, unsigned queue = 0) {
        const uint64_t bit = 1ull << static_cast<size_t>(&s - slots_.data());
        if (blocked_ & bit)
            rt_.drop_waiter(s.queue, bit);
        s.wait = w;
        s.queue = queue;
        ready_ &= ~bit;
        blocked_ &= ~bit;
        sleeping_ &= ~bit;
        if (s.done)
            return;
        if (w == WaitOn::Runnable || w == WaitOn::Io)
            ready_ |= bit;
        else if (w == WaitOn::Sleep)
            sleeping_ |= bit;
        else {
            blocked_ |= bit;
            rt_.add_waiter(queue, bit);
        }
    }
    // A task's step returned Done.
    void finished(Slot& s) {
        s.done = true;
        set_wait(s, WaitOn::Done);
        if (s.workload)
            --workload_left_;
    }
    // step_one()'s body, inlined into both loops.
    bool step(bool workload);
    // The runnable slots as a mask; without `workload` only the kernel's tasks.
    uint64_t runnable_mask(bool workload) const;
    // Records what the step asked for; performs deterministic I/O at once.
    void apply_deterministic(Slot& s, const StepResult& r);
    // A blocked step: remember what the task waits on, in both modes.
    void park(Slot& s, const StepResult& r);
    void thread_main(size_t i);

    Runtime& rt_;
    std::mutex& lock_;
    uint64_t rng_;
    std::vector<Slot> slots_;
    size_t workload_left_ = 0; // workload tasks not done: checked after every step
    // Slots Runnable or in Io; waiting on a queue; sleeping; workload tasks.
    uint64_t ready_ = 0, blocked_ = 0, sleeping_ = 0, workload_mask_ = 0;

    std::vector<std::thread> threads_;
    std::mutex io_lock_;
    std::condition_variable control_cv_; // pause/resume, stop and workload completion
    bool running_ = false;
    bool stop_ = false;
    bool paused_ = false;
};

} // namespace bucketscope
