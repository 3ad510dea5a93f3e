// The deterministic scheduler's wait queues: a task parked on a queue runs again only after
// a wake of that queue posted after it parked (not one from before, not another queue's),
// and a woken task is picked until it steps, whatever else runs meanwhile.
#include <gtest/gtest.h>

#include <mutex>
#include <vector>

#include "core/device/ram_device.h"
#include "core/engine/runtime.h"
#include "core/engine/scheduler.h"

namespace bucketscope::test {
namespace {

// Step 0 wakes kGcWait and then parks on it (the wake before parking must not count);
// every later step parks on kGcWait again. Records when it ran.
class Parker : public Task {
  public:
    Parker(std::vector<int>& log, int tag) : Task("parker"), log_(log), tag_(tag) {}
    StepResult step(Runtime& rt) override {
        log_.push_back(tag_);
        if (steps_++ == 0)
            rt.wake(kGcWait);
        return StepResult::block(WaitOn::GcWait, kGcWait);
    }

  private:
    std::vector<int>& log_;
    int tag_;
    int steps_ = 0;
};

// Yields; on its steps listed in `wakes` it wakes the queue given there.
class Waker : public Task {
  public:
    Waker(std::vector<int>& log, std::vector<std::pair<int, unsigned>> wakes)
        : Task("waker"), log_(log), wakes_(std::move(wakes)) {}
    StepResult step(Runtime& rt) override {
        log_.push_back(0);
        for (auto [at, q] : wakes_)
            if (at == steps_)
                rt.wake(q);
        ++steps_;
        return StepResult::yield();
    }

  private:
    std::vector<int>& log_;
    std::vector<std::pair<int, unsigned>> wakes_;
    int steps_ = 0;
};

struct Rig {
    EngineOptions opts;
    RamDevice dev{1 << 20};
    CacheSet c;
    Runtime rt{c, std::vector<Device*>{&dev}, opts};
    std::mutex lock;
    Scheduler sched{rt, lock, 7};
};

TEST(Scheduler, ParkedTaskRunsOnlyAfterALaterWakeOfItsQueue) {
    Rig r;
    std::vector<int> log;
    // The waker wakes another queue at its step 2 and the parker's at its step 5.
    r.sched.add(std::make_unique<Parker>(log, 1));
    r.sched.add(std::make_unique<Waker>(log, std::vector<std::pair<int, unsigned>>{
                                                  {2, kJournalWork}, {5, kGcWait}}));
    std::lock_guard lk(r.lock);
    for (int i = 0; i < 40; ++i)
        ASSERT_TRUE(r.sched.step_one());
    // The parker's own wake before parking and the other queue's wake do not wake it: it
    // runs once before the waker's sixth step (seed 7 picks it early), once after the
    // waker's sixth step, and never again.
    std::vector<size_t> waker_steps_before; // per parker run
    size_t waker_steps = 0;
    for (int t : log) {
        if (t == 1)
            waker_steps_before.push_back(waker_steps);
        else
            ++waker_steps;
    }
    ASSERT_EQ(waker_steps_before.size(), 2u);
    EXPECT_LT(waker_steps_before[0], 6u);
    EXPECT_GE(waker_steps_before[1], 6u);
    EXPECT_EQ(r.sched.infos()[0].wait, WaitOn::GcWait);
}

} // namespace
} // namespace bucketscope::test
