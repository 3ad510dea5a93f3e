// Crash safety with the fault-injecting device: the device stops taking writes after the
// Nth write (power lost) or tears the Nth write, for every N over a range; afterwards check
// finds the image consistent, every write acknowledged before the stop reads back, and the
// engine reopens it and carries on. A torn prio write is caught by its checksum and the
// previous prio set stays in force; a damaged newest prio set falls back to an older one.
#include "tests/core/engine/engine_fixture.h"

#include "core/device/fault_injecting_device.h"
#include "core/inspect/fsck.h"
#include "core/inspect/inspect.h"
#include "core/ondisk/le.h"
#include "core/ondisk/prio_set.h"

namespace bucketscope::test {
namespace {

constexpr uint64_t kBucketBytes = 8 << 10;

// The default suite samples the write counts; test_engine_crash_sweep (label slow) tries
// every one up to a few hundred.
#ifdef BUCKETSCOPE_CRASH_SWEEP
constexpr bool kSweep = true;
#else
constexpr bool kSweep = false;
#endif

std::unique_ptr<RamDevice> copy_of(RamDevice& d) {
    auto c = std::make_unique<RamDevice>(d.size_bytes());
    std::vector<std::byte> buf(d.size_bytes());
    EXPECT_TRUE(d.read(0, buf).is_ok());
    EXPECT_TRUE(c->write(0, buf).is_ok());
    return c;
}

std::vector<inspect::AckRecord> drain(Engine& e) {
    std::vector<AckedWrite> acks;
    e.poll_acks(acks);
    std::vector<inspect::AckRecord> out;
    for (const AckedWrite& a : acks)
        out.push_back({a.inode, a.start, a.sectors, a.write_id, a.dirty, a.journal_seq});
    return out;
}

// Opens the engine on `dev` and runs it for up to `steps`, or until the device fails it.
// Returns the writes it acknowledged.
std::vector<inspect::AckRecord> run(Device& dev, uint64_t seed, uint64_t steps,
                                    bool close = false) {
    EngineOptions o;
    o.seed = seed;
    o.record_acks = true;
    std::string why;
    auto e = Engine::open(dev, o, {}, &why);
    if (!e)
        return {}; // the device failed during registration: nothing was acknowledged
    std::vector<inspect::AckRecord> acks;
    for (uint64_t done = 0; done < steps;) {
        const uint64_t ran = e->step(512);
        const auto more = drain(*e);
        acks.insert(acks.end(), more.begin(), more.end());
        done += ran;
        if (ran < 512)
            break;
    }
    if (close && e->close())
        for (const auto& a : drain(*e))
            acks.push_back(a);
    return acks;
}

std::string problems(const inspect::CheckReport& r) {
    std::string s;
    for (const std::string& p : r.problems)
        s += "\n  " + p;
    return s;
}

// A cache that has been run for a while and stopped cleanly.
std::unique_ptr<RamDevice> populated(std::vector<inspect::AckRecord>& acks) {
    auto dev = formatted_ram(1088, kBucketBytes, 4096);
    acks = run(*dev, 1, 20000, /*close=*/true);
    return dev;
}

void expect_recovers(RamDevice& dev, const std::vector<inspect::AckRecord>& acks,
                     const std::string& what) {
    inspect::CheckOptions opt;
    opt.acks = &acks;
    const inspect::CheckReport r = inspect::check_cache(dev, opt);
    EXPECT_TRUE(r.ok()) << what << ":" << problems(r);
    EXPECT_GT(r.stats.acks, 0u) << what;
    // It reopens (journal replay included) and carries on, and is consistent again.
    auto more = acks;
    const auto after = run(dev, 99, 1500, /*close=*/true);
    more.insert(more.end(), after.begin(), after.end());
    opt.acks = &more;
    const inspect::CheckReport r2 = inspect::check_cache(dev, opt);
    EXPECT_TRUE(r2.ok()) << what << " after reopening:" << problems(r2);
}

TEST(Crash, StoppingTheDeviceAtEveryNthWriteLosesNothingAcknowledged) {
    std::vector<inspect::AckRecord> base_acks;
    auto base = populated(base_acks);
    ASSERT_GT(base_acks.size(), 500u);
    std::vector<uint64_t> ns;
    if (kSweep) {
        for (uint64_t n = 1; n <= 400; ++n)
            ns.push_back(n);
    } else {
        ns = {1, 2, 3, 4, 5, 6, 8, 11, 40, 97, 150, 233, 377, 610};
    }
    uint64_t stopped = 0;
    for (uint64_t n : ns) {
        auto dev = copy_of(*base);
        FaultInjectingDevice fault(*dev);
        fault.stop_after_writes(n);
        auto acks = base_acks;
        const auto more = run(fault, n, 100000);
        acks.insert(acks.end(), more.begin(), more.end());
        stopped += fault.injected_failures() > 0;
        expect_recovers(*dev, acks, "stopped after write " + std::to_string(n));
    }
    EXPECT_EQ(stopped, ns.size()) << "every run ended on the injected stop";
}

TEST(Crash, ATornWriteAnywhereLosesNothingAcknowledged) {
    std::vector<inspect::AckRecord> base_acks;
    auto base = populated(base_acks);
    for (uint64_t n = 3; n <= 400; n += kSweep ? 3 : 61) {
        auto dev = copy_of(*base);
        FaultInjectingDevice fault(*dev);
        fault.tear_write(n, (n * 1237) % 8192);
        auto acks = base_acks;
        const auto more = run(fault, n, 100000);
        acks.insert(acks.end(), more.begin(), more.end());
        expect_recovers(*dev, acks, "tearing write " + std::to_string(n));
    }
}

// Records which writes a run makes.
class WriteLog final : public Device {
  public:
    explicit WriteLog(Device& inner, uint64_t pset_magic) : inner_(inner), pset_magic_(pset_magic) {}
    std::string name() const override { return inner_.name(); }
    uint64_t size_bytes() const override { return inner_.size_bytes(); }
    Status read(uint64_t o, std::span<std::byte> out) override { return inner_.read(o, out); }
    Status write(uint64_t o, std::span<const std::byte> d) override {
        ++writes_;
        if (!first_prio_ && d.size() >= 16 && ondisk::le64(d, 8) == pset_magic_) {
            first_prio_ = writes_;
            prio_offset_ = o;
        }
        return inner_.write(o, d);
    }
    Status discard(uint64_t o, uint64_t l) override { return inner_.discard(o, l); }
    Status flush() override { return inner_.flush(); }
    uint64_t first_prio_write() const { return first_prio_; }
    uint64_t prio_offset() const { return prio_offset_; }

