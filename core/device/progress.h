#pragma once
// Progress of long work (formatting a target, inspecting a large device, reading a trace)
// and the way to stop it, without any UI type, so the CLI, the GUI and the tests drive the
// same core functions.
//
// The working code calls report() between units of work (a journal bucket, a prio bucket,
// a btree node) with the stage it is in, the units done and the units in all (0 when it
// cannot know yet). The owner's callback runs on the working thread, synchronously: it
// may record the figures and answer false to ask the work to stop. The work then stops
// at that point, undoes nothing it need not undo, and returns an error saying it was
// cancelled; cancelled() tells the owner that the error was its own request.
//
// One Progress serves one piece of work on one thread at a time.

#include <cstdint>
#include <functional>
#include <string_view>

namespace bucketscope {

class Progress {
  public:
    // (stage, done, total); total 0 = unknown. Returns false to cancel.
    using Callback = std::function<bool(std::string_view stage, uint64_t done, uint64_t total)>;

    Progress() = default;
    explicit Progress(Callback callback) : callback_(std::move(callback)) {}

    // Passes the figures on; false once the work should stop (and from then on).
    bool report(std::string_view stage, uint64_t done, uint64_t total = 0) {
        if (!cancelled_ && callback_ && !callback_(stage, done, total))
            cancelled_ = true;
        return !cancelled_;
    }
    bool cancelled() const { return cancelled_; }

  private:
    Callback callback_;
    bool cancelled_ = false;
};

// report() through `p` when there is one; work without a Progress never stops.
inline bool report_progress(Progress* p, std::string_view stage, uint64_t done,
                            uint64_t total = 0) {
    return !p || p->report(stage, done, total);
}

// The message of the error a cancelled piece of work returns.
inline constexpr const char* kCancelledMessage = "cancelled";

} // namespace bucketscope
