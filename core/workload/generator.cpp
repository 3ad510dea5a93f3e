// The seeded generators behind workload specs (generator.h): one parameter parser, one
// base class drawing op, size and process for every kind, and per kind only the choice
// of the next offset slot. Everything comes from one std::mt19937_64 seeded from the
// spec, so a spec and a seed name one request sequence on every machine.
#include "core/workload/generator.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <vector>

namespace bucketscope::workload {
namespace {

// Zipf ranks in [1, n] by rejection-inversion (Hormann and Derflinger, 1996): O(1) per
// sample and no table, so an 8 GiB span of 4 KiB blocks (2M items) costs nothing to set up.
class ZipfSampler {
  public:
    ZipfSampler(uint64_t n, double alpha) : n_(double(n)), s_(alpha) {
        h_x1_ = h(1.5) - 1.0;
        h_n_ = h(n_ + 0.5);
        s_cut_ = 2.0 - h_inv(h(2.5) - std::pow(2.0, -s_));
    }
    template <typename Rng> uint64_t operator()(Rng& rng) {
        std::uniform_real_distribution<double> u01(0.0, 1.0);
        for (;;) {
            const double u = h_n_ + u01(rng) * (h_x1_ - h_n_);
            const double x = h_inv(u);
            double k = std::floor(x + 0.5);
            k = std::clamp(k, 1.0, n_);
            if (k - x <= s_cut_ || u >= h(k + 0.5) - std::pow(k, -s_))
                return static_cast<uint64_t>(k);
        }
    }

  private:
    double h(double x) const { return helper2((1.0 - s_) * std::log(x)) * std::log(x); }
    double h_inv(double x) const {
        double t = x * (1.0 - s_);
        if (t < -1.0)
            t = -1.0; // guard against rounding just below the domain
        return std::exp(helper1(t) * x);
    }
    // log1p(x)/x and (exp(x)-1)/x, continuous at 0 (alpha = 1).
    static double helper1(double x) { return std::abs(x) > 1e-8 ? std::log1p(x) / x : 1 - x / 2; }
    static double helper2(double x) { return std::abs(x) > 1e-8 ? std::expm1(x) / x : 1 + x / 2; }

