// The journal task's state machine; see journal_task.h.
#include "core/engine/journal_task.h"

#include "core/engine/btree_store.h"

namespace bucketscope {

JournalTask::JournalTask(JournalWriter& journal) : Task("bcache_journal"), journal_(journal) {}

StepResult JournalTask::next_io(Runtime& rt) {
    const size_t n = rt.devices.size();
    for (;;) {
        if (state_ == State::PreFlush) {
            while (dev_ < n && !rt.device_dirty(static_cast<unsigned>(dev_)))
                ++dev_;
            if (dev_ < n) {
                IoRequest io;
                io.op = IoOp::Flush;
                io.dev = static_cast<unsigned>(dev_++);
                awaiting_io_ = true;
                return StepResult::do_io(io);
            }
            state_ = State::Write;
            dev_ = 0;
        }
        if (state_ == State::Write) {
            if (dev_ < entry_.offset_bytes.size()) {
                IoRequest io;
                io.op = IoOp::Write;
                io.dev = static_cast<unsigned>(dev_);
                io.offset = entry_.offset_bytes[dev_];
                io.length = entry_.buf.size();
                io.data = entry_.buf.data();
                ++dev_;
                awaiting_io_ = true;
                return StepResult::do_io(io);
            }
            state_ = State::Fua;
            dev_ = 0;
        }
        if (dev_ < n) {
            IoRequest io;
            io.op = IoOp::Flush;
            io.dev = static_cast<unsigned>(dev_++);
            awaiting_io_ = true;
            return StepResult::do_io(io);
        }
        // Durable on every device.
        journal_.written(entry_);
        rt.journal_durable(entry_.seq);
        if (rt.btree)
            rt.btree->complete_deferred_frees(); // an old root this entry replaced
        rt.wake(kJournalWait);
        state_ = State::Idle;
        return StepResult::yield();
    }
}

StepResult JournalTask::step(Runtime& rt) {
    if (awaiting_io_) {
        awaiting_io_ = false;
        if (!io_status) {
            journal_.write_failed();
            rt.io_failed("journal write seq " + std::to_string(entry_.seq), io_status);
            return StepResult::done();
        }
    }
    if (state_ == State::Idle) {
        if (journal_.failed() || rt.io_disabled())
            return StepResult::done();
        if (!journal_.wants_write())
            return StepResult::block(WaitOn::Journal, kJournalWork);
        const uint64_t open = journal_.open_seq();
        const uint64_t last = rt.btree ? rt.btree->last_seq(open) : open;
        uint64_t pinned = 0;
        if (!journal_.begin_write(last, entry_, &pinned)) {
            // Journal full: the leaves holding keys up to `pinned` must be written first.
            if (rt.btree)
                rt.btree->request_flush(pinned);
            rt.wake(kBtreeWork);
            rt.wake(kBtreeCacheWait);
            return StepResult::block(WaitOn::BtreeWrite, kBtreeDone);
        }
        state_ = State::PreFlush;
        dev_ = 0;
    }
    // Returned as it is, so next_io builds it in the caller's slot: copying it out of a
    // local here read it back with wide loads that stall on the stores that built it.
    return next_io(rt);
}

} // namespace bucketscope
