// FaultInjectingDevice: each rule fails exactly the requests it names, with an error that
// looks like a real one, and a torn write leaves exactly its prefix behind.

#include "core/device/fault_injecting_device.h"
#include "core/device/ram_device.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace bucketscope {
namespace {

using ::testing::HasSubstr;

std::vector<std::byte> filled(size_t n, unsigned char v) {
    return std::vector<std::byte>(n, std::byte{v});
}

class FaultInjectingDeviceTest : public ::testing::Test {
  protected:
    RamDevice ram_{64 * 1024};
    FaultInjectingDevice dev_{ram_};
};

TEST_F(FaultInjectingDeviceTest, PassesEverythingThroughWithoutRules) {
    EXPECT_EQ(dev_.name(), ram_.name());
    EXPECT_EQ(dev_.size_bytes(), ram_.size_bytes());
    ASSERT_TRUE(dev_.write(4096, filled(512, 0xab)));
    std::vector<std::byte> back(512);
    ASSERT_TRUE(dev_.read(4096, back));
    EXPECT_EQ(back, filled(512, 0xab));
    EXPECT_TRUE(dev_.discard(0, 4096));
    EXPECT_TRUE(dev_.flush());
    EXPECT_EQ(dev_.ops(), 4u);
    EXPECT_EQ(dev_.writes(), 1u);
    EXPECT_EQ(dev_.injected_failures(), 0u);
}

TEST_F(FaultInjectingDeviceTest, ReadCoveringABadOffsetFailsWithEio) {
    dev_.fail_reads_at(8192 + 100);
    std::vector<std::byte> buf(4096);
    EXPECT_TRUE(dev_.read(4096, buf));       // ends just before
    EXPECT_TRUE(dev_.read(8192 + 101, buf)); // starts just after
    Status s = dev_.read(8192, buf);
    ASSERT_FALSE(s);
    EXPECT_THAT(s.message, HasSubstr("read of 4096 bytes at offset 8192 failed"));
    EXPECT_THAT(s.message, HasSubstr("Input/output error (errno 5)"));
    EXPECT_THAT(s.message, HasSubstr("(injected)"));
    // Writes to the same place still work: it is a read fault.
    EXPECT_TRUE(dev_.write(8192, filled(4096, 1)));
}

TEST_F(FaultInjectingDeviceTest, WriteCoveringABadOffsetStoresNothing) {
    dev_.fail_writes_at(1000);
    EXPECT_FALSE(dev_.write(512, filled(1024, 0xee)));
    std::vector<std::byte> back(1024);
    ASSERT_TRUE(ram_.read(512, back));
    EXPECT_EQ(back, filled(1024, 0));
    EXPECT_EQ(ram_.writes(), 0u);
}

TEST_F(FaultInjectingDeviceTest, EveryOperationAfterTheNthFails) {
    dev_.fail_after_ops(3);
    std::vector<std::byte> buf(512);
    EXPECT_TRUE(dev_.read(0, buf));
    EXPECT_TRUE(dev_.write(0, buf));
    EXPECT_TRUE(dev_.flush());
    EXPECT_FALSE(dev_.read(0, buf));
    EXPECT_FALSE(dev_.write(0, buf));
    EXPECT_FALSE(dev_.discard(0, 512));
    EXPECT_FALSE(dev_.flush());
    EXPECT_EQ(dev_.injected_failures(), 4u);
}

TEST_F(FaultInjectingDeviceTest, TornWriteStoresOnlyItsPrefix) {
    dev_.tear_write(2, 1536);
    ASSERT_TRUE(dev_.write(0, filled(4096, 0x11)));
    Status s = dev_.write(8192, filled(4096, 0x22));
    ASSERT_FALSE(s);
    EXPECT_THAT(s.message, HasSubstr("write (torn) of 4096 bytes at offset 8192"));
    std::vector<std::byte> back(4096);
    ASSERT_TRUE(ram_.read(8192, back));
    for (size_t i = 0; i < back.size(); ++i)
        ASSERT_EQ(back[i], std::byte{static_cast<unsigned char>(i < 1536 ? 0x22 : 0)}) << i;
    // Only the second write tears; the third goes through whole.
    EXPECT_TRUE(dev_.write(8192, filled(4096, 0x33)));
}

TEST_F(FaultInjectingDeviceTest, StoppedDeviceFailsLaterWritesButStillReads) {
    dev_.stop_after_writes(2);
    EXPECT_TRUE(dev_.write(0, filled(512, 1)));
    EXPECT_TRUE(dev_.write(512, filled(512, 2)));
    EXPECT_FALSE(dev_.flush());
    EXPECT_FALSE(dev_.discard(0, 512));
    EXPECT_FALSE(dev_.write(1024, filled(512, 3)));
    EXPECT_FALSE(dev_.write(0, filled(512, 4)));
    std::vector<std::byte> back(1536);
    ASSERT_TRUE(dev_.read(0, back));
    for (size_t i = 0; i < back.size(); ++i)
        ASSERT_EQ(back[i], std::byte{static_cast<unsigned char>(i < 512    ? 1
                                                                : i < 1024 ? 2
                                                                           : 0)})
            << i;
    EXPECT_EQ(ram_.writes(), 2u);
}

TEST_F(FaultInjectingDeviceTest, StopAfterZeroWritesRefusesTheFirst) {
    dev_.stop_after_writes(0);
    EXPECT_FALSE(dev_.write(0, filled(512, 1)));
    EXPECT_EQ(ram_.writes(), 0u);
}

TEST_F(FaultInjectingDeviceTest, ClearDropsEveryRule) {
    dev_.fail_reads_at(0);
    dev_.stop_after_writes(0);
    dev_.clear();
    std::vector<std::byte> buf(512);
    EXPECT_TRUE(dev_.read(0, buf));
    EXPECT_TRUE(dev_.write(0, buf));
}

TEST_F(FaultInjectingDeviceTest, InnerErrorsPassThroughUnchanged) {
    std::vector<std::byte> buf(512);
    Status s = dev_.read(ram_.size_bytes(), buf);
    ASSERT_FALSE(s);
    EXPECT_THAT(s.message, HasSubstr("past the end"));
    EXPECT_THAT(s.message, ::testing::Not(HasSubstr("injected")));
}

} // namespace
} // namespace bucketscope