    double n_, s_, h_x1_, h_n_, s_cut_;
};

struct Params {
    std::string kind;
    std::map<std::string, std::string> kv;
    uint64_t span = 1ull << 30, align = 4096, size_min = 4096, size_max = 4096;
    // size=A:W/B:W: sizes with their cumulative weights (empty: fixed or uniform).
    std::vector<std::pair<uint64_t, uint64_t>> size_table;
    unsigned read_percent = 0, discard_percent = 0, processes = 1;
    uint64_t seed = 1;
    uint64_t requests = 0;
};

unsigned parse_percent(const std::string& v, const std::string& key) {
    size_t used = 0;
    unsigned long p = 0;
    try {
        p = std::stoul(v, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used != v.size() || p > 100)
        throw SpecError("workload option " + key + "=" + v + ": expected a percentage 0..100");
    return static_cast<unsigned>(p);
}

double parse_double(const std::string& v, const std::string& key) {
    size_t used = 0;
    double d = 0;
    try {
        d = std::stod(v, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used != v.size() || !(d > 0))
        throw SpecError("workload option " + key + "=" + v + ": expected a positive number");
    return d;
}

// size=A, size=A-B or size=A:W/B:W/...
void parse_sizes(const std::string& v, Params& p) {
    if (v.find(':') == std::string::npos) {
        const size_t dash = v.find('-');
        p.size_min = parse_size(v.substr(0, dash), "size");
        p.size_max = dash == std::string::npos ? p.size_min : parse_size(v.substr(dash + 1), "size");
        return;
    }
    uint64_t total = 0;
    size_t start = 0;
    while (start <= v.size()) {
        size_t slash = v.find('/', start);
        if (slash == std::string::npos)
            slash = v.size();
        const std::string item = v.substr(start, slash - start);
        const size_t colon = item.find(':');
        if (colon == std::string::npos)
            throw SpecError("workload option size=" + v + ": expected SIZE:WEIGHT items separated "
                            "by '/', found '" + item + "'");
        const uint64_t size = parse_size(item.substr(0, colon), "size");
        const uint64_t weight = parse_size(item.substr(colon + 1), "size weight");
        if (weight == 0)
            throw SpecError("workload option size=" + v + ": weight 0 in '" + item + "'");
        total += weight;
        p.size_table.emplace_back(size, total);
        start = slash + 1;
    }
    p.size_min = p.size_max = p.size_table.front().first;
    for (const auto& [size, cum] : p.size_table) {
        p.size_min = std::min(p.size_min, size);
        p.size_max = std::max(p.size_max, size);
    }
}

Params parse_spec(const std::string& spec, uint64_t seed) {
    Params p;
    p.seed = seed;
    const size_t colon = spec.find(':');
    p.kind = spec.substr(0, colon);
    std::string rest = colon == std::string::npos ? "" : spec.substr(colon + 1);
    size_t start = 0;
    while (start < rest.size()) {
        size_t comma = rest.find(',', start);
        if (comma == std::string::npos)
            comma = rest.size();
        const std::string item = rest.substr(start, comma - start);
        const size_t eq = item.find('=');
        if (eq == std::string::npos || eq == 0)
            throw SpecError("workload spec '" + spec + "': expected key=value, found '" + item +
                            "'");
        p.kv[item.substr(0, eq)] = item.substr(eq + 1);
        start = comma + 1;
    }
    auto take = [&](const char* key) -> const std::string* {
        auto it = p.kv.find(key);
        return it == p.kv.end() ? nullptr : &it->second;
    };
    if (auto* v = take("span"))
        p.span = parse_size(*v, "span");
    if (auto* v = take("align"))
        p.align = parse_size(*v, "align");
    if (auto* v = take("read"))
        p.read_percent = parse_percent(*v, "read");
    if (auto* v = take("processes")) {
        p.processes = static_cast<unsigned>(parse_size(*v, "processes"));
        if (p.processes == 0 || p.processes > 4096)
            throw SpecError("workload option processes=" + *v + ": expected 1..4096");
    }
    if (auto* v = take("seed"))
        p.seed = parse_size(*v, "seed");
    if (auto* v = take("discard"))
        p.discard_percent = parse_percent(*v, "discard");
    if (p.read_percent + p.discard_percent > 100)
        throw SpecError("workload options read and discard: together more than 100 percent");
    if (auto* v = take("requests"))
        p.requests = parse_size(*v, "requests");
    if (auto* v = take("size"))
        parse_sizes(*v, p);
    if (p.size_min == 0 || p.size_min % 512 || p.size_max % 512 || p.size_max < p.size_min)
        throw SpecError("workload option size: expected multiples of 512 bytes with min <= max");
    if (p.align == 0 || p.align % 512)
        throw SpecError("workload option align: expected a multiple of 512 bytes");
    if (p.span < p.size_max || p.span < p.align)
        throw SpecError("workload option span: must hold at least one request");
    return p;
}

class BasicGenerator : public Generator {
  public:
    explicit BasicGenerator(Params p)
        : p_(std::move(p)), rng_(p_.seed), slots_(p_.span / p_.align), cursor_(p_.processes, 0) {
        for (unsigned i = 0; i < p_.processes; ++i)
            cursor_[i] = (slots_ / p_.processes) * i; // sequential streams start apart
        limit_ = p_.requests;
    }

    Request next() override {
        Request r;
        r.process = proc_;
        proc_ = (proc_ + 1) % p_.processes;
        r.time_ns = time_ns_;
        time_ns_ += 1000;
        const uint64_t op = pick(100);
        r.op = op < p_.read_percent                        ? Op::Read
               : op < p_.read_percent + p_.discard_percent ? Op::Discard
                                                           : Op::Write;
        r.length = draw_size();
        uint64_t slot = next_slot(r.process, r.length);
        r.offset = std::min(slot * p_.align, p_.span - r.length);
        return r;
    }

  protected:
    virtual uint64_t next_slot(uint32_t process, uint64_t length) = 0;
    uint64_t draw_size() {
        if (!p_.size_table.empty()) {
            const uint64_t w = pick(p_.size_table.back().second);
            for (const auto& [size, cum] : p_.size_table)
                if (w < cum)
                    return size;
        }
        if (p_.size_min == p_.size_max)
            return p_.size_min;
        return p_.size_min + 512 * pick((p_.size_max - p_.size_min) / 512 + 1);
    }
    uint64_t pick(uint64_t n) { return std::uniform_int_distribution<uint64_t>(0, n - 1)(rng_); }
    uint64_t advance(uint32_t process, uint64_t length) {
        uint64_t& c = cursor_[process];
        const uint64_t slot = c % slots_;
        c += (length + p_.align - 1) / p_.align;
        return slot;
    }

    Params p_;
    std::mt19937_64 rng_;
    uint64_t slots_;
    std::vector<uint64_t> cursor_;
    uint32_t proc_ = 0;
    uint64_t time_ns_ = 0;
};

class SequentialGenerator final : public BasicGenerator {
    using BasicGenerator::BasicGenerator;
    uint64_t next_slot(uint32_t process, uint64_t length) override {
        return advance(process, length);
    }
};

class UniformGenerator final : public BasicGenerator {
    using BasicGenerator::BasicGenerator;
    uint64_t next_slot(uint32_t, uint64_t) override { return pick(slots_); }
};

// Ranks map to slots through a fixed multiplicative permutation so hot blocks are spread
// over the span instead of sitting at its start.
uint64_t scatter(uint64_t rank, uint64_t n) {
    constexpr uint64_t kOdd = 0x9E3779B97F4A7C15ull;
    return (rank * (kOdd % n | 1)) % n;
}

class ZipfGenerator final : public BasicGenerator {
  public:
    ZipfGenerator(Params p, double alpha) : BasicGenerator(std::move(p)), zipf_(slots_, alpha) {}
    uint64_t next_slot(uint32_t, uint64_t) override { return scatter(zipf_(rng_) - 1, slots_); }

  private:
    ZipfSampler zipf_;
};

class HotColdGenerator final : public BasicGenerator {
  public:
    HotColdGenerator(Params p, unsigned hot, unsigned hotfrac)
        : BasicGenerator(std::move(p)), hot_slots_(std::max<uint64_t>(1, slots_ * hot / 100)),
          hotfrac_(hotfrac) {}
    uint64_t next_slot(uint32_t, uint64_t) override {
        if (pick(100) < hotfrac_ || hot_slots_ == slots_)
            return pick(hot_slots_);
        return hot_slots_ + pick(slots_ - hot_slots_);
    }

  private:
    uint64_t hot_slots_;
    unsigned hotfrac_;
};

class ScanGenerator final : public BasicGenerator {
  public:
    ScanGenerator(Params p, double alpha, uint64_t every, uint64_t scan_slots)
        : BasicGenerator(std::move(p)), zipf_(std::max<uint64_t>(1, slots_ / 2), alpha),
          every_(every), scan_slots_(scan_slots) {}
    uint64_t next_slot(uint32_t, uint64_t) override {
        // The hot set lives in the first half; scans sweep the second half, cold.
        if (in_scan_ < scan_slots_ && hot_count_ >= every_) {
            const uint64_t half = slots_ / 2;
            const uint64_t slot = half + (scan_pos_++ % std::max<uint64_t>(1, slots_ - half));
            if (++in_scan_ == scan_slots_) {
                in_scan_ = 0;
                hot_count_ = 0;
            }
            return slot;
        }
        ++hot_count_;
        return scatter(zipf_(rng_) - 1, std::max<uint64_t>(1, slots_ / 2));
    }

  private:
    ZipfSampler zipf_;
    uint64_t every_, scan_slots_;
    uint64_t hot_count_ = 0, in_scan_ = 0, scan_pos_ = 0;
};

} // namespace

uint64_t parse_size(const std::string& s, const std::string& what) {
    size_t used = 0;
    unsigned long long v = 0;
    try {
        v = std::stoull(s, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    unsigned shift = 0;
    if (used > 0 && used + 1 == s.size()) {
        switch (s.back()) {
        case 'K': case 'k': shift = 10; break;
        case 'M': case 'm': shift = 20; break;
        case 'G': case 'g': shift = 30; break;
        case 'T': case 't': shift = 40; break;
        default: used = 0;
        }
        if (used)
            ++used;
    }
    if (used == 0 || used != s.size() || (shift && v > (~0ull >> shift)))
        throw SpecError(what + "=" + s + ": expected a size such as 4096, 64K, 8G");
    return v << shift;
}

std::unique_ptr<Generator> make_generator(const std::string& spec, uint64_t seed) {
    Params p = parse_spec(spec, seed);
    auto opt = [&](const char* key, const std::string& dflt) {
        auto it = p.kv.find(key);
        return it == p.kv.end() ? dflt : it->second;
    };
    static const std::map<std::string, std::vector<std::string>> kKeys = {
        {"seq", {}}, {"uniform", {}}, {"zipf", {"alpha"}},
        {"hotcold", {"hot", "hotfrac"}}, {"scan", {"alpha", "every", "scanlen"}}};
    const auto kind = kKeys.find(p.kind);
    if (kind == kKeys.end())
        throw SpecError("workload '" + p.kind +
                        "': unknown kind (expected seq, uniform, zipf, hotcold or scan)");
    for (const auto& [key, value] : p.kv) {
        static const std::vector<std::string> common = {
            "span", "read", "discard", "size", "align", "processes", "seed", "requests"};
        if (std::find(common.begin(), common.end(), key) == common.end() &&
            std::find(kind->second.begin(), kind->second.end(), key) == kind->second.end())
            throw SpecError("workload '" + p.kind + "': unknown option '" + key + "'");
    }
    if (p.kind == "seq")
        return std::make_unique<SequentialGenerator>(std::move(p));
    if (p.kind == "uniform")
        return std::make_unique<UniformGenerator>(std::move(p));
    if (p.kind == "zipf") {
        const double alpha = parse_double(opt("alpha", "0.9"), "alpha");
        return std::make_unique<ZipfGenerator>(std::move(p), alpha);
    }
    if (p.kind == "hotcold") {
        const unsigned hot = parse_percent(opt("hot", "10"), "hot");
        const unsigned frac = parse_percent(opt("hotfrac", "90"), "hotfrac");
        if (hot == 0)
            throw SpecError("workload option hot=0: the hot set needs at least 1 percent");
        return std::make_unique<HotColdGenerator>(std::move(p), hot, frac);
    }
    const double alpha = parse_double(opt("alpha", "0.9"), "alpha");
    const uint64_t every = parse_size(opt("every", "10000"), "every");
    const uint64_t scan_slots = parse_size(opt("scanlen", "64M"), "scanlen") / p.align;
    return std::make_unique<ScanGenerator>(std::move(p), alpha, every,
                                           std::max<uint64_t>(1, scan_slots));
}

} // namespace bucketscope::workload
