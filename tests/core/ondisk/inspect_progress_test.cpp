// inspect reports its stages in order with sane figures, gives the same result with a
// Progress as without, and stops with a "cancelled" error at whichever stage the owner
// asks, having written nothing.

#include "core/inspect/inspect.h"
#include "core/device/open_device.h"
#include "fixture_util.h"

#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace bucketscope::inspect {
namespace {

struct Heard {
    std::string stage;
    uint64_t done, total;
};

std::unique_ptr<Device> open_fixture(const std::string& name) {
    auto opened = open_device(testutil::fixture_image(name).string(), OpenMode::read_only);
    EXPECT_TRUE(opened) << opened.status.message;
    return std::move(opened.device);
}

TEST(InspectProgress, StagesComeInOrderAndTheResultIsUnchanged) {
    auto dev = open_fixture("kernel-a");
    ASSERT_TRUE(dev);
    std::vector<Heard> heard;
    Progress progress([&](std::string_view s, uint64_t d, uint64_t t) {
        heard.push_back({std::string(s), d, t});
        return true;
    });
    InspectOptions opt;
    opt.progress = &progress;
    auto with = inspect_cache(*dev, opt);
    auto without = inspect_cache(*dev);
    ASSERT_TRUE(with) << with.error().to_string();
    ASSERT_TRUE(without);
    EXPECT_EQ(format_priority_stats(with.value().stats),
              format_priority_stats(without.value().stats));
    EXPECT_FALSE(progress.cancelled());

    const std::vector<std::string> order = {"journal", "prio sets", "btree", "extents"};
    size_t at = 0;
    for (const Heard& h : heard) {
        while (at < order.size() && order[at] != h.stage)
            ++at;
        ASSERT_LT(at, order.size()) << "stage " << h.stage << " out of order";
        if (h.total) {
            EXPECT_LT(h.done, h.total) << h.stage;
        }
    }
    const auto& sb = with.value().sb;
    EXPECT_EQ(std::count_if(heard.begin(), heard.end(),
                            [](const Heard& h) { return h.stage == "journal"; }),
              static_cast<long>(sb.keys));
    EXPECT_EQ(std::count_if(heard.begin(), heard.end(),
                            [](const Heard& h) { return h.stage == "btree"; }),
              static_cast<long>(with.value().totals.btree.nodes));
    EXPECT_EQ(std::count_if(heard.begin(), heard.end(),
                            [](const Heard& h) { return h.stage == "prio sets"; }),
              static_cast<long>(with.value().prio_chain.size()));
}

TEST(InspectProgress, CancelStopsAtTheStageAskedAndNamesIt) {
    const auto image = testutil::fixture_image("kernel-a");
    const uint64_t crc = testutil::file_crc(image);
    for (const std::string stop_at : {"journal", "prio sets", "btree", "extents"}) {
        auto dev = open_fixture("kernel-a");
        ASSERT_TRUE(dev);
        std::vector<std::string> after_cancel;
        bool asked = false;
        Progress progress([&](std::string_view s, uint64_t, uint64_t) {
            if (asked)
                after_cancel.emplace_back(s);
            asked = asked || s == stop_at;
            return !asked;
        });
        InspectOptions opt;
        opt.progress = &progress;
        auto r = inspect_cache(*dev, opt);
        ASSERT_FALSE(r) << stop_at;
        EXPECT_EQ(r.error().message, kCancelledMessage) << stop_at;
        EXPECT_TRUE(progress.cancelled());
        EXPECT_TRUE(after_cancel.empty()) << stop_at << ": heard " << after_cancel.front();
    }
    EXPECT_EQ(testutil::file_crc(image), crc);
}

} // namespace
} // namespace bucketscope::inspect
