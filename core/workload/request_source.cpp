// Trace and generator sources; see request_source.h.
#include "core/workload/request_source.h"

#include <algorithm>

#include "core/workload/generator.h"

namespace bucketscope::workload {

namespace {

class TraceSource final : public RequestSource {
  public:
    TraceSource(std::unique_ptr<TraceReader> r, uint64_t limit)
        : reader_(std::move(r)), limit_(limit) {}

    bool next(Request& out) override {
        if (done_ || (limit_ && taken_ >= limit_))
            return false;
        try {
            if (!reader_->next(out)) {
                done_ = true;
                return false;
            }
        } catch (const std::exception& e) {
            error_ = e.what();
            done_ = true;
            return false;
        }
        ++taken_;
        return true;
    }

    double progress() const override {
        if (done_)
            return 1.0;
        const double by_file = reader_->progress();
        if (!limit_)
            return by_file;
        return std::max(by_file, double(taken_) / double(limit_));
    }

    uint64_t bad_records() const override { return reader_->bad_records(); }
    std::string first_bad() const override { return reader_->first_bad(); }

  private:
    std::unique_ptr<TraceReader> reader_;
    uint64_t limit_;
    bool done_ = false;
};

class GeneratorSource final : public RequestSource {
  public:
    GeneratorSource(std::unique_ptr<Generator> g, uint64_t limit)
        : gen_(std::move(g)), limit_(limit ? limit : gen_->limit()) {}

    bool next(Request& out) override {
        if (limit_ && taken_ >= limit_)
            return false;
        out = gen_->next();
        ++taken_;
        return true;
    }

    double progress() const override {
        return limit_ ? double(taken_) / double(limit_) : -1.0;
    }

  private:
    std::unique_ptr<Generator> gen_;
    uint64_t limit_;
};

} // namespace

std::unique_ptr<RequestSource> trace_source(std::unique_ptr<TraceReader> reader,
                                            uint64_t limit) {
    return std::make_unique<TraceSource>(std::move(reader), limit);
}

std::unique_ptr<RequestSource> open_trace_source(const std::string& path,
                                                 const TraceOptions& opts, uint64_t limit) {
    return trace_source(TraceReader::open(path, opts), limit);
}

std::unique_ptr<RequestSource> generator_source(std::unique_ptr<Generator> gen, uint64_t limit) {
    return std::make_unique<GeneratorSource>(std::move(gen), limit);
}

std::unique_ptr<RequestSource> make_workload_source(const std::string& spec, uint64_t seed,
                                                    uint64_t limit) {
    return generator_source(make_generator(spec, seed), limit);
}

} // namespace bucketscope::workload