  private:
    Device& inner_;
    uint64_t pset_magic_;
    uint64_t writes_ = 0;
    uint64_t first_prio_ = 0;
    uint64_t prio_offset_ = 0;
};

TEST(Crash, ATornPrioWriteIsCaughtByItsChecksumAndThePreviousSetStaysInForce) {
    std::vector<inspect::AckRecord> base_acks;
    auto base = populated(base_acks);
    auto report = inspect::inspect_cache(*base);
    ASSERT_TRUE(report);
    const uint64_t magic = report.value().sb.set_magic() ^ ondisk::PSET_MAGIC;

    // The same deterministic run twice: once to find its first prio write, once tearing it.
    auto probe_dev = copy_of(*base);
    WriteLog log(*probe_dev, magic);
    run(log, 7, 20000);
    ASSERT_GT(log.first_prio_write(), 0u);

    auto dev = copy_of(*base);
    FaultInjectingDevice fault(*dev);
    fault.tear_write(log.first_prio_write(), 512);
    auto acks = base_acks;
    const auto more = run(fault, 7, 20000);
    acks.insert(acks.end(), more.begin(), more.end());
    ASSERT_EQ(fault.injected_failures(), 1u);

    std::vector<std::byte> torn(kBucketBytes);
    ASSERT_TRUE(dev->read(log.prio_offset(), torn).is_ok());
    auto decoded = ondisk::decode_prio_set(torn, report.value().sb.set_magic(), log.prio_offset());
    ASSERT_FALSE(decoded);
    EXPECT_NE(decoded.error().message.find("bad csum"), std::string::npos);
    auto after = inspect::inspect_cache(*dev);
    ASSERT_TRUE(after) << after.error().to_string();
    EXPECT_EQ(after.value().prio_chain, report.value().prio_chain)
        << "no journal entry names the torn set";
    expect_recovers(*dev, acks, "a torn prio write");
}

TEST(Crash, ADamagedNewestPrioSetFallsBackToTheOneAnOlderEntryNames) {
    std::vector<inspect::AckRecord> acks;
    auto dev = populated(acks);
    auto report = inspect::inspect_cache(*dev);
    ASSERT_TRUE(report);
    const uint64_t bucket = report.value().prio_chain.front();
    std::vector<std::byte> b(1);
    ASSERT_TRUE(dev->read(bucket * kBucketBytes + 100, b).is_ok());
    b[0] ^= std::byte{0x5a};
    ASSERT_TRUE(dev->write(bucket * kBucketBytes + 100, b).is_ok());

    const inspect::CheckReport r = inspect::check_cache(*dev);
    EXPECT_FALSE(r.ok());
    ASSERT_FALSE(r.problems.empty());
    EXPECT_NE(r.problems[0].find("bad csum"), std::string::npos) << r.problems[0];

    EngineOptions o;
    std::string why;
    auto e = Engine::open(*dev, o, {}, &why);
    ASSERT_TRUE(e) << why;
    ASSERT_FALSE(e->notes().empty());
    EXPECT_NE(e->notes().front().find("unreadable"), std::string::npos) << e->notes().front();
    EXPECT_EQ(e->step(3000), 3000u);
}

} // namespace
} // namespace bucketscope::test
