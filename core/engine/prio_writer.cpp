// bch_prio_write step by step; see prio_writer.h for the order and why it matters.
#include "core/engine/prio_writer.h"

#include <algorithm>

#include "core/engine/checker.h"
#include "core/engine/prio_pack.h"

namespace bucketscope {

PrioWriter::PrioWriter(Runtime& rt, Cache& ca, JournalWriter& journal)
    : rt_(rt), ca_(ca), journal_(journal),
      buf_(ca.geo.prio_buffer_bytes(rt.c.profile)), pending_gens_(ca.geo.nbuckets, 0) {}

bool PrioWriter::enough_buckets() const {
    return ca_.free[RESERVE_PRIO].used() + ca_.free[RESERVE_NONE].used() >=
           ca_.prio_buckets.size();
}

void PrioWriter::begin(bool wait) {
    wait_ = wait;
    ++seq_;
    ca_.meta_sectors_written += uint64_t(ca_.geo.bucket_size) * ca_.prio_buckets.size();
    i_ = ca_.prio_buckets.size() - 1;
    journalled_ = false;
    state_ = State::Pack;
}

void PrioWriter::pack(uint64_t i) {
    const uint64_t ppb = ca_.geo.prios_per_bucket(rt_.c.profile);
    const uint64_t first = i * ppb;
    const uint64_t n = std::min<uint64_t>(first + ppb, ca_.geo.nbuckets) - first;
    // current(): the prio with any deferred rescale passes applied (prio_clock.h), packed
    // in one pass straight into the buffer's entries.
    pack_prio_entries(ca_.buckets.data() + first, n, rt_.c.prio_clock.on(),
                      rt_.c.prio_clock.passes(), buf_.data() + ondisk::PRIO_SET_HEADER,
                      pending_gens_.data() + first);
    // prio_buckets[i + 1] past the end of the current set is prio_last_buckets[0].
    const uint64_t next = i + 1 < ca_.prio_buckets.size() ? ca_.prio_buckets[i + 1]
                                                          : ca_.prio_last_buckets[0];
    const size_t end = ondisk::seal_prio_set(buf_, rt_.set_magic, seq_, next, n, zeros_from_);
    zeros_from_ = std::max(zeros_from_, end);
}

bool PrioWriter::step(const Status& last_io, StepResult& out) {
    const unsigned dev = ca_.geo.nr_this_dev;
    for (;;) {
        switch (state_) {
        case State::Idle:
            return false;
        case State::Pack:
            pack(i_);
            state_ = State::Alloc;
            break;
        case State::Alloc: {
            const auto b = bch_bucket_alloc(rt_.c, ca_, RESERVE_PRIO, rt_.obs());
            if (!b) {
                if (!wait_) {
                    // The kernel BUG()s here; the v6 caller checked enough_buckets().
                    rt_.error("bch_prio_write: RESERVE_PRIO and RESERVE_NONE ran dry on cache " +
                              std::to_string(dev) + " during a non-blocking write");
                    state_ = State::Idle;
                    return false;
                }
                if (!waiting_) {
                    waiting_ = true;
                    wait_start_ns_ = rt_.now();
                    ++rt_.metrics.alloc_waits;
                }
                out = StepResult::block(WaitOn::BucketWait, kBucketWait);
                return true;
            }
            if (waiting_) {
                waiting_ = false;
                rt_.metrics.alloc_wait_ns += rt_.now() - wait_start_ns_;
            }
            bucket_ = *b;
            state_ = State::Written;
            IoRequest io;
            io.op = IoOp::Write;
            io.dev = dev;
            io.offset = bucket_ * ca_.geo.bucket_bytes();
            io.length = buf_.size();
            io.data = buf_.data();
            io.zeros_from = zeros_from_;
            out = StepResult::do_io(io);
            return true;
        }
        case State::Written:
            if (!last_io) {
                rt_.io_failed("prio write to bucket " + std::to_string(bucket_), last_io);
                --ca_.buckets[bucket_].pin;
                state_ = State::Idle;
                return false;
            }
            ca_.prio_buckets[i_] = bucket_;
            --ca_.buckets[bucket_].pin;
            if (i_ == 0)
                state_ = State::Journal;
            else {
                --i_;
                state_ = State::Pack;
            }
            break;
        case State::Journal:
            if (!rt_.c.sync) {
                state_ = State::Finish; // bch_journal returns early without CACHE_SYNC
                break;
            }
            // bch_journal_meta: the next entry names the new prio buckets.
            journal_seq_ = journal_.request_meta();
            rt_.wake(kJournalWork);
            state_ = State::JournalWait;
            break;
        case State::JournalWait:
            if (!journal_.durable(journal_seq_)) {
                if (journal_.failed() || rt_.io_disabled()) {
                    // The entry naming these buckets will never be written: the previous
                    // prio set stays the durable one.
                    state_ = State::Idle;
                    return false;
                }
                out = StepResult::block(WaitOn::Journal, kJournalWait);
                return true;
            }
            journalled_ = true;
            state_ = State::Finish;
            break;
        case State::Finish:
            pending_valid_ = true;
            for (size_t i = 0; i < ca_.prio_buckets.size(); ++i) {
                if (ca_.prio_last_buckets[i])
                    __bch_bucket_free(rt_.c, ca_, ca_.buckets[ca_.prio_last_buckets[i]]);
                ca_.prio_last_buckets[i] = ca_.prio_buckets[i];
            }
            if (journalled_) {
                commit_pending();
                if (rt_.monitor)
                    rt_.monitor->after_prio_write(ca_);
            }
            ++rt_.metrics.prio_writes;
            rt_.emit(EventKind::PrioWrite, static_cast<uint8_t>(dev), ca_.prio_buckets[0], seq_);
            state_ = State::Idle;
            return false;
        }
    }
}

void PrioWriter::commit_pending() {
    if (!pending_valid_)
        return;
    ca_.disk_gens = pending_gens_;
    pending_valid_ = false;
}

} // namespace bucketscope
